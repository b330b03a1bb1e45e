package future

import (
	"context"
	"sync"
	"sync/atomic"
)

// States of a future. A future moves from pending to settled once.
const (
	pending uint32 = iota
	settled
)

// closedChan is returned by Done for futures that are already settled, so
// that Done on a settled future does not allocate.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Future is the read side of an eventual result: a value of type T or an
// error. It is Twisted's Deferred with an immutable chain: Then, Catch and
// Finally never change f, they return a new future, so one future can feed
// any number of independent chains (fan-out). A future settles exactly once
// and its outcome never changes afterwards.
//
// The write side is a [Promise], obtained from [New]. Every method of Future
// is safe for concurrent use. The zero Future is pending forever and has no
// Promise; create futures with New, NewOn, Resolved, Rejected or Go.
//
// Memory: a future is one allocation of 136 bytes plus the size of T (144
// bytes for Future[int]); a step (Then, Catch, Finally, Map) allocates its
// result future and its callback registration together, 32 bytes more (176
// for int), a Chain step 64 bytes more. A settled future drops every
// reference it held except its outcome and its Executor.
type Future[T any] struct {
	state      atomic.Uint32 // pending or settled; stored last, under mu
	live       int32         // non-cancelled dependants (derived futures); under mu
	mu         sync.Mutex
	cancelling atomic.Bool // being cancelled; set under mu
	// flags holds flagShared, set once anything but Await and Peek used f
	// (a callback, a combinator, a Done channel while pending), and
	// flagQuiet, set once the goroutine that settled f no longer touches
	// it. See Promise.Recyclable.
	flags atomic.Uint32

	// The outcome. Written once under mu before state becomes settled;
	// read without the lock only after state is seen settled.
	val T
	err error

	// While pending (all under mu): registered listeners, newest first; the
	// lazily made channel Await and Done block on; the future this one
	// waits on, which is cancelled or released when this one is cancelled;
	// the canceller(s) installed by Promise.OnCancel. All are cleared on
	// settlement so a settled future holds no references.
	head   node
	done   chan struct{}
	waiter chan struct{} // the first Await's recycled wake-up, sent one token
	up     upstream
	cancel Canceller

	ex  Executor     // runs this future's callbacks; nil: the settling goroutine
	obs *observation // unobserved-error tracking, only on a ReportUnobserved Serial
}

// Await blocks until f settles or ctx is done, whichever comes first, and
// returns f's value and error. Await is the Go counterpart of yielding a
// Deferred inside inlineCallbacks: call it from any goroutine.
//
// If ctx ends first, Await returns the outcome f is bound to have if it is
// already decided, and otherwise the zero value and ctx.Err(), leaving f as
// it was (not settled, not cancelled: call [Future.Cancel] for that).
// Decided means: f's producer, asked through [WaitEnder], settled it at once
// because its own reason to end had come too (the client's requests do so
// when their context is done, so Await with the request's own ctx returns
// the request's typed error, not a bare ctx.Err()); or a future f derives
// from through steps that pass errors on unchanged (Then, Map, Convert,
// Chain, Tap, WithExecutor, Timeout) has failed, so f will fail with that error.
//
// A nil f gives [ErrNilFuture], and a nil ctx on a pending f gives
// [ErrNilContext]; neither blocks. Await on a [Convert] step whose source has
// settled runs the conversion in the awaiting goroutine if no one has
// started it, so awaiting it never needs the future's Executor.
//
// Cost: on a settled future, no allocation and no locking. On a pending
// future, none either for the first waiter (it blocks on a recycled
// channel); further concurrent waiters share one channel allocated once.
// When ctx ends first: a walk up the error-passing steps, one lock and type
// assertion each, plus the producer's check; no allocation either.
// Await callers are woken directly by the settling goroutine, never through
// the future's Executor. Do not Await, from a callback running on an
// Executor, a future that only that same Executor can settle (a Then or Map
// step on it): it deadlocks. A [Convert] step (the client's Tuples and One)
// is exempt as long as its source settles without that Executor, as a
// client request's future does: the awaiting goroutine runs the step.
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	if f == nil {
		var zero T
		return zero, ErrNilFuture
	}
	if f.state.Load() == settled {
		f.observe()
		return f.val, f.err
	}
	if ctx == nil {
		var zero T
		return zero, ErrNilContext
	}
	f.mu.Lock()
	if f.state.Load() == settled {
		f.mu.Unlock()
		f.observe()
		return f.val, f.err
	}
	if h, ok := f.up.(helper); ok {
		// A Convert step: wait for its source and run it here.
		f.mu.Unlock()
		if !h.help(ctx) {
			return f.ended(ctx)
		}
		f.mu.Lock()
		if f.state.Load() == settled {
			f.mu.Unlock()
			f.observe()
			return f.val, f.err
		}
	}
	if f.waiter != nil {
		// Another Await holds the pooled wake-up: share the Done channel.
		f.mu.Unlock()
		return f.awaitDone(ctx)
	}
	w := wakeups.Get().(chan struct{})
	f.waiter = w
	f.mu.Unlock()

	cancelled := ctx.Done()
	if cancelled == nil {
		// A context that is never done (Background, TODO): a plain
		// receive is cheaper than a select.
		<-w
		wakeups.Put(w)
		return f.val, f.err
	}
	select {
	case <-w:
		wakeups.Put(w)
		return f.val, f.err
	case <-cancelled:
		f.mu.Lock()
		mine := f.waiter == w
		if mine {
			f.waiter = nil
		}
		f.mu.Unlock()
		if !mine {
			// Settled meanwhile: its token is on the way (w must be
			// empty when pooled), and the outcome is there.
			<-w
			wakeups.Put(w)
			return f.val, f.err
		}
		wakeups.Put(w)
		return f.ended(ctx)
	}
}

// awaitDone is Await through the shared Done channel, for the second and
// later concurrent waiters of one future.
func (f *Future[T]) awaitDone(ctx context.Context) (T, error) {
	select {
	case <-f.Done():
		return f.val, f.err
	case <-ctx.Done():
		return f.ended(ctx)
	}
}

// wakeups recycles the 1-buffered channels that wake a goroutine blocked in
// Await: settle sends one token instead of closing a channel made for each
// future. A channel is only pooled empty and unreferenced by any future.
var wakeups = sync.Pool{New: func() any { return make(chan struct{}, 1) }}

// Done returns a channel that is closed when f settles, for use in select
// statements; after it is closed, Peek or Await return the outcome without
// blocking. Cost: on a settled future, none (a shared closed channel); on a
// pending future, one channel allocation the first time, shared afterwards.
// A nil f gives a closed channel (and Peek then gives [ErrNilFuture]).
// Unlike Await, a select on Done and a context cannot ask the producer for
// its decided outcome (see [WaitEnder]) when the context ends first.
func (f *Future[T]) Done() <-chan struct{} {
	if f == nil {
		return closedChan
	}
	if f.state.Load() == settled {
		f.observe()
		return closedChan
	}
	f.mu.Lock()
	if f.state.Load() == settled {
		f.mu.Unlock()
		f.observe()
		return closedChan
	}
	if f.done == nil {
		f.done = make(chan struct{})
	}
	ch := f.done
	f.flags.Or(flagShared)
	f.mu.Unlock()
	return ch
}

// Bits of Future.flags.
const (
	flagShared uint32 = 1 << iota
	flagQuiet
	// flagPassErr marks a derived future that fails with its upstream's
	// error, unchanged, whenever that upstream fails: the result of Then,
	// Map, Convert, Chain, Tap, WithExecutor or Timeout (until its deadline). Set once,
	// before the future is shared. See Future.ended.
	flagPassErr
	// flagSeen is set when a wait returned the error f was bound to fail
	// with before f settled (see Future.ended): that error was observed.
	flagSeen
)

// Peek returns f's outcome without blocking: settled is false while f is
// pending (and v, err are then zero). A nil f reports settled with
// [ErrNilFuture]. Cost: one atomic load; no allocation.
func (f *Future[T]) Peek() (v T, err error, settled bool) {
	if f == nil {
		return v, ErrNilFuture, true
	}
	if f.isSettled() {
		f.observe()
		return f.val, f.err, true
	}
	return v, nil, false
}

func (f *Future[T]) isSettled() bool { return f.state.Load() == settled }

// settle records the outcome if f is still pending and, unless byProducer,
// not being cancelled: a step must not overwrite a cancellation that has
// begun, while the promise holder (typically a canceller) and the
// cancellation itself may settle. It closes the Done channel and detaches
// the listeners: if f has an Executor they are handed to it, otherwise they
// are returned (in registration order) for the caller to run with drain,
// which is what keeps long chains free of recursion.
func (f *Future[T]) settle(v T, err error, byProducer bool) (ok bool, head, tail node) {
	f.mu.Lock()
	if f.state.Load() != pending || (!byProducer && f.cancelling.Load()) {
		f.mu.Unlock()
		return false, nil, nil
	}
	f.val, f.err = v, err
	head, done, waiter := f.head, f.done, f.waiter
	if err != nil && head == nil && done == nil && waiter == nil && !f.cancelling.Load() && f.flags.Load()&flagSeen == 0 {
		f.obs = trackUnobserved(f, err)
	}
	f.head, f.done, f.waiter, f.up, f.cancel = nil, nil, nil, nil, nil
	ex := f.ex
	f.state.Store(settled)
	f.mu.Unlock()
	// From here on only locals are used: f is free for its owner to reuse
	// (see Promise.Recyclable) as soon as its waiter wakes.
	f.flags.Or(flagQuiet)

	if done != nil {
		close(done)
	}
	if waiter != nil {
		waiter <- struct{}{} // 1-buffered and empty: never blocks
	}
	if head == nil {
		return true, nil, nil
	}
	head, tail = reverse(head)
	if ex != nil {
		first := head // not the named result, which return overwrites
		ex.Execute(func() { drain(first) })
		return true, nil, nil
	}
	return true, head, tail
}

// complete settles f like settle, and runs the listeners that are due on
// this goroutine.
func (f *Future[T]) complete(v T, err error, byProducer bool) bool {
	ok, head, _ := f.settle(v, err, byProducer)
	if head != nil {
		drain(head)
	}
	return ok
}

// subscribe registers n to fire when f settles. If dependant is true, n's
// owner counts as a live dependant of f for cancellation (see release). If f
// is already settled, n is handed to f's Executor, or returned to be run now
// by the caller (directly or, inside a running drain, by that drain).
func (f *Future[T]) subscribe(n node, dependant bool) node {
	f.flags.Or(flagShared)
	if f.state.Load() != settled {
		f.mu.Lock()
		if f.state.Load() == pending {
			n.link().next = f.head
			f.head = n
			if dependant {
				f.live++
			}
			f.mu.Unlock()
			return nil
		}
		f.mu.Unlock()
	}
	f.observe()
	if f.ex != nil {
		f.ex.Execute(func() { drain(n) })
		return nil
	}
	return n
}

// register subscribes n and runs it at once if f is already settled.
func (f *Future[T]) register(n node) {
	if r := f.subscribe(n, true); r != nil {
		drain(r)
	}
}

// newSettled returns a future that is already settled.
func newSettled[T any](v T, err error, ex Executor) *Future[T] {
	f := &Future[T]{val: v, err: err, ex: ex}
	if err != nil {
		f.obs = trackUnobserved(f, err)
	}
	f.state.Store(settled)
	return f
}
