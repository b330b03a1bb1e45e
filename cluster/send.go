package cluster

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// op starts one request on an instance's client.
type op func(c *client.Client) *future.Future[*client.Response]

// read starts a request that cannot be refused as read-only (Ping,
// Select): on the instance mode picks, with nothing added; in ModeRW with
// no master it waits as a write does. Its callbacks run on that
// instance's client's executor.
func (c *Cluster) read(ctx context.Context, mode Mode, o op) *future.Future[*client.Response] {
	if ctx == nil {
		return future.Rejected[*client.Response](nilContextError())
	}
	if m := c.pick(mode); m != nil {
		return o(m.c)
	}
	return c.write(ctx, mode, o)
}

// write starts a request that may write: on the instance mode picks, or,
// for ModeRW with no master known, once one is (Options.WaitForMaster).
// If it is refused with ER_READONLY, or fails not sent on a broken
// connection, it was not executed: the cluster learns the roles again and
// resends it, once, to the master. A request sent whose connection broke
// fails with the client's error (ErrOutcomeUnknown), never resent. Its
// callbacks run on the cluster's executor. Cost: one promise and one
// Finally step more than a client's request; a goroutine while it waits
// for a master.
func (c *Cluster) write(ctx context.Context, mode Mode, o op) *future.Future[*client.Response] {
	if ctx == nil {
		return future.Rejected[*client.Response](nilContextError())
	}
	if c.isClosed() {
		return future.Rejected[*client.Response](closedError())
	}
	f, p := future.NewOn[*client.Response](c.exec)
	a := &attempt{c: c, ctx: ctx, op: o, p: p, resends: 1}
	p.OnCancel(a.cancel)
	if m := c.pick(mode); m != nil {
		a.start(m)
	} else if mode == ModeRW {
		a.wait(nil)
	} else {
		p.Reject(missing(mode, nil))
	}
	return f
}

// attempt is one write and its resend.
type attempt struct {
	c       *Cluster
	ctx     context.Context
	op      op
	p       *future.Promise[*client.Response]
	resends int // resends left

	mu        sync.Mutex
	cur       *future.Future[*client.Response] // the request in flight
	stopWait  context.CancelFunc               // ends the wait for a master
	cancelled bool                             // the caller cancelled the future
	held      atomic.Bool                      // holds a WaitForMaster place
}

// release gives back the WaitForMaster place, once.
func (a *attempt) release() {
	if a.held.Swap(false) {
		a.c.waiting.Add(-1)
	}
}

// start sends the request to m and settles the promise with its outcome,
// or resends; nothing is sent once the caller cancelled the future.
func (a *attempt) start(m *member) {
	a.mu.Lock()
	cancelled := a.cancelled
	a.mu.Unlock()
	if cancelled {
		return
	}
	f := a.op(m.c)
	a.mu.Lock()
	a.cur = f
	cancelled = a.cancelled
	a.mu.Unlock()
	if cancelled {
		f.Cancel()
	}
	f.Finally(func(r *client.Response, err error) (*client.Response, error) {
		a.settled(m, r, err)
		return nil, nil
	})
}

// cancel cancels the request in flight, or the wait for a master (the
// caller cancelled the future): a write waiting is then never sent.
func (a *attempt) cancel() {
	a.mu.Lock()
	a.cancelled = true
	cur, stop := a.cur, a.stopWait
	a.mu.Unlock()
	if stop != nil {
		stop()
		a.release() // at once: the place is free when Cancel returns
	}
	if cur != nil {
		cur.Cancel()
	}
}

// settled handles the outcome of the request sent to m.
func (a *attempt) settled(m *member, r *client.Response, err error) {
	if err == nil || a.resends == 0 || !notExecuted(err) || a.ctx.Err() != nil || a.c.isClosed() {
		a.p.Complete(r, err)
		return
	}
	a.resends--
	if errors.Is(err, client.ErrorCode(iproto.ER_READONLY)) {
		m.setRole(RoleReplica, "", "") // it says so; discovery confirms
	}
	a.c.rediscover()
	if next := a.c.pick(ModeRW); next != nil && next != m {
		a.start(next)
		return
	}
	a.wait(err)
}

// wait takes a place among Options.WaitForMaster at once (or fails the
// request, not sent) and waits for a master on a goroutine of its own,
// then sends.
func (a *attempt) wait(cause error) {
	if !a.c.takeWait() {
		a.p.Reject(missing(ModeRW, cause))
		return
	}
	a.held.Store(true)
	ctx, stop := context.WithCancel(a.ctx)
	a.mu.Lock()
	a.stopWait = stop
	cancelled := a.cancelled
	a.mu.Unlock()
	if cancelled { // cancelled before the wait began: no wait at all
		stop()
		a.release()
		return
	}
	if !a.c.spawn(func() {
		defer stop()
		m, err := a.c.waitHeld(ctx, cause)
		a.release()
		if err != nil {
			a.p.Reject(err)
			return
		}
		a.start(m)
	}) {
		stop()
		a.release()
		a.p.Reject(closedError())
	}
}

// notExecuted reports whether err proves the request was not executed and
// could go to another instance: ER_READONLY, or a *client.ConnectionError
// not sent (the instance went down before it left).
func notExecuted(err error) bool {
	if errors.Is(err, client.ErrorCode(iproto.ER_READONLY)) {
		return true
	}
	var ce *client.ConnectionError
	return errors.As(err, &ce) && !ce.Sent
}

// rediscover asks every instance for its role now.
func (c *Cluster) rediscover() {
	for _, m := range *c.members.Load() {
		m.poke()
	}
}
