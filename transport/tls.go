package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// WithTLS makes NewDialer return a *TLSDialer that runs TLS over the TCP or
// Unix connection, configured by a clone of cfg (cfg itself is never
// modified or retained, so the caller may reuse it). When cfg.ServerName is
// empty it defaults to the host of the address, so "db.example:3301" is
// verified as "db.example" and "127.0.0.1:3301" against the certificate's
// IP addresses. A nil cfg means no TLS, so that an optional configuration
// can be passed through as is.
//
// Cost: one clone of cfg when NewDialer runs; each Dial adds a TLS handshake
// (one round trip with TLS 1.3, two with TLS 1.2, plus certificate
// verification), and every byte afterwards is encrypted.
func WithTLS(cfg *tls.Config) Option {
	return func(o *options) { o.tls = cfg }
}

// TLSDialer dials with another Dialer and runs a TLS client handshake over
// the connection it returns. It is safe for concurrent use as long as
// Config is not modified after the first Dial.
// Build it with NewTLSDialer (or NewDialer and WithTLS), which fill in the
// server name; a TLSDialer built by hand uses Config exactly as given.
type TLSDialer struct {
	// Dialer opens the underlying connection (a *TCPDialer or a
	// *UnixDialer, or any other Dialer).
	Dialer Dialer
	// Config is the TLS client configuration. It must not be nil, and it
	// needs a ServerName unless InsecureSkipVerify is set.
	Config *tls.Config
	// ConnectTimeout, when positive, bounds each Dial, connect and
	// handshake together, on top of the deadline of the context passed
	// to it.
	ConnectTimeout time.Duration
}

// NewTLSDialer returns a *TLSDialer that runs TLS over the connections of
// inner, configured by a clone of cfg (cfg is never modified or retained;
// nil means a zero tls.Config: the system's roots, no client certificate).
// An empty ServerName defaults to the host of inner.Address(). A Unix socket
// address names no host, so TLS to one needs cfg.ServerName (or
// InsecureSkipVerify): without it NewTLSDialer returns an *AddressError. It
// does no I/O; the cost is the clone.
func NewTLSDialer(inner Dialer, cfg *tls.Config) (*TLSDialer, error) {
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = serverName(inner.Address())
	}
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		return nil, &AddressError{Input: inner.Address(), Reason: "TLS needs a server name to verify and the address has no host; set tls.Config.ServerName"}
	}
	return &TLSDialer{Dialer: inner, Config: cfg}, nil
}

// serverName returns the host part of a TCP address, without brackets or
// an IPv6 zone, or "" for any other address.
func serverName(addr string) string {
	a, err := ParseAddress(addr)
	if err != nil || a.Network != NetworkTCP {
		return ""
	}
	host, _, err := net.SplitHostPort(a.Address)
	if err != nil {
		return ""
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	return host
}

// Dial opens a connection with d.Dialer and performs the TLS handshake on
// it, both bounded by ctx and d.ConnectTimeout. A failed connect is
// returned as the inner Dialer reports it; a failed handshake closes the
// connection and returns a *DialError wrapping a *TLSError, whose cause (an
// x509 or tls error, or the context's error) matches errors.As and
// errors.Is.
//
// The connection returned wraps a *tls.Conn, whose methods it has (assert
// it to interface{ ConnectionState() tls.ConnectionState } to inspect the
// session). Its Read and Write report an alert from the server as a
// *TLSError too: with TLS 1.3 the server checks the client certificate only
// after the client has finished its handshake, so a missing or untrusted
// client certificate shows as the error of the first Read ("remote error:
// tls: certificate required"), not of Dial. The wrapping costs one method
// call per Read and Write.
func (d *TLSDialer) Dial(ctx context.Context) (net.Conn, error) {
	if d.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.ConnectTimeout)
		defer cancel()
	}
	nc, err := d.Dialer.Dial(ctx)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(nc, d.Config)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = nc.Close()
		if ctxErr := contextCause(ctx, err); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		return nil, &DialError{Address: d.Address(), Err: &TLSError{ServerName: d.Config.ServerName, Err: err}}
	}
	return &tlsConn{Conn: tc, serverName: d.Config.ServerName}, nil
}

// Address returns the inner Dialer's address (TLS does not change what is
// dialled). It allocates only if the inner Dialer's Address does.
func (d *TLSDialer) Address() string { return d.Dialer.Address() }

// tlsConn is the connection a TLSDialer returns: a *tls.Conn whose Read and
// Write report an alert received from the server as a *TLSError.
type tlsConn struct {
	*tls.Conn
	serverName string
}

// Read reads decrypted bytes; see TLSDialer.Dial for its errors.
func (c *tlsConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		err = c.alertError(err)
	}
	return n, err
}

// Write encrypts and writes p; see TLSDialer.Dial for its errors.
func (c *tlsConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil {
		err = c.alertError(err)
	}
	return n, err
}

// alertError wraps err in a *TLSError when it is an alert the server sent
// (crypto/tls reports one as a *net.OpError with Op "remote error"), and
// returns any other error as it is.
func (c *tlsConn) alertError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "remote error" {
		return &TLSError{ServerName: c.serverName, Err: err}
	}
	return err
}
