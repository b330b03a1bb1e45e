package future

import (
	"context"
	"sync/atomic"
)

// Convert is [Map] for a conversion that may run on any goroutine: a pure
// function of the value, such as decoding it, which shares no state with
// other callbacks. Like Map's, fn runs once, on f's Executor (or in the
// goroutine that settles f), and the returned future carries f's Executor
// for its own callbacks. The difference: an [Future.Await] on the returned
// future waits for f itself and, if fn has not started yet, runs fn in the
// awaiting goroutine instead of waiting for the Executor. So awaiting a
// Convert step inside a callback that runs on that same Executor works,
// where awaiting a Map step there deadlocks (the step is queued behind the
// callback that waits for it), provided f itself settles without that
// Executor (a client request's future does; a Then step on that Executor
// does not); and a goroutine that awaits it does not wait
// for the callbacks queued before it. Errors pass through as with Map, and
// so does cancellation: cancelling the result before fn starts releases f
// and fn never runs. A nil f or fn fail the result at once ([ErrNilFuture],
// [ErrNilCallback]).
//
// Cost: one allocation, as Map; on the Executor, or in Await, one atomic
// compare-and-swap to claim fn.
func Convert[T, U any](f *Future[T], fn func(T) (U, error)) *Future[U] {
	if bad := badStep[T, U](f, fn == nil); bad != nil {
		return bad
	}
	if f.ex == nil && f.isSettled() {
		return Map(f, fn)
	}
	s := &convertStep[T, U]{fn: fn}
	s.src.Store(f)
	s.out.ex, s.out.up = f.ex, s
	s.out.flags.Store(flagPassErr)
	f.register(s)
	return &s.out
}

// convertStep is a Map step that either its source's listeners (fire) or
// an Await on its result (help) run, whichever claims it first.
type convertStep[T, U any] struct {
	out Future[U]
	nodeBase
	src     atomic.Pointer[Future[T]] // nil once run and settled
	fn      func(T) (U, error)        // the claimer's
	claimed atomic.Bool
}

// helper is an upstream that an Await on its result can run instead of the
// result's Executor.
type helper interface {
	// help waits for what the step needs, under ctx, and runs the step
	// unless someone else claimed it. It reports false if ctx ended first.
	help(ctx context.Context) bool
}

func (s *convertStep[T, U]) fire() (node, node) {
	if !s.claimed.CompareAndSwap(false, true) {
		return nil, nil // an Await ran it
	}
	return s.run()
}

// run converts the source's outcome into the result; only the claimer
// calls it.
func (s *convertStep[T, U]) run() (node, node) {
	src, fn := s.src.Load(), s.fn
	s.fn = nil
	if s.out.cancelledOrSettled() {
		s.src.Store(nil)
		return nil, nil // cancelled before it could run
	}
	var u U
	err := src.err
	if err == nil {
		u, err = callValue(fn, src.val)
	}
	_, h, t := s.out.settle(u, err, false)
	s.src.Store(nil) // after settling, so that a wait walking up meanwhile finds it
	return h, t
}

func (s *convertStep[T, U]) help(ctx context.Context) bool {
	src := s.src.Load()
	if src == nil {
		return true // run or running: the result settles without the Executor
	}
	if !src.isSettled() {
		_, _ = src.Await(ctx)
		if !src.isSettled() {
			return false
		}
	}
	if s.claimed.CompareAndSwap(false, true) {
		if h, _ := s.run(); h != nil {
			drain(h) // the result has no Executor: its callbacks run here
		}
	}
	return true
}

// release implements upstream: cancelling the result releases the source.
func (s *convertStep[T, U]) release() (upstream, canceller) {
	if src := s.src.Load(); src != nil {
		return src.release()
	}
	return nil, nil
}

func (s *convertStep[T, U]) askDue(context.Context) (dueAsker, error, bool) {
	if src := s.src.Load(); src != nil {
		return src, nil, false
	}
	return nil, nil, false
}
