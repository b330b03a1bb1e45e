package client_test

// TLS end to end: the client dials a TLS-terminating proxy
// (internal/tlsproxy) in front of the shared Tarantool, which has no TLS
// of its own (TLS is in Tarantool Enterprise only). The certificates come
// from a throwaway CA generated per test.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/tlsproxy"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/transport"
)

// tlsFixture is a throwaway PKI and a proxy presenting its server
// certificate in front of the shared server.
type tlsFixture struct {
	pki   *tlsproxy.PKI
	proxy *tlsproxy.Proxy
}

// startTLSProxy starts a TLS proxy to the shared server (skipping without one),
// demanding client certificates if requireClientCert; it is closed, all
// its goroutines ended, when the test ends.
func startTLSProxy(t *testing.T, requireClientCert bool) *tlsFixture {
	t.Helper()
	srv := requireServer(t)
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	p, err := tlsproxy.Start(srv.Addr(), pki.ServerConfig(requireClientCert))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Close()) })
	return &tlsFixture{pki: pki, proxy: p}
}

// withTLS sets Options.TLS.
func withTLS(cfg *tls.Config) func(*client.Options) {
	return func(o *client.Options) { o.TLS = cfg }
}

// dialTLSError dials the proxy with cfg and the test user and returns the
// error, which the test expects.
func dialTLSError(t *testing.T, f *tlsFixture, cfg *tls.Config) error {
	t.Helper()
	c, err := client.Dial(testContext(t), f.proxy.Addr(), client.Options{User: testUser, Password: testPassword, TLS: cfg})
	require.Error(t, err)
	require.Nil(t, c)
	return err
}

// requireTLSHandshakeError asserts that err is a failed TLS handshake:
// a *transport.DialError wrapping a *transport.TLSError.
func requireTLSHandshakeError(t *testing.T, err error) *transport.TLSError {
	t.Helper()
	var de *transport.DialError
	require.ErrorAs(t, err, &de)
	var te *transport.TLSError
	require.ErrorAs(t, err, &te)
	return te
}

// exerciseOverTLS runs a ping, an insert and select, and a call on c.
func exerciseOverTLS(t *testing.T, c client.Conn) {
	t.Helper()
	ctx := testContext(t)
	_, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	key := keyBlock()
	require.Equal(t, []any{[]any{int64(key), "over tls"}}, awaitValues(t, c.Insert(ctx, "test", []any{key, "over tls"})))
	require.Equal(t, []any{[]any{int64(key), "over tls"}}, awaitValues(t, c.Select(ctx, "test", "primary", key)))
	require.Equal(t, []any{int64(5)}, awaitValues(t, c.Call(ctx, "sum", 2, 3)))
	require.Equal(t, []any{"tls"}, awaitValues(t, c.Call(ctx, "echo", "tls")))
}

func TestTLSCommands(t *testing.T) {
	t.Parallel()
	f := startTLSProxy(t, false)

	// A CA file's contents and an explicit server name.
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(f.pki.CAPEM))
	cfg := &tls.Config{RootCAs: pool, ServerName: "localhost"}
	c := dial(t, f.proxy.Addr(), withTLS(cfg))
	require.Equal(t, f.proxy.Addr(), c.Addr())
	require.NotZero(t, c.Greeting().Version)
	exerciseOverTLS(t, c)
	require.Equal(t, "localhost", cfg.ServerName)
	require.Empty(t, cfg.Certificates, "the caller's config is not modified")

	// The server name defaults to the address's host: 127.0.0.1, which
	// the certificate names as an IP address.
	exerciseOverTLS(t, dial(t, f.proxy.Addr(), withTLS(f.pki.ClientConfig(false))))

	// A pool: every member over TLS.
	p, err := client.DialPool(testContext(t), f.proxy.Addr(), 3, client.Options{User: testUser, Password: testPassword, TLS: cfg})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	exerciseOverTLS(t, p)
	require.Equal(t, 5, f.proxy.Handshakes())
	require.Empty(t, f.proxy.HandshakeErrors())
}

// TestTLSWithDialer: Options.TLS runs over the connections of a custom
// Dialer.
func TestTLSWithDialer(t *testing.T) {
	t.Parallel()
	f := startTLSProxy(t, false)
	d := newCountingDialer(t, f.proxy.Addr())
	c := dial(t, "ignored", func(o *client.Options) {
		o.Dialer = d
		o.TLS = f.pki.ClientConfig(false)
	})
	exerciseOverTLS(t, c)
	require.EqualValues(t, 1, d.dials.Load())
	require.Equal(t, 1, f.proxy.Handshakes())
}

// TestTLSUntrustedServer: a server certificate from an unknown CA, or one
// not valid for the server name, fails Dial with the typed error and
// x509's error as its cause; a lazy client retries and fails its requests
// as never sent.
func TestTLSUntrustedServer(t *testing.T) {
	t.Parallel()
	f := startTLSProxy(t, false)
	other, err := tlsproxy.NewPKI()
	require.NoError(t, err)

	err = dialTLSError(t, f, other.ClientConfig(false))
	te := requireTLSHandshakeError(t, err)
	require.Equal(t, "127.0.0.1", te.ServerName)
	var unknownCA x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownCA)
	require.NotErrorIs(t, err, context.DeadlineExceeded, "rejected, not timed out")

	cfg := f.pki.ClientConfig(false)
	cfg.ServerName = "db.example"
	err = dialTLSError(t, f, cfg)
	te = requireTLSHandshakeError(t, err)
	require.Equal(t, "db.example", te.ServerName)
	var hostname x509.HostnameError
	require.ErrorAs(t, err, &hostname)
	require.Contains(t, err.Error(), "db.example")
	require.Zero(t, f.proxy.Handshakes(), "nothing reached the server")

	// A lazy client keeps failing the handshake: its requests fail at
	// once (or when their context ends, if waiting) as never sent.
	rec := newEventRecorder()
	lazy, err := client.Lazy(f.proxy.Addr(), testOptions(fastReconnect, withEvents(rec), withTLS(other.ClientConfig(false))))
	require.NoError(t, err)
	t.Cleanup(func() { _ = lazy.Close() })
	rec.Wait(t, "reconnecting", 2)
	r, err := await(t, lazy.Ping(testContext(t)))
	requireConnError(t, r, err, false, client.ErrNotConnected)

	waiting, err := client.Lazy(f.proxy.Addr(), testOptions(fastReconnect, withTLS(other.ClientConfig(false)), func(o *client.Options) {
		o.WaitForReconnect = 1
	}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = waiting.Close() })
	short, cancel := context.WithTimeout(testContext(t), 200*time.Millisecond)
	defer cancel()
	r, err = await(t, waiting.Call(short, "echo", "never"))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, f.proxy.Handshakes())

	// A policy that gives up stops the client; the TLS error is named.
	stopped := newEventRecorder()
	gaveUp, err := client.Lazy(f.proxy.Addr(), testOptions(fastReconnect, withEvents(stopped), withTLS(other.ClientConfig(false)), func(o *client.Options) {
		o.Reconnect = reconnect.MaxAttempts(quickReconnect, 2)
	}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = gaveUp.Close() })
	closed := stopped.Wait(t, "closed", 1)
	require.ErrorIs(t, closed[0].Cause, client.ErrReconnectStopped)
	require.Contains(t, closed[0].Cause.Error(), "certificate signed by unknown authority")
}

// TestTLSClientCertificate: a proxy demanding client certificates refuses
// a client without one and serves a client with one.
func TestTLSClientCertificate(t *testing.T) {
	t.Parallel()
	f := startTLSProxy(t, true)

	// With TLS 1.3 (the default) the proxy rejects the missing
	// certificate after the client's handshake; the alert is the error of
	// the first read, that of the greeting, and is a *TLSError inside a
	// *DialError all the same.
	err := dialTLSError(t, f, f.pki.ClientConfig(false))
	te := requireTLSHandshakeError(t, err)
	require.Contains(t, err.Error(), "certificate required")
	require.NotErrorIs(t, err, context.DeadlineExceeded)

	// A certificate from another CA is refused too.
	other, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	cfg := f.pki.ClientConfig(false)
	cfg.Certificates = []tls.Certificate{other.Client}
	err = dialTLSError(t, f, cfg)
	require.ErrorAs(t, err, &te, "got %v", err)
	require.Eventually(t, func() bool { return len(f.proxy.HandshakeErrors()) == 2 }, 5*time.Second, 10*time.Millisecond)
	require.Zero(t, f.proxy.Handshakes())

	// With TLS 1.2 the refusal comes within the handshake.
	cfg = f.pki.ClientConfig(false)
	cfg.MaxVersion = tls.VersionTLS12
	requireTLSHandshakeError(t, dialTLSError(t, f, cfg))

	c := dial(t, f.proxy.Addr(), withTLS(f.pki.ClientConfig(true)))
	exerciseOverTLS(t, c)
	require.Equal(t, 1, f.proxy.Handshakes())
}

// TestTLSReconnect: when the proxy drops every connection, the client
// reconnects over TLS by itself and later requests succeed.
func TestTLSReconnect(t *testing.T) {
	t.Parallel()
	f := startTLSProxy(t, true)
	rec := newEventRecorder()
	c, err := client.Dial(testContext(t), f.proxy.Addr(), testOptions(fastReconnect, withEvents(rec), withTLS(f.pki.ClientConfig(true))))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	exerciseOverTLS(t, c)

	for i := 1; i <= 2; i++ {
		// The client's side and the server's (and, briefly, the closed
		// pair of the previous round).
		require.GreaterOrEqual(t, f.proxy.DropConnections(), 2)
		rec.Wait(t, "disconnected", i)
		rec.Wait(t, "reconnected", i)
		exerciseOverTLS(t, c)
		require.Equal(t, i+1, f.proxy.Handshakes())
	}
	require.Empty(t, f.proxy.HandshakeErrors())
}

// TestTLSUnixNeedsServerName: a Unix socket address names no host to
// verify the certificate against.
func TestTLSUnixNeedsServerName(t *testing.T) {
	t.Parallel()
	_, err := client.Dial(context.Background(), "unix:/tmp/none.sock", client.Options{TLS: &tls.Config{}})
	var ae *transport.AddressError
	require.ErrorAs(t, err, &ae)
	require.Contains(t, ae.Reason, "ServerName")
	require.False(t, errors.Is(err, client.ErrNotSent))
}
