package future

// Cancellation (Twisted's Deferred.cancel), made safe for fan-out.
//
// A derived future (a step, a Timeout, WithExecutor, a combinator result)
// is a dependant of the future(s) it waits on, its upstream. Each future
// counts its live dependants. Cancelling a derived future releases its
// upstream: the upstream's count drops, and when no live dependant is left
// the upstream is cancelled in turn, which releases its own upstream, and so
// on. So cancelling the end of a chain cancels the request at its root,
// while cancelling one branch of a fan-out leaves the other branches, and
// the root, alone.
//
// The walk is a loop, not a recursion, in two phases. Going up, each future
// to be cancelled is marked cancelling (from then on no step callback runs
// into it and nothing else may settle it but its own cancellers) and its
// cancellers run. Coming back down, from the topmost, each is rejected with
// ErrCancelled unless a canceller already settled it. So by the time a
// cancelled future's awaiters wake up, the cancellers of everything it
// cancelled have run.

// upstream is what a cancelled derived future releases: a future it waits on
// (every *Future is one), or a combinator or timeout step that forwards the
// release to its inputs. release drops one live dependant. If that cancels
// this upstream, it has been marked cancelling and its cancellers have run;
// release returns it as victim, to be rejected on the way back down, and
// returns next, its own upstream, to release after it.
type upstream interface {
	release() (next upstream, victim canceller)
}

// canceller is a future marked cancelling, waiting to be rejected.
type canceller interface {
	finishCancel()
}

// Cancel cancels f if it is still pending (Twisted's Deferred.cancel) and
// reports whether it was. Cancelling runs f's cancellers (see
// [Promise.OnCancel]) once, in this goroutine, then rejects f with
// [ErrCancelled], unless a canceller settled f, whose outcome then stands.
// Steps registered on f see that outcome like any other.
//
// If f is derived from other futures (Then, Chain, Timeout, All, ...), f is
// rejected with ErrCancelled before Cancel returns, and its own callback, if
// it has not started, never runs. The futures f waits on are released: each
// is cancelled too unless another live derived future still waits on it, so
// cancelling the end of a chain cancels its root, but cancelling one branch
// of a fan-out never kills another branch. Await does not count as waiting.
// On a settled future, or a second time, or on a nil f, Cancel does
// nothing and returns false.
//
// Cost: no allocation for chains up to 16 futures deep; runs cancellers and
// callbacks in this goroutine (or hands callbacks to the futures' Executor).
func (f *Future[T]) Cancel() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	if f.state.Load() != pending || f.cancelling.Load() {
		f.mu.Unlock()
		return false
	}
	up := f.startCancelLocked()
	cancelChain(up)
	f.finishCancel()
	return true
}

// release implements upstream for futures.
func (f *Future[T]) release() (upstream, canceller) {
	f.mu.Lock()
	if f.state.Load() != pending || f.cancelling.Load() {
		f.mu.Unlock()
		return nil, nil
	}
	f.live--
	if f.live > 0 {
		f.mu.Unlock()
		return nil, nil
	}
	return f.startCancelLocked(), f
}

// startCancelLocked marks f, which must be pending and not cancelling,
// as cancelling, with f.mu held; it unlocks, runs f's cancellers and returns
// f's upstream.
func (f *Future[T]) startCancelLocked() upstream {
	f.cancelling.Store(true)
	fn, up := f.cancel, f.up
	f.cancel, f.up = nil, nil
	f.mu.Unlock()
	if fn != nil {
		if pe := callCanceller(fn); pe != nil {
			var zero T
			f.complete(zero, pe, true)
		}
	}
	return up
}

// finishCancel rejects f with ErrCancelled, unless a canceller settled it.
func (f *Future[T]) finishCancel() {
	var zero T
	f.complete(zero, ErrCancelled, true)
}

// cancelled reports whether f is settled or being cancelled: a step whose
// result future is either must not run its callback.
func (f *Future[T]) cancelledOrSettled() bool {
	return f.state.Load() == settled || f.cancelling.Load()
}

// cancelChain releases up, walks up as long as releases cancel, then rejects
// the cancelled futures from the topmost down.
func cancelChain(up upstream) {
	var buf [16]canceller
	victims := buf[:0]
	for up != nil {
		var v canceller
		up, v = up.release()
		if v != nil {
			victims = append(victims, v)
		}
	}
	for i := len(victims) - 1; i >= 0; i-- {
		victims[i].finishCancel()
		victims[i] = nil
	}
}
