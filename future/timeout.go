package future

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Timeout returns a future that settles like f, unless d passes first
// (Twisted's addTimeout). Then f is released like a cancelled dependant (so
// f is cancelled and its cancellers run, unless another derived future still
// waits on f) and the returned future is rejected with an error matching
// [ErrTimeout]; but if f's canceller settles f with a value, that value is
// kept, as in Twisted. A canceller's own error other than ErrCancelled also
// passes through unchanged.
//
// The timer is a single time.AfterFunc (no goroutine until it fires). If f
// settles first, or the returned future is cancelled, the timer is stopped
// and nothing is left behind. On an already settled f no timer is created.
// A nil f gives a future failed with [ErrNilFuture].
// Cost: three allocations (result future with its registration, the timer,
// the timer's callback); one if f is already settled.
func (f *Future[T]) Timeout(d time.Duration) *Future[T] {
	if f == nil {
		return Rejected[T](ErrNilFuture)
	}
	s := &timeoutStep[T]{src: f, after: d}
	s.out.ex, s.out.up = f.ex, s
	s.out.flags.Store(flagPassErr)
	if r := f.subscribe(s, true); r != nil {
		drain(r)
		return &s.out
	}
	s.out.mu.Lock()
	if s.out.state.Load() == pending && !s.out.cancelling.Load() {
		s.timer = time.AfterFunc(d, s.expire)
	}
	s.out.mu.Unlock()
	return &s.out
}

type timeoutStep[T any] struct {
	out Future[T]
	nodeBase
	src   *Future[T]
	after time.Duration
	// timer is armed until claimed, under out.mu, by exactly one of: the
	// source settling (fire), the result being cancelled (release) or the
	// deadline (expire). Only the claimer may release the source.
	timer *time.Timer
	fired atomic.Bool // the deadline passed and released the source
}

// claim takes the armed timer, if any, and stops it.
func (s *timeoutStep[T]) claim() bool {
	s.out.mu.Lock()
	t := s.timer
	s.timer = nil
	s.out.mu.Unlock()
	if t == nil {
		return false
	}
	t.Stop()
	return true
}

// fire runs when the source settles.
func (s *timeoutStep[T]) fire() (node, node) {
	var h, t node
	if !s.out.cancelledOrSettled() {
		v, err := s.src.val, s.src.err
		if err != nil && s.fired.Load() && errors.Is(err, ErrCancelled) {
			err = &timeoutError{after: s.after}
		}
		_, h, t = s.out.settle(v, err, false)
	}
	s.claim() // after settling, so Timeout cannot arm a timer behind us
	return h, t
}

// release runs when the result future is cancelled.
func (s *timeoutStep[T]) release() (upstream, canceller) {
	if s.claim() {
		return s.src.release()
	}
	return nil, nil
}

// expire runs on the timer's goroutine when the deadline passes.
func (s *timeoutStep[T]) expire() {
	s.out.mu.Lock()
	if s.timer == nil || s.out.state.Load() != pending || s.out.cancelling.Load() {
		s.out.mu.Unlock()
		return
	}
	s.timer = nil
	s.out.mu.Unlock()

	s.fired.Store(true)
	cancelChain(s.src) // may cancel the source, which may fire s at once

	// If the source settled with a value (a canceller supplied one) but its
	// callbacks run on an executor and have not delivered it yet, keep it.
	var zero T
	if v, err, ok := s.src.Peek(); ok && err == nil {
		s.out.complete(v, nil, false)
		return
	}
	s.out.complete(zero, &timeoutError{after: s.after}, false)
}

// askDue lets a wait whose context ended ask the source: its failure passes
// on unchanged, unless the deadline passed (then the result is, or is
// about to be, settled with the timeout).
func (s *timeoutStep[T]) askDue(context.Context) (dueAsker, error, bool) {
	if s.fired.Load() {
		return nil, nil, false
	}
	return s.src, nil, false
}
