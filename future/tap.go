package future

// Tap returns a future that settles like f, after running fn with f's value
// if f succeeds: a side effect (logging, a metric, a cache fill) that does
// not change the value, so fn returns nothing. If f fails, fn is skipped and
// the error passes through. fn runs like a Then callback (on f's Executor,
// in registration order, not if the result was cancelled first); a panic in
// fn fails the result with a [*PanicError] instead of passing the value on.
// A nil f or fn fail the result at once ([ErrNilFuture], [ErrNilCallback]).
// Cost: one allocation, as Then.
func (f *Future[T]) Tap(fn func(T)) *Future[T] {
	return tap(f, fn, nil)
}

// TapErr is Tap for failures: fn runs with f's error if f fails, and the
// error passes through unchanged (to recover, use [Future.Catch]); a value
// passes through without running fn. Same rules as Tap; a panic in fn
// replaces the error with a [*PanicError]. Cost: one allocation, as Catch.
func (f *Future[T]) TapErr(fn func(error)) *Future[T] {
	return tap(f, nil, fn)
}

// tap makes a Tap (onValue set) or TapErr (onErr set) step.
func tap[T any](f *Future[T], onValue func(T), onErr func(error)) *Future[T] {
	if bad := badStep[T, T](f, onValue == nil && onErr == nil); bad != nil {
		return bad
	}
	if f.ex == nil && f.isSettled() {
		f.observe()
		v, err := tapped(f.val, f.err, onValue, onErr)
		return newSettled(v, err, nil)
	}
	s := &tapStep[T]{src: f, onValue: onValue, onErr: onErr}
	s.out.ex, s.out.up = f.ex, f
	if onErr == nil {
		s.out.flags.Store(flagPassErr)
	}
	f.register(s)
	return &s.out
}

type tapStep[T any] struct {
	out Future[T]
	nodeBase
	src     *Future[T]
	onValue func(T)
	onErr   func(error)
}

func (s *tapStep[T]) fire() (node, node) {
	src, onValue, onErr := s.src, s.onValue, s.onErr
	s.src, s.onValue, s.onErr = nil, nil, nil
	if s.out.cancelledOrSettled() {
		return nil, nil // cancelled before it could run
	}
	v, err := tapped(src.val, src.err, onValue, onErr)
	_, h, t := s.out.settle(v, err, false)
	return h, t
}

// tapped runs the side effect due for (v, err) and returns the outcome to
// pass on: (v, err) unchanged, unless the side effect panicked.
func tapped[T any](v T, err error, onValue func(T), onErr func(error)) (T, error) {
	var pe *PanicError
	switch {
	case err == nil && onValue != nil:
		pe = callTap(onValue, v)
	case err != nil && onErr != nil:
		pe = callTap(onErr, err)
	}
	if pe != nil {
		var zero T
		return zero, pe
	}
	return v, err
}
