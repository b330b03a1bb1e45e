package transport_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/txtarantool/txtarantool/internal/tlsproxy"
	"github.com/txtarantool/txtarantool/transport"
)

// NewDialer accepts the address forms users write and picks TCP or Unix.
func ExampleNewDialer() {
	for _, addr := range []string{
		"localhost:3301",
		"tcp://[::1]:3301",
		"3301",
		"unix:///tmp/tarantool.sock",
		"/tmp/tarantool.sock",
	} {
		d, err := transport.NewDialer(addr, transport.WithConnectTimeout(time.Second))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%T %s\n", d, d.Address())
	}
	_, err := transport.NewDialer("localhost")
	var ae *transport.AddressError
	fmt.Println(errors.As(err, &ae), ae.Reason)
	// Output:
	// *transport.TCPDialer localhost:3301
	// *transport.TCPDialer [::1]:3301
	// *transport.TCPDialer 127.0.0.1:3301
	// *transport.UnixDialer unix:/tmp/tarantool.sock
	// *transport.UnixDialer unix:/tmp/tarantool.sock
	// true missing port in address; expected host:port
}

// Dial errors wrap the network error in a *DialError; context errors stay
// matchable.
func ExampleNewDialer_dial() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens on addr any more

	d, err := transport.NewDialer(addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = d.Dial(context.Background())
	var de *transport.DialError
	fmt.Println("dial error:", errors.As(err, &de) && de.Address == addr)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = d.Dial(ctx)
	fmt.Println("cancelled:", errors.Is(err, context.Canceled))
	// Output:
	// dial error: true
	// cancelled: true
}

// WithTLS runs TLS over the connection; the server name defaults to the
// address's host, and a failed handshake is a *TLSError inside the
// *DialError, with crypto/x509's error as its cause.
func ExampleWithTLS() {
	// A TLS server that says hello, with a certificate from a throwaway CA.
	// In real use the CA comes from a file: pool.AppendCertsFromPEM(pem).
	pki, err := tlsproxy.NewPKI("localhost", "127.0.0.1")
	if err != nil {
		fmt.Println(err)
		return
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", pki.ServerConfig(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("hello"))
			_ = c.Close()
		}
	}()

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CAPEM)
	d, err := transport.NewDialer(ln.Addr().String(),
		transport.WithTLS(&tls.Config{RootCAs: pool}), // verified as "127.0.0.1"
		transport.WithConnectTimeout(5*time.Second))   // connect and handshake
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := d.Dial(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, _ := io.ReadAll(conn)
	conn.Close()
	fmt.Printf("%T says %s\n", d, msg)

	// A client that trusts another CA only.
	other, err := tlsproxy.NewPKI()
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ = transport.NewDialer(ln.Addr().String(), transport.WithTLS(&tls.Config{RootCAs: other.Pool()}))
	_, err = d.Dial(context.Background())
	var te *transport.TLSError
	var unknownCA x509.UnknownAuthorityError
	fmt.Println("TLS error:", errors.As(err, &te), "unknown CA:", errors.As(err, &unknownCA))
	// Output:
	// *transport.TLSDialer says hello
	// TLS error: true unknown CA: true
}
