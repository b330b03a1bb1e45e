package transport_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/internal/tlsproxy"
	"github.com/txtarantool/txtarantool/transport"
)

// newPKI generates a throwaway CA with server and client certificates.
func newPKI(t *testing.T) *tlsproxy.PKI {
	t.Helper()
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	return pki
}

// tlsListen listens on network/addr with TLS configured by cfg and says
// hello on every connection whose handshake succeeds.
func tlsListen(t *testing.T, network, addr string, cfg *tls.Config) net.Listener {
	t.Helper()
	ln, err := tls.Listen(network, addr, cfg)
	require.NoError(t, err)
	serveHello(t, ln)
	return ln
}

// tlsDialer returns NewDialer(addr, WithTLS(cfg), opts...) as a *TLSDialer.
func tlsDialer(t *testing.T, addr string, cfg *tls.Config, opts ...transport.Option) *transport.TLSDialer {
	t.Helper()
	d, err := transport.NewDialer(addr, append([]transport.Option{transport.WithTLS(cfg)}, opts...)...)
	require.NoError(t, err)
	td, ok := d.(*transport.TLSDialer)
	require.True(t, ok, "want *TLSDialer, got %T", d)
	return td
}

// requireTLSError asserts that err is a *DialError wrapping a *TLSError
// and returns the TLSError.
func requireTLSError(t *testing.T, err error) *transport.TLSError {
	t.Helper()
	var de *transport.DialError
	require.True(t, errors.As(err, &de), "want *DialError, got %T %v", err, err)
	var te *transport.TLSError
	require.True(t, errors.As(err, &te), "want *TLSError, got %v", err)
	require.Contains(t, err.Error(), "tls handshake")
	return te
}

func TestWithTLSOptions(t *testing.T) {
	pki := newPKI(t)
	cfg := pki.ClientConfig(false)

	d := tlsDialer(t, "localhost:3301", cfg, transport.WithConnectTimeout(3*time.Second), transport.WithKeepAlive(time.Minute))
	require.Equal(t, "localhost:3301", d.Address())
	require.Equal(t, "localhost", d.Config.ServerName, "defaults to the host")
	require.Equal(t, 3*time.Second, d.ConnectTimeout, "the timeout covers the handshake")
	inner, ok := d.Dialer.(*transport.TCPDialer)
	require.True(t, ok, "inner dialer is %T", d.Dialer)
	require.Equal(t, time.Minute, inner.KeepAlive)
	require.NotSame(t, cfg, d.Config, "the caller's config is cloned")
	require.Empty(t, cfg.ServerName, "the caller's config is not modified")
	require.Same(t, cfg.RootCAs, d.Config.RootCAs)

	for addr, name := range map[string]string{
		"127.0.0.1:3301":      "127.0.0.1",
		"tcp://[::1]:3301":    "::1",
		"[fe80::1%eth0]:3301": "fe80::1",
		"3301":                "127.0.0.1",
	} {
		require.Equal(t, name, tlsDialer(t, addr, cfg).Config.ServerName, addr)
	}

	cfg.ServerName = "db.example"
	require.Equal(t, "db.example", tlsDialer(t, "10.0.0.1:3301", cfg).Config.ServerName, "an explicit name is kept")

	// A nil config means no TLS.
	plain, err := transport.NewDialer("localhost:3301", transport.WithTLS(nil))
	require.NoError(t, err)
	require.IsType(t, &transport.TCPDialer{}, plain)

	// A Unix socket has no host to verify.
	_, err = transport.NewDialer("unix:/tmp/t.sock", transport.WithTLS(&tls.Config{}))
	var ae *transport.AddressError
	require.True(t, errors.As(err, &ae), "got %v", err)
	require.Contains(t, ae.Reason, "ServerName")
	ud := tlsDialer(t, "unix:/tmp/t.sock", &tls.Config{ServerName: "localhost"})
	require.Equal(t, "unix:/tmp/t.sock", ud.Address())
	require.IsType(t, &transport.UnixDialer{}, ud.Dialer)
	_, err = transport.NewDialer("/tmp/t.sock", transport.WithTLS(&tls.Config{InsecureSkipVerify: true}))
	require.NoError(t, err)
}

func TestNewTLSDialerWrapsAnyDialer(t *testing.T) {
	d, err := transport.NewTLSDialer(&transport.TCPDialer{Addr: "localhost:3301"}, nil)
	require.NoError(t, err)
	require.Equal(t, "localhost", d.Config.ServerName, "nil means a zero config")
	require.Nil(t, d.Config.RootCAs, "the system roots")
	require.Zero(t, d.ConnectTimeout)
}

func TestTLSDial(t *testing.T) {
	pki := newPKI(t)
	ln := tlsListen(t, "tcp", "127.0.0.1:0", pki.ServerConfig(false))
	d := tlsDialer(t, ln.Addr().String(), pki.ClientConfig(false))
	readHello(t, d)

	conn, err := d.Dial(testCtx(t))
	require.NoError(t, err)
	defer conn.Close()
	state := conn.(interface{ ConnectionState() tls.ConnectionState }).ConnectionState()
	require.True(t, state.HandshakeComplete)
	require.Len(t, state.VerifiedChains, 1)
	require.Equal(t, pki.Server.Leaf.Raw, state.PeerCertificates[0].Raw)
	require.Equal(t, ln.Addr().String(), conn.RemoteAddr().String())
}

func TestTLSDialUnix(t *testing.T) {
	pki := newPKI(t)
	path := filepath.Join(shortTempDir(t), "t.sock")
	tlsListen(t, "unix", path, pki.ServerConfig(false))
	cfg := pki.ClientConfig(false)
	cfg.ServerName = "localhost"
	readHello(t, tlsDialer(t, "unix:"+path, cfg))
}

func TestTLSDialClientCertificate(t *testing.T) {
	pki := newPKI(t)
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		srv := pki.ServerConfig(true)
		srv.MaxVersion = version
		ln := tlsListen(t, "tcp", "127.0.0.1:0", srv)

		readHello(t, tlsDialer(t, ln.Addr().String(), pki.ClientConfig(true)))

		// Without a certificate the server refuses: in TLS 1.2 during the
		// handshake, in TLS 1.3 once the client has finished it, so that
		// the first read fails. Both report a *TLSError.
		d := tlsDialer(t, ln.Addr().String(), pki.ClientConfig(false))
		conn, err := d.Dial(testCtx(t))
		if err == nil {
			require.Equal(t, uint16(tls.VersionTLS13), version, "TLS 1.2 fails in Dial")
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.ReadFull(conn, make([]byte, 5))
			_ = conn.Close()
			var te *transport.TLSError
			require.True(t, errors.As(err, &te), "want *TLSError, got %T %v", err, err)
			require.Equal(t, "127.0.0.1", te.ServerName)
		} else {
			require.Equal(t, uint16(tls.VersionTLS12), version, "got %v", err)
			requireTLSError(t, err)
		}
		var oe *net.OpError
		require.True(t, errors.As(err, &oe), "the cause is crypto/tls's error: %v", err)
		require.Equal(t, "remote error", oe.Op)
	}
}

func TestTLSDialUntrustedServer(t *testing.T) {
	pki, other := newPKI(t), newPKI(t)
	ln := tlsListen(t, "tcp", "127.0.0.1:0", pki.ServerConfig(false))
	addr := ln.Addr().String()

	// Signed by another CA.
	_, err := tlsDialer(t, addr, other.ClientConfig(false)).Dial(testCtx(t))
	te := requireTLSError(t, err)
	require.Equal(t, "127.0.0.1", te.ServerName)
	var ua x509.UnknownAuthorityError
	require.True(t, errors.As(err, &ua), "got %v", err)
	var de *transport.DialError
	require.True(t, errors.As(err, &de))
	require.Equal(t, addr, de.Address)

	// Valid, but not for this name.
	cfg := pki.ClientConfig(false)
	cfg.ServerName = "db.example"
	_, err = tlsDialer(t, addr, cfg).Dial(testCtx(t))
	te = requireTLSError(t, err)
	require.Equal(t, "db.example", te.ServerName)
	var he x509.HostnameError
	require.True(t, errors.As(err, &he), "got %v", err)
}

func TestTLSDialPlainServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	serveHello(t, ln) // no TLS: writes "hello" and closes
	_, err = tlsDialer(t, ln.Addr().String(), &tls.Config{}).Dial(testCtx(t))
	requireTLSError(t, err)
	require.False(t, errors.Is(err, context.DeadlineExceeded))
}

func TestTLSDialHandshakeTimeout(t *testing.T) {
	// A server that accepts and never answers the ClientHello.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	t.Cleanup(func() {
		for {
			select {
			case c := <-accepted:
				_ = c.Close()
			default:
				return
			}
		}
	})

	// The context's deadline bounds the handshake...
	d := tlsDialer(t, ln.Addr().String(), &tls.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = d.Dial(ctx)
	requireTLSError(t, err)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	require.Less(t, time.Since(start), 5*time.Second)

	// ...and so does WithConnectTimeout alone.
	d = tlsDialer(t, ln.Addr().String(), &tls.Config{}, transport.WithConnectTimeout(200*time.Millisecond))
	start = time.Now()
	_, err = d.Dial(context.Background())
	requireTLSError(t, err)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	require.Less(t, time.Since(start), 5*time.Second)

	// A cancelled context stops it too.
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = d.Dial(cancelled)
	require.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

func TestTLSDialConnectFailure(t *testing.T) {
	addr := closedPort(t)
	_, err := tlsDialer(t, addr, &tls.Config{}).Dial(testCtx(t))
	var de *transport.DialError
	require.True(t, errors.As(err, &de), "got %v", err)
	var te *transport.TLSError
	require.False(t, errors.As(err, &te), "no handshake took place: %v", err)
}

// testCtx returns a context that ends with the test (at most 10 s).
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
