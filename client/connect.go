package client

import (
	"context"
	"errors"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/wire"
)

// Dial connects to the server at addr ("host:port", "tcp://host:port",
// "unix:/path", "/path.sock", or Tarantool's URI form with credentials,
// "user:password@host:port", whose user and password fill opts.User and
// opts.Password where those are empty: see ErrCredentialsConflict), reads
// the greeting, authenticates if opts.User is set and loads the schema.
// It blocks until the client is ready or ctx (bounded by opts.DialTimeout)
// ends, and makes one attempt: a failure is returned (a
// *transport.DialError, also when the connection fails or times out in
// the greeting or login, matching context.DeadlineExceeded then; an
// *AuthError; ...). Once connected, the client reconnects by itself per
// opts.Reconnect.
//
// Cost: one TCP or Unix connection with two goroutines (reader, writer),
// one executor goroutine, one supervisor goroutine, and two selects for
// the schema.
//
// A nil ctx fails at once with an *ArgumentError (ErrNilContext).
func Dial(ctx context.Context, addr string, opts Options) (*Client, error) {
	if ctx == nil {
		return nil, nilContextError()
	}
	c, err := newClient(addr, opts, nil)
	if err != nil {
		return nil, err
	}
	if err := c.dialFirst(ctx); err != nil {
		c.abort()
		return nil, err
	}
	return c, nil
}

// Connect is Dial returning a future: it fires with the client once the
// connection is up (authenticated, schema loaded), or fails as Dial does.
// Cancelling the future abandons the attempt; a connection that comes up
// afterwards is closed. A nil ctx fails the future at once, as Dial.
// Cost: as Dial, plus one goroutine while connecting.
func Connect(ctx context.Context, addr string, opts Options) *future.Future[*Client] {
	if ctx == nil {
		return future.Rejected[*Client](nilContextError())
	}
	return connectAsync(ctx, func(ctx context.Context) (*Client, error) { return Dial(ctx, addr, opts) })
}

// connectAsync runs a blocking connect in a goroutine and returns a future
// of its result. Cancelling the future cancels the connect; a connection
// that comes up after the cancellation is closed, never leaked.
func connectAsync[T interface {
	comparable
	Close() error
}](ctx context.Context, connect func(context.Context) (T, error)) *future.Future[T] {
	f, p := future.New[T]()
	ctx, cancel := context.WithCancel(ctx)
	p.OnCancel(cancel)
	go func() {
		defer cancel()
		v, err := connect(ctx)
		var none T
		if !p.Complete(v, err) && v != none {
			_ = v.Close() // the future was cancelled meanwhile
		}
	}()
	return f
}

// Lazy returns a client at once and connects in the background, retrying
// per opts.Reconnect from the first attempt on; it fails only for an
// invalid address. Until the first connection is up, commands fail fast
// with ErrNotConnected, or wait if opts.WaitForReconnect is set: a program
// can start before its server is up. WaitConnected (or Ready, a future)
// waits for the connection. Cost: as Dial, without blocking.
func Lazy(addr string, opts Options) (*Client, error) {
	c, err := newClient(addr, opts, nil)
	if err != nil {
		return nil, err
	}
	c.startSupervisor(nil)
	return c, nil
}

// dialFirst makes the first connection of a non-lazy client and starts
// the supervisor that keeps it connected.
func (c *Client) dialFirst(ctx context.Context) error {
	if c.opts.DialTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.DialTimeout)
		defer cancel()
	}
	start := time.Now()
	ln, err := c.connectOnce(ctx)
	c.traceConnect(1, start, err)
	if err != nil {
		return err
	}
	c.counters.connects.Add(1)
	c.setUp(true)
	c.emitConnected()
	c.startSupervisor(ln)
	return nil
}

// abort releases a client whose first connection failed.
func (c *Client) abort() {
	c.closed.Store(true)
	c.stopLife()
	if c.ownExec {
		c.exec.Close()
	}
}

// connectOnce makes one connection: dial, greeting, authentication, and
// (unless SkipSchema) the schema load. The connection is installed as the
// client's current one before the schema is loaded, since the load goes
// through it.
func (c *Client) connectOnce(ctx context.Context) (*link, error) {
	raw, err := c.dialer.Dial(ctx)
	if err != nil {
		return nil, err
	}
	nc := &wire.ActivityConn{Conn: raw}
	greeting, info, br, err := handshake(ctx, nc, c.handshakeOptions())
	if err != nil {
		_ = nc.Close()
		return nil, dialFailure(c.addr, err)
	}
	if missing := info.missing(c.opts.RequiredFeatures); missing != nil {
		_ = nc.Close()
		return nil, &FeatureError{Missing: missing, Server: info}
	}
	ln := c.newLink(nc, br, greeting, info, info.Has(iproto.IPROTO_FEATURE_SPACE_AND_INDEX_NAMES), handshakeSync)
	ln.start()
	if !c.install(ln) {
		ln.close(ErrClosed)
		return nil, ErrClosed
	}
	c.watchAll(ln)
	c.log.Info("txtarantool: connected", "addr", c.addr, "version", greeting.Version.String(), "user", c.opts.User)
	if c.opts.SkipSchema {
		return ln, nil
	}
	if _, err := c.ReloadSchema(ctx); err != nil {
		c.link.CompareAndSwap(ln, nil)
		ln.close(err)
		return nil, err
	}
	return ln, nil
}

// install makes ln the current connection unless the client is closed.
func (c *Client) install(ln *link) bool {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if c.closed.Load() {
		return false
	}
	c.link.Store(ln)
	return true
}

// connectionBroken is told by a link that it broke: it stops being the
// client's connection at once (a Pool skips the member from now on; the
// supervisor notices and reconnects), and the loss is logged.
func (c *Client) connectionBroken(ln *link, cause error) {
	c.drop(ln)
	if errors.Is(cause, ErrClosed) {
		return
	}
	c.watchLinkLost(ln)
	c.log.Warn("txtarantool: connection lost", "addr", ln.addr, "err", cause)
}
