package future

// This file implements the callback steps: Then, Catch, Finally, Map, Chain
// and WithExecutor. Each step allocates one struct that embeds both the
// future it returns and the node it registers on its source, so a step on a
// pending future is a single allocation. On a settled future without an
// Executor the callback runs at once and only the result future is
// allocated.

// Then returns a new future settled with fn's result once f succeeds
// (Twisted's addCallback). If f fails, fn is skipped and the error passes to
// the returned future unchanged. f itself is never modified: many steps may
// hang off one future, and each runs exactly once, after f settles, in the
// order they were registered. fn runs in the goroutine that settles f (at
// once, in this goroutine, if f is already settled), or on f's Executor. A
// panic in fn becomes a [*PanicError]. If the returned future is cancelled
// before fn has started, fn never runs.
//
// A nil f gives a future failed with [ErrNilFuture], a nil fn one failed
// with [ErrNilCallback] (at once; f is left alone).
//
// Cost: one allocation (result future and registration together).
func (f *Future[T]) Then(fn func(T) (T, error)) *Future[T] { return Map(f, fn) }

// badStep returns the already failed result of a step given a nil future
// or a nil callback, or nil if both are there.
func badStep[T, U any](f *Future[T], fnNil bool) *Future[U] {
	var zero U
	if f == nil {
		return newSettled(zero, ErrNilFuture, nil)
	}
	if fnNil {
		return newSettled(zero, ErrNilCallback, f.ex)
	}
	return nil
}

// Map is Then with a callback that changes the type of the value (nil f or
// fn included). Cost: one allocation.
func Map[T, U any](f *Future[T], fn func(T) (U, error)) *Future[U] {
	if bad := badStep[T, U](f, fn == nil); bad != nil {
		return bad
	}
	if f.ex == nil && f.isSettled() {
		f.observe()
		var u U
		err := f.err
		if err == nil {
			u, err = callValue(fn, f.val)
		}
		return newSettled(u, err, nil)
	}
	s := &thenStep[T, U]{src: f, fn: fn}
	s.out.ex, s.out.up = f.ex, f
	s.out.flags.Store(flagPassErr)
	f.register(s)
	return &s.out
}

type thenStep[T, U any] struct {
	out Future[U]
	nodeBase
	src *Future[T]
	fn  func(T) (U, error)
}

func (s *thenStep[T, U]) fire() (node, node) {
	src, fn := s.src, s.fn
	s.src, s.fn = nil, nil
	if s.out.cancelledOrSettled() {
		return nil, nil // cancelled before it could run
	}
	var u U
	err := src.err
	if err == nil {
		u, err = callValue(fn, src.val)
	}
	_, h, t := s.out.settle(u, err, false)
	return h, t
}

// Catch returns a new future settled with fn's result if f fails (Twisted's
// addErrback); if f succeeds, fn is skipped and the value passes through.
// fn returning a nil error recovers: the chain continues with its value.
// Returning a non-nil error (the same or another) keeps the chain failed.
// Same execution, ordering, panic, cancellation and nil rules as Then.
// Cost: one allocation.
func (f *Future[T]) Catch(fn func(error) (T, error)) *Future[T] {
	if bad := badStep[T, T](f, fn == nil); bad != nil {
		return bad
	}
	if f.ex == nil && f.isSettled() {
		f.observe()
		v, err := f.val, f.err
		if err != nil {
			v, err = callError(fn, err)
		}
		return newSettled(v, err, nil)
	}
	s := &catchStep[T]{src: f, fn: fn}
	s.out.ex, s.out.up = f.ex, f
	f.register(s)
	return &s.out
}

type catchStep[T any] struct {
	out Future[T]
	nodeBase
	src *Future[T]
	fn  func(error) (T, error)
}

func (s *catchStep[T]) fire() (node, node) {
	src, fn := s.src, s.fn
	s.src, s.fn = nil, nil
	if s.out.cancelledOrSettled() {
		return nil, nil
	}
	v, err := src.val, src.err
	if err != nil {
		v, err = callError(fn, err)
	}
	_, h, t := s.out.settle(v, err, false)
	return h, t
}

// Finally returns a new future settled with fn's result, where fn receives
// f's value and error whichever way f settled (Twisted's addBoth). Return the
// arguments unchanged to pass the outcome through; returning a nil error
// recovers. Same rules as Then (nil f or fn included). Cost: one
// allocation.
func (f *Future[T]) Finally(fn func(T, error) (T, error)) *Future[T] {
	if bad := badStep[T, T](f, fn == nil); bad != nil {
		return bad
	}
	if f.ex == nil && f.isSettled() {
		f.observe()
		v, err := callBoth(fn, f.val, f.err)
		return newSettled(v, err, nil)
	}
	s := &finallyStep[T]{src: f, fn: fn}
	s.out.ex, s.out.up = f.ex, f
	f.register(s)
	return &s.out
}

type finallyStep[T any] struct {
	out Future[T]
	nodeBase
	src *Future[T]
	fn  func(T, error) (T, error)
}

func (s *finallyStep[T]) fire() (node, node) {
	src, fn := s.src, s.fn
	s.src, s.fn = nil, nil
	if s.out.cancelledOrSettled() {
		return nil, nil
	}
	v, err := callBoth(fn, src.val, src.err)
	_, h, t := s.out.settle(v, err, false)
	return h, t
}

// Chain returns a future that, once f succeeds, runs fn and then waits for
// the future fn returns, settling like it (a Twisted callback returning a
// Deferred). The inner future may settle at once or much later; already
// settled inner futures do not grow the stack, however many Chain steps are
// in a row. If f fails, fn is skipped and the error passes through. A nil
// future from fn fails the chain with [ErrNilFuture]; a nil f or fn fail it
// at once as for Then. Cancelling the returned
// future while it waits on the inner future releases the inner future, which
// is cancelled unless other derived futures still wait on it. Cost: one
// allocation (result future, registration and the link to the inner future).
func Chain[T, U any](f *Future[T], fn func(T) *Future[U]) *Future[U] {
	if bad := badStep[T, U](f, fn == nil); bad != nil {
		return bad
	}
	s := &chainStep[T, U]{src: f, fn: fn}
	s.out.ex, s.out.up = f.ex, f
	s.out.flags.Store(flagPassErr)
	f.register(s)
	return &s.out
}

type chainStep[T, U any] struct {
	out Future[U]
	nodeBase
	src   *Future[T]
	fn    func(T) *Future[U]
	inner linkNode[U]
}

func (s *chainStep[T, U]) fire() (node, node) {
	src, fn := s.src, s.fn
	s.src, s.fn = nil, nil
	if s.out.cancelledOrSettled() {
		return nil, nil
	}
	var zero U
	if src.err != nil {
		_, h, t := s.out.settle(zero, src.err, false)
		return h, t
	}
	inner, err := callChain(fn, src.val)
	switch {
	case err != nil:
	case inner == nil:
		err = ErrNilFuture
	case inner == &s.out:
		err = errSelfChain
	}
	if err != nil {
		_, h, t := s.out.settle(zero, err, false)
		return h, t
	}
	s.inner.src, s.inner.out = inner, &s.out
	ready := inner.subscribe(&s.inner, true)

	// From now on, cancelling the result means releasing the inner future.
	s.out.mu.Lock()
	if s.out.state.Load() == pending && !s.out.cancelling.Load() {
		s.out.up = inner
		s.out.mu.Unlock()
	} else {
		s.out.mu.Unlock()
		if ready == nil { // cancelled meanwhile: drop our claim on inner
			cancelChain(inner)
		}
	}
	if ready != nil {
		return ready, ready // inner already settled: copy it next, iteratively
	}
	return nil, nil
}

// linkNode settles out like src. It is the wait of a Chain step on its inner
// future.
type linkNode[T any] struct {
	nodeBase
	src *Future[T]
	out *Future[T]
}

func (l *linkNode[T]) fire() (node, node) {
	src := l.src
	l.src = nil
	if l.out.cancelledOrSettled() {
		return nil, nil
	}
	_, h, t := l.out.settle(src.val, src.err, false)
	return h, t
}

// WithExecutor returns a future that settles like f but whose callbacks run
// on ex (and so do those of futures derived from it). A nil ex or [Inline]
// runs them in the settling goroutine. Cancelling the returned future
// releases f like any derived future. Cost: one allocation, plus one closure
// allocation per settlement with callbacks, to hand them to ex.
func (f *Future[T]) WithExecutor(ex Executor) *Future[T] {
	if f == nil {
		return Rejected[T](ErrNilFuture)
	}
	s := &relayStep[T]{src: f}
	s.out.ex, s.out.up = normalize(ex), f
	s.out.flags.Store(flagPassErr)
	f.register(s)
	return &s.out
}

// relayStep is a derived future that copies its source's outcome.
type relayStep[T any] struct {
	out Future[T]
	nodeBase
	src *Future[T]
}

func (s *relayStep[T]) fire() (node, node) {
	src := s.src
	s.src = nil
	if s.out.cancelledOrSettled() {
		return nil, nil
	}
	_, h, t := s.out.settle(src.val, src.err, false)
	return h, t
}
