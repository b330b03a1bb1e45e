package client

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/txtarantool/txtarantool/future"
)

// changeSignal wakes goroutines waiting for a change of connection state,
// without a goroutine per waiter: wait returns a channel that the next
// notify closes. A channel is made only when someone waits, one per change
// however many wait.
type changeSignal struct {
	mu sync.Mutex
	ch chan struct{}
	// next, if set, is notified too (a pool's signal, for its members).
	next *changeSignal
}

// wait returns the channel the next notify closes. Take it before checking
// the state, so that a change between the check and the wait is not missed.
func (s *changeSignal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// notify wakes every goroutine waiting now.
func (s *changeSignal) notify() {
	s.mu.Lock()
	ch := s.ch
	s.ch = nil
	s.mu.Unlock()
	if ch != nil {
		close(ch)
	}
	if s.next != nil {
		s.next.notify()
	}
}

// setUp records that the client is connected (up: logged in, schema
// loaded) or not, wakes the waiters and settles the Ready futures.
func (c *Client) setUp(up bool) {
	c.stateMu.Lock()
	c.up = up
	var ready []*future.Promise[struct{}]
	if up {
		ready, c.ready = c.ready, nil
	}
	c.stateMu.Unlock()
	for _, p := range ready {
		p.Resolve(struct{}{})
	}
	c.changes.notify()
}

// settleReadyFailed fails the Ready futures once the client is closed or
// gave up reconnecting, and wakes the waiters.
func (c *Client) settleReadyFailed() {
	c.stateMu.Lock()
	ready := c.ready
	c.ready = nil
	c.stateMu.Unlock()
	if len(ready) > 0 {
		err := c.readyErr()
		for _, p := range ready {
			p.Reject(err)
		}
	}
	c.changes.notify()
}

// readyState reports whether waiting for a connection is over, and with
// what error: nil once connected, or the error of a client that will
// never connect again (closed, or the reconnect policy gave up).
func (c *Client) readyState() (done bool, err error) {
	c.stateMu.Lock()
	up := c.up
	c.stateMu.Unlock()
	if up && !c.closed.Load() {
		return true, nil
	}
	if err := c.readyErr(); err != nil {
		return true, err
	}
	return false, nil
}

// readyErr is the error of a client that will not connect again (closed:
// ErrClosed; stopped: ErrReconnectStopped, each wrapping the last
// connection error if any), or nil.
func (c *Client) readyErr() error {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if c.closed.Load() {
		if c.lastCause != nil && !c.up {
			return fmt.Errorf("%w (%s: %w)", ErrClosed, c.lastWhat, c.lastCause)
		}
		return ErrClosed
	}
	return c.gaveUp
}

// WaitConnected blocks until the client is connected (logged in, schema
// loaded) and returns nil, at once if it already is. It is the way to wait
// for a Lazy client, or for a client to come back after a disconnection.
//
// If ctx ends first, the error matches ctx's (errors.Is(err,
// context.DeadlineExceeded) or the cause given to context.WithCancelCause)
// and ErrNotConnected, and wraps the last connection error, e.g.
// syscall.ECONNREFUSED. If the client is closed, or its reconnect policy
// gives up, meanwhile or before, the error matches ErrClosed or
// ErrReconnectStopped and wraps the last connection error too; it returns
// at once then. A nil ctx is an *ArgumentError. A connection may of course
// break just after WaitConnected returned nil.
//
// Cost: no goroutine; waiters share one channel per connection state
// change, allocated when the first of them waits.
func (c *Client) WaitConnected(ctx context.Context) error {
	if ctx == nil {
		return nilContextError()
	}
	for {
		changed := c.changes.wait()
		if done, err := c.readyState(); done {
			return err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return c.waitAbandoned(ctx)
		}
	}
}

// waitAbandoned is WaitConnected's error when ctx ends first.
func (c *Client) waitAbandoned(ctx context.Context) error {
	if done, err := c.readyState(); done && err != nil {
		return err
	}
	return fmt.Errorf("txtarantool: waiting for a connection to %s: %w: %w", c.addr, context.Cause(ctx), c.notConnectedCause())
}

// Ready returns a future that resolves once the client is connected
// (already resolved if it is) and fails as WaitConnected does when the
// client is closed or stops reconnecting; it has no deadline of its own
// (use Timeout, or Cancel it). Callbacks run on the client's executor.
// Cost: one future per call, kept by the client until it settles or is
// cancelled; no goroutine.
func (c *Client) Ready() *future.Future[struct{}] {
	f, p := future.NewOn[struct{}](c.exec)
	p.OnCancel(func() { c.forgetReady(p) })
	c.stateMu.Lock()
	if !c.up && !c.closed.Load() && c.gaveUp == nil {
		c.ready = append(c.ready, p)
		c.stateMu.Unlock()
		return f
	}
	c.stateMu.Unlock()
	if done, err := c.readyState(); done && err != nil {
		p.Reject(err)
	} else {
		p.Resolve(struct{}{})
	}
	return f
}

// forgetReady drops a cancelled Ready future.
func (c *Client) forgetReady(p *future.Promise[struct{}]) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if i := slices.Index(c.ready, p); i >= 0 {
		c.ready = slices.Delete(c.ready, i, i+1)
	}
}

// WaitConnected blocks until at least one of the pool's connections is up
// and returns nil, at once if one is: the pool can serve requests then
// (each goes to a live connection). If ctx ends first, or every member is
// closed or stopped reconnecting, it fails as Client.WaitConnected does
// (with the first member's cause). Use WaitAllConnected to wait for every
// connection. Cost: no goroutine; one channel per change of any member's
// state while someone waits.
func (p *Pool) WaitConnected(ctx context.Context) error {
	return p.wait(ctx, false)
}

// WaitAllConnected is WaitConnected waiting until every connection of the
// pool is up; it fails as soon as one member is closed or stops
// reconnecting, with that member's error. Cost: as WaitConnected.
func (p *Pool) WaitAllConnected(ctx context.Context) error {
	return p.wait(ctx, true)
}

// wait waits until one member (all: every member) is up.
func (p *Pool) wait(ctx context.Context, all bool) error {
	if ctx == nil {
		return nilContextError()
	}
	for {
		changed := p.changes.wait()
		if done, err := p.readyState(all); done {
			return err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			if done, err := p.readyState(all); done && err != nil {
				return err
			}
			for _, m := range p.members {
				if done, _ := m.readyState(); !done {
					return m.waitAbandoned(ctx) // a member still down says why
				}
			}
			return p.members[0].waitAbandoned(ctx)
		}
	}
}

// readyState reports whether waiting for the pool is over (see wait), and
// with what error: the first member's that will never connect again.
func (p *Pool) readyState(all bool) (done bool, err error) {
	upCount, downForGood := 0, 0
	var first error
	for _, m := range p.members {
		done, err := m.readyState()
		switch {
		case done && err == nil:
			upCount++
		case done:
			if all {
				return true, err
			}
			if first == nil {
				first = err
			}
			downForGood++
		}
	}
	if all {
		return upCount == len(p.members), nil
	}
	if upCount > 0 {
		return true, nil
	}
	if downForGood == len(p.members) {
		return true, first
	}
	return false, nil
}

// Ready returns a future that resolves once at least one connection of the
// pool is up, and fails when none ever can be (every member closed or
// stopped reconnecting), with the members' errors joined. Cost: one
// Client.Ready future per member, plus future.Race's and a Map; the others
// are cancelled once one resolves.
func (p *Pool) Ready() *future.Future[struct{}] {
	fs := make([]*future.Future[struct{}], len(p.members))
	for i, m := range p.members {
		fs[i] = m.Ready()
	}
	return future.Map(future.Race(fs...), func(future.Indexed[struct{}]) (struct{}, error) { return struct{}{}, nil })
}
