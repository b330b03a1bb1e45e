package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// Client is a connection to one Tarantool server. Every command returns at
// once a *future.Future that settles when the response arrives; thousands
// of requests may be in flight on one Client. It is safe for concurrent
// use.
//
// A Client reconnects by itself when its connection breaks, following
// Options.Reconnect (see the reconnect package); requests in flight when
// the connection breaks fail at once (see ConnectionError), and requests
// made while it is down fail fast with ErrNotConnected or, with
// Options.WaitForReconnect, wait for the next connection.
//
// Callbacks attached with Then, Catch, Finally (and the Tuples/One
// helpers) run on the client's Serial executor, one at a time in
// settlement order, never on the network reader; goroutines blocked in
// Await are woken directly.
type Client struct {
	addr   string
	opts   Options
	dialer transport.Dialer
	log    *slog.Logger
	exec   *future.Serial
	// ownExec is false for pool members, which share the pool's executor.
	ownExec bool

	link   atomic.Pointer[link]
	schema atomic.Pointer[Schema]

	limiter inflightLimiter // Options.MaxInFlight (see inflight_limit.go)

	reloadMu sync.Mutex
	reload   *future.Future[*Schema] // the schema reload in progress, if any

	// life ends when the client is closed: it stops the supervisor, a
	// scheduled reconnect and a dial in progress.
	life     context.Context
	stopLife context.CancelFunc
	// supervised is closed when the supervisor goroutine exits; nil if
	// none was started.
	supervised chan struct{}

	stateMu   sync.Mutex
	waiting   []*call // requests waiting for a connection (WaitForReconnect)
	gaveUp    error   // set when the reconnect policy stopped
	lastCause error   // why the last connection broke
	closed    atomic.Bool

	closeOnce sync.Once
}

// newClient makes an unconnected client for addr.
func newClient(addr string, opts Options, exec *future.Serial) (*Client, error) {
	opts = opts.withDefaults()
	dialer := opts.Dialer
	switch {
	case dialer == nil:
		d, err := transport.NewDialer(addr, transport.WithTLS(opts.TLS))
		if err != nil {
			return nil, err
		}
		dialer = d
	case opts.TLS != nil:
		d, err := transport.NewTLSDialer(dialer, opts.TLS)
		if err != nil {
			return nil, err
		}
		dialer = d
	}
	c := &Client{
		addr:    dialer.Address(),
		opts:    opts,
		dialer:  dialer,
		log:     opts.Logger,
		exec:    exec,
		ownExec: exec == nil,
		limiter: newInflightLimiter(opts),
	}
	if c.ownExec {
		c.exec = newExecutor(opts)
	}
	c.life, c.stopLife = context.WithCancel(context.Background())
	return c, nil
}

// newExecutor makes a client's callback executor.
func newExecutor(opts Options) *future.Serial {
	if opts.OnUnobservedError != nil {
		return future.NewSerial(future.ReportUnobserved(opts.OnUnobservedError))
	}
	return future.NewSerial()
}

// Addr returns the canonical address the client connects to.
func (c *Client) Addr() string { return c.addr }

// Greeting returns the server greeting of the current connection (version,
// instance UUID). It is the zero Greeting when not connected.
func (c *Client) Greeting() protocol.Greeting {
	if ln := c.link.Load(); ln != nil {
		return ln.greeting
	}
	return protocol.Greeting{}
}

// Schema returns the current schema snapshot, or nil if none was loaded.
func (c *Client) Schema() *Schema { return c.schema.Load() }

// InFlight returns the number of requests sent or queued on the current
// connection that await a response (not those waiting for a connection).
// With Options.MaxInFlight it is at most that limit, plus the client's own
// schema loads. Cost: one atomic load.
func (c *Client) InFlight() int {
	if ln := c.link.Load(); ln != nil {
		return ln.inFlight()
	}
	return 0
}

// String describes the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("txtarantool.Client{addr: %s, user: %q}", c.addr, c.opts.User)
}

// GoString is String, for %#v: the default %#v would print every field,
// the password among them.
func (c *Client) GoString() string { return c.String() }

// Close stops reconnecting (also a reconnect already scheduled or in
// progress), closes the connection, fails every pending request with a
// *ConnectionError wrapping ErrClosed (Sent tells whether it had been
// written) and every request waiting for a connection as not sent, and
// returns once the connection's goroutines and the supervisor have
// exited. Callbacks already queued (among them those of the failed
// requests, and Handlers.Closed) still run on the client's executor, whose
// goroutine exits when its queue is empty: Close never waits for user
// callbacks, so it may be called from one. Later commands fail at once
// with ErrClosed. Close is idempotent.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.stateMu.Lock()
		c.closed.Store(true)
		waiting := c.waiting
		c.waiting = nil
		alreadyReported := c.gaveUp != nil // Handlers.Closed has run
		c.stateMu.Unlock()
		c.stopLife()
		if ln := c.link.Swap(nil); ln != nil {
			ln.close(ErrClosed)
		}
		if c.supervised != nil {
			<-c.supervised
		}
		for _, cl := range waiting {
			cl.finish(nil, &ConnectionError{Addr: c.addr, Err: ErrClosed})
		}
		if !alreadyReported {
			c.emitClosed(nil)
		}
		if c.ownExec {
			c.exec.Close()
		}
	})
	return nil
}

// do creates the call for one request that names no space and submits
// it. Callbacks on the future run on the client's executor.
func (c *Client) do(ctx context.Context, req protocol.Request) *future.Future[*Response] {
	return c.start(ctx, getRecord(&plainRecords), c.exec, req, nil, false)
}

// launch submits cl, whose request req is usually stored in the same
// allocation (see argCall); callbacks run on the client's executor.
func (c *Client) launch(ctx context.Context, cl *call, req protocol.Request) *future.Future[*Response] {
	return c.start(ctx, cl, c.exec, req, nil, false)
}

// launchBound is launch for a request on a space: target (usually in the
// same allocation, see callWith) receives space and index.
func (c *Client) launchBound(ctx context.Context, cl *call, req protocol.Request, target *bindTarget, space, index any) *future.Future[*Response] {
	*target = bindTarget{space, index}
	return c.start(ctx, cl, c.exec, req, target, false)
}

// doInternal sends a request of the client's own (the schema load) whose
// callbacks run inline on the reader, so that connecting never waits for
// user callbacks on the executor.
func (c *Client) doInternal(ctx context.Context, req protocol.Request) *future.Future[*Response] {
	return c.start(ctx, new(call), nil, req, nil, true)
}

// start fills in the new call cl for one request, submits it and
// returns its future. ex runs the future's callbacks (nil: the settling
// goroutine); target is nil unless req names a space; internal marks the
// client's own requests (see doInternal).
func (c *Client) start(ctx context.Context, cl *call, ex future.Executor, req protocol.Request, target *bindTarget, internal bool) *future.Future[*Response] {
	cl.ctx, cl.req, cl.target, cl.internal, cl.client = ctx, req, target, internal, c
	f := cl.promise.InitCancellable(ex, cl)
	if ctx == nil {
		cl.promise.Reject(errors.New("txtarantool: nil context"))
		return f
	}
	if d := c.opts.RequestTimeout; d > 0 {
		if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > d {
			cl.ctx, cl.cancelTimeout = context.WithTimeoutCause(ctx, d, requestTimeoutError{})
		}
	}
	if c.limiter.slots != nil && !internal && !c.acquireSlot(cl) {
		return f // settled: no slot
	}
	c.submit(cl)
	return f
}

// submit resolves names (reloading the schema once if a name is
// unknown) and queues the call on the current connection. Every failure
// before queueing settles the call with an error saying it was not sent.
func (c *Client) submit(cl *call) {
	if cl.abandoned.Load() || cl.ctx.Err() != nil {
		cl.finish(nil, abandonedError(cl))
		return
	}
	if c.closed.Load() {
		cl.finish(nil, &ConnectionError{Addr: c.addr, Err: ErrClosed})
		return
	}
	var schemaVersion uint64
	if cl.target != nil {
		s := c.schema.Load()
		err := s.bind(cl.req, cl.target.space, cl.target.index)
		if err != nil && !cl.reloaded && !c.opts.SkipSchema && isUnknownName(err) {
			if c.link.Load() == nil {
				// No reload can succeed now (a lazy client has no schema
				// yet): the request is not connected, not unknown; if it
				// waits, the name is resolved again once connected.
				c.notConnected(cl)
				return
			}
			cl.reloaded = true
			c.reloadSchema().Finally(func(s *Schema, err error) (*Schema, error) {
				c.submit(cl)
				return s, err
			})
			return
		}
		if err != nil {
			cl.finish(nil, err)
			return
		}
		if s != nil {
			schemaVersion = s.Version
		}
	}
	ln := c.link.Load()
	if ln == nil {
		c.notConnected(cl)
		return
	}
	if err := ln.send(cl, schemaVersion); err != nil {
		if isConnectionError(err) && c.opts.WaitForReconnect > 0 && !cl.internal {
			// The connection broke before the supervisor noticed.
			c.drop(ln)
			if c.wait(cl) {
				return
			}
		}
		if errors.Is(err, errAbandoned) {
			err = abandonedError(cl)
		}
		cl.finish(nil, err)
	}
}

// notConnected settles, or parks until the next connection
// (Options.WaitForReconnect), a call made without a connection. The
// client's own requests (schema loads) never wait: a load parked in the
// queue would be joined by the next connection's own load, which the queue
// waits for.
func (c *Client) notConnected(cl *call) {
	if c.opts.WaitForReconnect > 0 && !cl.internal && c.wait(cl) {
		return
	}
	cl.finish(nil, &ConnectionError{Addr: c.addr, Err: c.notConnectedCause()})
}

// isConnectionError reports whether err is a *ConnectionError.
func isConnectionError(err error) bool {
	var ce *ConnectionError
	return errors.As(err, &ce)
}

// abandonedError is the error of a call abandoned before it was sent: its
// context's cause, or future.ErrCancelled if its future was cancelled (the
// future is then already settled and the error goes nowhere).
func abandonedError(cl *call) error {
	if cause := context.Cause(cl.ctx); cause != nil {
		return &ContextError{Sent: false, Err: cause}
	}
	return future.ErrCancelled
}
