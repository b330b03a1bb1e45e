package tlsproxy_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/internal/tlsproxy"
)

// echoServer starts a plain TCP echo server and returns its address.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// start starts a proxy to target and closes it when the test ends.
func start(t *testing.T, target string, cfg *tls.Config) *tlsproxy.Proxy {
	t.Helper()
	p, err := tlsproxy.Start(target, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Close()) })
	return p
}

// roundTrip dials p with cfg, writes a message and reads it back.
func roundTrip(p *tlsproxy.Proxy, cfg *tls.Config) error {
	c, err := tls.Dial("tcp", p.Addr(), cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if string(buf) != "ping" {
		return errors.New("echo mismatch: " + string(buf))
	}
	return nil
}

func TestPKI(t *testing.T) {
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	opts := x509.VerifyOptions{Roots: pki.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		opts.DNSName = name
		_, err := pki.Server.Leaf.Verify(opts)
		require.NoError(t, err, name)
	}
	opts.DNSName = "example.com"
	_, err = pki.Server.Leaf.Verify(opts)
	require.Error(t, err)
	_, err = pki.Client.Leaf.Verify(x509.VerifyOptions{Roots: pki.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.NoError(t, err)
	require.Contains(t, string(pki.CAPEM), "BEGIN CERTIFICATE")

	other, err := tlsproxy.NewPKI("db.example")
	require.NoError(t, err)
	require.Equal(t, []string{"db.example"}, other.Server.Leaf.DNSNames)
	_, err = other.Server.Leaf.Verify(x509.VerifyOptions{Roots: pki.Pool()})
	var ua x509.UnknownAuthorityError
	require.ErrorAs(t, err, &ua, "each PKI has its own CA")
}

func TestProxyForwards(t *testing.T) {
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	p := start(t, echoServer(t), pki.ServerConfig(false))
	cfg := pki.ClientConfig(false)
	cfg.ServerName = "localhost"
	require.NoError(t, roundTrip(p, cfg))
	require.NoError(t, roundTrip(p, cfg))
	require.Equal(t, 2, p.Handshakes())
	require.Empty(t, p.HandshakeErrors())
}

func TestProxyRequiresClientCert(t *testing.T) {
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	p := start(t, echoServer(t), pki.ServerConfig(true))
	cfg := pki.ClientConfig(false)
	cfg.ServerName = "127.0.0.1"
	require.Error(t, roundTrip(p, cfg))
	require.NoError(t, roundTrip(p, pki.ClientConfig(true)), "ServerName defaults to the dialled host")
	require.Eventually(t, func() bool { return len(p.HandshakeErrors()) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, 1, p.Handshakes())
}

func TestProxyDropAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	p, err := tlsproxy.Start(echoServer(t), pki.ServerConfig(false))
	require.NoError(t, err)

	c, err := tls.Dial("tcp", p.Addr(), pki.ClientConfig(false))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("x"))
	require.NoError(t, err)
	_, err = io.ReadFull(c, make([]byte, 1))
	require.NoError(t, err)

	require.Equal(t, 2, p.DropConnections(), "the client side and the target side")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 1))
	require.Error(t, err, "a dropped connection reads EOF or a reset")
	require.NoError(t, roundTrip(p, pki.ClientConfig(false)), "the proxy still accepts")

	require.NoError(t, p.Close())
	require.NoError(t, p.Close(), "Close is idempotent")
	_, err = net.Dial("tcp", p.Addr())
	require.Error(t, err, "nothing listens after Close")
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+2 }, 5*time.Second, 10*time.Millisecond,
		"Close waited for the proxy's goroutines (the echo server's may still be ending)")
}
