package future

import "context"

// When an Await's context ends before the future settles, the waiter would
// return a bare ctx.Err() even when the future's outcome is already decided:
// typically a client request whose own context is that same ctx, which the
// client is about to reject with a precise error (sent or not) from the
// context watcher it runs on another goroutine. So before giving up, a wait
// walks from the awaited future up through the steps that pass errors on
// unchanged, asking each future's producer (through WaitEnder) to settle at
// once if its own reason to end has come; the first one found settled
// decides: if it is the awaited future, its outcome is returned; if it is
// an upstream that failed, the awaited future is bound to fail with the same
// error, which is returned. None of this runs unless a wait's context ended
// first.

// WaitEnder is an optional interface of a [Canceller] installed with
// [Promise.AddCanceller] (or [Promise.InitCancellable]): a producer that
// implements it is asked, when an Await on its future (or on a future derived
// from it by Then, Map, Convert, Chain, Tap, WithExecutor or Timeout) gives up because
// the Await's context ended, whether its own reason to end has come too.
type WaitEnder interface {
	// FutureWaitEnded runs in the awaiting goroutine, with the Await's
	// context, which is done, while the future is pending. If the
	// producer's own reason to give up has come (for the client: the
	// request's context is done too), it should settle the future now,
	// synchronously, with the outcome it would have given a moment later;
	// otherwise it must do nothing: the Await then returns ctx.Err() and the
	// future stays pending. It may be called several times, concurrently
	// with a settlement, or after it; it must not block. Cost to the
	// future: one type assertion per ended wait, nothing otherwise.
	FutureWaitEnded(ctx context.Context)
}

// dueAsker is a future (or a step in front of one) that a wait whose
// context ended can question. askDue asks its WaitEnder, if any; decided
// reports that it is settled, err its error; otherwise next is the
// upstream whose failure it would pass on unchanged, or nil.
type dueAsker interface {
	askDue(ctx context.Context) (next dueAsker, err error, decided bool)
}

func (f *Future[T]) askDue(ctx context.Context) (dueAsker, error, bool) {
	if f.isSettled() {
		return nil, f.err, true
	}
	f.mu.Lock()
	if f.state.Load() == settled {
		f.mu.Unlock()
		return nil, f.err, true
	}
	if f.cancelling.Load() {
		f.mu.Unlock()
		return nil, nil, false
	}
	c, up := f.cancel, f.up
	f.mu.Unlock()
	if w, ok := c.(WaitEnder); ok {
		w.FutureWaitEnded(ctx)
		if f.isSettled() {
			return nil, f.err, true
		}
	}
	if f.flags.Load()&flagPassErr != 0 {
		if a, ok := up.(dueAsker); ok {
			return a, nil, false
		}
	}
	return nil, nil, false
}

// ended is what a wait on f returns when its ctx ended first: f's outcome
// if asking its producers settled it, the error f is bound to fail with if
// an upstream it passes errors from failed, and ctx.Err() otherwise.
func (f *Future[T]) ended(ctx context.Context) (T, error) {
	var failed error
	for a := dueAsker(f); a != nil; {
		next, err, decided := a.askDue(ctx)
		if decided {
			failed = err // nil if an upstream succeeded: f's value is its step's to make
			break
		}
		a = next
	}
	if f.isSettled() {
		f.observe()
		return f.val, f.err
	}
	var zero T
	if failed != nil {
		f.flags.Or(flagSeen) // observed before it settles: not to be reported
		return zero, failed
	}
	return zero, ctx.Err()
}

// FutureWaitEnded forwards to the cancellers that implement WaitEnder.
func (b cancelBoth) FutureWaitEnded(ctx context.Context) {
	if w, ok := b.first.(WaitEnder); ok {
		w.FutureWaitEnded(ctx)
	}
	if w, ok := b.then.(WaitEnder); ok {
		w.FutureWaitEnded(ctx)
	}
}
