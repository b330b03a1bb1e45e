package client

import (
	"context"
	"fmt"
)

// Back-pressure: Options.MaxInFlight bounds the requests a client has
// outstanding, so that a stalled server cannot make it buffer without
// bound.
//
// A slot is taken in start, just before the request is first submitted,
// and given back by call.release, which every settling path runs exactly
// once (finish, or abandon of a cancelled future), before the future
// settles: a caller that awaited a future can issue its next request into
// the slot it freed. Resending (after ER_WRONG_SCHEMA_VERSION, after a
// schema reload for an unknown name, after waiting for a connection) goes
// through submit, not start, so it never takes a second slot. The
// client's own requests (schema loads) take no slot: a full client must
// still be able to reconnect.
//
// The semaphore is a buffered channel: its FIFO queue of blocked senders
// is the wait queue, and a blocked caller also watches its context. With
// MaxInFlight 0 the channel is nil and the whole cost is one nil check per
// request.

// FullPolicy says what a command does when Options.MaxInFlight requests
// of the client are already outstanding.
type FullPolicy int

const (
	// BlockWhenFull, the default, makes the command (Select, Ping, ...)
	// block until a slot frees or the request's context ends (or
	// Options.RequestTimeout passes, or the client is closed). If it
	// ends first, the command returns a future already failed with a
	// *ContextError, Sent false (or a *ConnectionError wrapping
	// ErrClosed).
	BlockWhenFull FullPolicy = iota
	// FailWhenFull makes the command return at once a future already
	// failed with an *InFlightLimitError (errors.Is ErrTooManyInFlight
	// and ErrNotSent).
	FailWhenFull
)

// String names the policy.
func (p FullPolicy) String() string {
	switch p {
	case BlockWhenFull:
		return "BlockWhenFull"
	case FailWhenFull:
		return "FailWhenFull"
	}
	return fmt.Sprintf("FullPolicy(%d)", int(p))
}

// inflightLimiter is a client's counting semaphore of Options.MaxInFlight
// slots. The zero value is unlimited.
type inflightLimiter struct {
	slots    chan struct{} // one element per slot taken; nil: no limit
	failFast bool
	full     *InFlightLimitError // shared: a refusal allocates nothing
}

// newInflightLimiter makes the limiter Options ask for.
func newInflightLimiter(o Options) inflightLimiter {
	if o.MaxInFlight <= 0 {
		return inflightLimiter{}
	}
	return inflightLimiter{
		slots:    make(chan struct{}, o.MaxInFlight),
		failFast: o.WhenFull == FailWhenFull,
		full:     &InFlightLimitError{Limit: o.MaxInFlight},
	}
}

// acquireSlot takes a slot for cl, whose context is set, blocking or not
// per the policy. It returns false after settling cl (not sent) if no slot
// was taken. Only for limited clients (c.limiter.slots != nil).
func (c *Client) acquireSlot(cl *call) bool {
	l := &c.limiter
	select {
	case l.slots <- struct{}{}:
		cl.flags |= callSlot
		return true
	default:
	}
	if l.failFast {
		cl.finish(nil, l.full)
		return false
	}
	select {
	case l.slots <- struct{}{}:
		cl.flags |= callSlot
		return true
	case <-cl.ctx.Done():
		cl.finish(nil, &ContextError{Sent: false, Err: context.Cause(cl.ctx)})
	case <-c.life.Done():
		cl.finish(nil, &ConnectionError{Addr: c.addr, Err: ErrClosed})
	}
	return false
}

// releaseSlot gives back the slot cl holds. Called by call.release, which
// runs once per call.
func (cl *call) releaseSlot() {
	cl.flags &^= callSlot
	<-cl.client.limiter.slots
}
