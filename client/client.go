package client

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

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
	commands // the box commands (see commands.go)

	addr   string
	opts   Options // without the password: see hidePassword
	dialer transport.Dialer
	log    *slog.Logger
	exec   *future.Serial
	// ownExec is false for pool members, which share the pool's executor.
	ownExec bool

	link   atomic.Pointer[link]
	schema atomic.Pointer[Schema]

	nextStream atomic.Uint64 // the last stream id given out (NewStream)

	limiter inflightLimiter // Options.MaxInFlight (see inflight_limit.go)

	counters counters // what Stats reports (see stats.go)
	// connTracer is Options.Tracer if it implements ConnTracer, else nil.
	connTracer ConnTracer

	watches watchRegistry // watched keys (see watch.go)

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
	waiting   []*call                     // requests waiting for a connection (WaitForReconnect)
	gaveUp    error                       // set when the reconnect policy stopped
	lastCause error                       // why the last connection broke or the last attempt failed
	lastWhat  string                      // which: "connection lost" or "last attempt"
	up        bool                        // connected: logged in, schema loaded (see ready.go)
	ready     []*future.Promise[struct{}] // pending Ready futures
	closed    atomic.Bool

	changes changeSignal // wakes WaitConnected on every change of up, closed, gaveUp

	closeOnce sync.Once

	// password returns Options.Password (see hidePassword).
	password func() string
}

// newClient makes an unconnected client for addr.
func newClient(addr string, opts Options, exec *future.Serial) (*Client, error) {
	addr, opts, err := withAddressCredentials(addr, opts)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	password := hidePassword(&opts)
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
	c.password = password
	c.connTracer, _ = opts.Tracer.(ConnTracer)
	c.commands.client = c
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
		c.settleReadyFailed()
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
