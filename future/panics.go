package future

// The functions in this file call user code and turn a panic into a
// *PanicError result, so user code can never crash the goroutine that
// settled a future. Each recovers in a deferred closure that the compiler
// keeps on the stack (no allocation unless a panic happens).

func callValue[T, U any](fn func(T) (U, error), v T) (u U, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero U
			u, err = zero, newPanicError(r)
		}
	}()
	return fn(v)
}

func callError[T any](fn func(error) (T, error), e error) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v, err = zero, newPanicError(r)
		}
	}()
	return fn(e)
}

func callBoth[T any](fn func(T, error) (T, error), v0 T, e error) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v, err = zero, newPanicError(r)
		}
	}()
	return fn(v0, e)
}

func callChain[T, U any](fn func(T) *Future[U], v T) (f *Future[U], err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, newPanicError(r)
		}
	}()
	return fn(v), nil
}

func callGo[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v, err = zero, newPanicError(r)
		}
	}()
	return fn()
}

// callCanceller runs a canceller and reports a panic as a *PanicError.
func callCanceller(c Canceller) (pe *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			pe = newPanicError(r)
		}
	}()
	c.FutureCancelled()
	return nil
}

// callTap runs a Tap or TapErr side effect and reports a panic as a
// *PanicError.
func callTap[T any](fn func(T), v T) (pe *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			pe = newPanicError(r)
		}
	}()
	fn(v)
	return nil
}
