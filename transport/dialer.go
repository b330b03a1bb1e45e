package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// DefaultKeepAlive is the TCP keep-alive period used when none is configured.
const DefaultKeepAlive = 30 * time.Second

// Dialer opens connections to one server address. Implementations are safe
// for concurrent use.
type Dialer interface {
	// Dial opens one connection. It blocks for at most one connect attempt,
	// honours ctx's deadline and cancellation, and returns a *DialError on
	// failure.
	Dial(ctx context.Context) (net.Conn, error)
	// Address returns the canonical address string, e.g. "127.0.0.1:3301"
	// or "unix:/tmp/t.sock". It does not allocate for TCP dialers.
	Address() string
}

// Option configures the dialer built by NewDialer.
type Option func(*options)

// options holds what Option functions set.
type options struct {
	keepAlive      time.Duration
	connectTimeout time.Duration
	tls            *tls.Config
}

// WithKeepAlive sets the TCP keep-alive period (see TCPDialer.KeepAlive):
// zero means DefaultKeepAlive and a negative value disables keep-alives. It
// has no effect on Unix socket dialers.
func WithKeepAlive(d time.Duration) Option {
	return func(o *options) { o.keepAlive = d }
}

// WithConnectTimeout bounds each Dial call to d, on top of the deadline of
// the context passed to Dial; zero or negative means no extra bound. With
// WithTLS the bound covers the TLS handshake too.
func WithConnectTimeout(d time.Duration) Option {
	return func(o *options) { o.connectTimeout = d }
}

// NewDialer parses addr with ParseAddress and returns a *TCPDialer or a
// *UnixDialer for it, configured by opts; with WithTLS it returns a
// *TLSDialer wrapping one of them. It does no I/O; an unparsable addr, or
// TLS to a Unix socket without a server name, yields an *AddressError.
func NewDialer(addr string, opts ...Option) (Dialer, error) {
	a, err := ParseAddress(addr)
	if err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var d Dialer
	switch a.Network {
	case NetworkUnix:
		d = &UnixDialer{Path: a.Address, ConnectTimeout: o.connectTimeout}
	default:
		d = &TCPDialer{Addr: a.Address, KeepAlive: o.keepAlive, ConnectTimeout: o.connectTimeout}
	}
	if o.tls == nil {
		return d, nil
	}
	td, err := NewTLSDialer(d, o.tls)
	if err != nil {
		return nil, err
	}
	// The timeout bounds connect and handshake together.
	td.ConnectTimeout = o.connectTimeout
	return td, nil
}

// dial opens one connection on network to addr, bounded by ctx and by
// timeout when it is positive, and wraps any failure in a *DialError naming
// canonical.
func dial(ctx context.Context, nd *net.Dialer, network, addr, canonical string, timeout time.Duration) (net.Conn, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	conn, err := nd.DialContext(ctx, network, addr)
	if err == nil {
		return conn, nil
	}
	// The net package maps context errors to its own values and enforces
	// the deadline with its own timer, which may fire before ctx notices;
	// make sure errors.Is(err, context.DeadlineExceeded / context.Canceled)
	// holds all the same.
	if ctxErr := contextCause(ctx, err); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return nil, &DialError{Address: canonical, Err: err}
}

// contextCause returns the context error that explains the dial failure err,
// or nil when ctx played no part in it.
func contextCause(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var ne net.Error
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) && errors.As(err, &ne) && ne.Timeout() {
		return context.DeadlineExceeded
	}
	return nil
}
