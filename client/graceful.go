package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// shutdownKey is the key Tarantool 2.10+ sets to true when it starts a
// graceful shutdown (SIGTERM, os.exit): it then runs its on_shutdown
// triggers, bounded by box.ctl.set_on_shutdown_timeout (3 s by default),
// one of which waits for every session watching this key to close.
const shutdownKey = "box.shutdown"

// ErrServerShutdown is the cause of a connection the client closed
// because its server announced a graceful shutdown (box.shutdown, Tarantool
// 2.10+): Handlers.Disconnected gets it, and so do requests made while
// that connection drained (inside ErrNotConnected).
var ErrServerShutdown = errors.New("txtarantool: server shutting down (box.shutdown)")

// drainPoll is how often a draining connection, or CloseGraceful, looks
// at the number of requests in flight.
const drainPoll = 2 * time.Millisecond

// serverShuttingDown handles box.shutdown on ln: new requests no longer
// go to it (they wait for the next connection with WaitForReconnect, go
// to other pool members, or fail with ErrNotConnected wrapping
// ErrServerShutdown), the requests in flight finish, then the connection
// is closed and the supervisor reconnects per the policy. Runs on the
// reader; never blocks. Cost: one goroutine polling the connection's
// in-flight count every drainPoll while it drains.
func (c *Client) serverShuttingDown(ln *link) {
	if ln.shutdown.Swap(true) {
		return
	}
	c.log.Info("txtarantool: server shutting down, draining the connection", "addr", ln.addr, "in_flight", ln.inFlight())
	c.stateMu.Lock()
	c.lastCause, c.lastWhat = ErrServerShutdown, "connection lost"
	c.stateMu.Unlock()
	c.link.CompareAndSwap(ln, nil)
	go func() {
		t := time.NewTicker(drainPoll)
		defer t.Stop()
		for ln.inFlight() > 0 {
			select {
			case <-t.C:
			case <-ln.conn.Done():
				return
			}
		}
		ln.fail(ErrServerShutdown)
	}()
}

// CloseGraceful closes the client once its requests in flight are done:
// new requests fail at once with ErrClosed (in a *ConnectionError, not
// sent), those waiting for a connection (WaitForReconnect) fail the same
// way, the ones in flight get their responses, and then Close runs. If
// ctx ends first, Close runs at once (the requests still in flight fail
// with ErrClosed) and the error wraps context.Cause(ctx). A nil ctx is an
// *ArgumentError (ErrNilContext) and closes nothing. Watch callbacks stop
// when CloseGraceful starts. Cost: one ticker polling the in-flight count
// every 2 ms while it waits.
func (c *Client) CloseGraceful(ctx context.Context) error {
	if ctx == nil {
		return nilContextError() // bad input: nothing is closed
	}
	c.stopAccepting()
	err := waitDrained(ctx, c.InFlight)
	_ = c.Close()
	return err
}

// stopAccepting makes later requests fail with ErrClosed while the
// connection stays up for the requests in flight.
func (c *Client) stopAccepting() {
	c.stateMu.Lock()
	c.closed.Store(true)
	waiting := c.waiting
	c.waiting = nil
	c.stateMu.Unlock()
	for _, cl := range waiting {
		cl.finish(nil, &ConnectionError{Addr: c.addr, Err: ErrClosed})
	}
}

// waitDrained waits until inFlight returns 0 or ctx ends.
func waitDrained(ctx context.Context, inFlight func() int) error {
	if inFlight() == 0 {
		return nil
	}
	t := time.NewTicker(drainPoll)
	defer t.Stop()
	for inFlight() > 0 {
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("txtarantool: graceful close: %d requests still in flight: %w", inFlight(), context.Cause(ctx))
		}
	}
	return nil
}

// CloseGraceful closes the pool once the requests in flight on all its
// members are done, as Client.CloseGraceful does for one client: new
// requests fail at once, then each member closes (see Pool.Close).
func (p *Pool) CloseGraceful(ctx context.Context) error {
	if ctx == nil {
		return nilContextError() // bad input: nothing is closed
	}
	for _, m := range p.members {
		m.stopAccepting()
	}
	err := waitDrained(ctx, p.InFlight)
	_ = p.Close()
	return err
}
