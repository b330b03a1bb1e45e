package future

// Promise is the write side of a [Future]: the code that produces the result
// (for the client, the network reader that matches a response to a request)
// holds the Promise, and hands out the Future. A Promise contains its
// Future, so New allocates once and [Promise.Future] costs nothing; the
// Future does not lead back to its Promise, so only the holder of the
// Promise can settle it. All methods are safe for concurrent use; the first
// of Resolve, Reject, Complete (or a Cancel of the future) wins.
//
// A producer that keeps one record per result can embed a Promise in it
// (the zero Promise is ready for use, its future pending), prepare it with
// [Promise.Init] or [Promise.InitCancellable], and, once
// [Promise.Recyclable] says so, reuse the record's memory for a later
// result: the future then costs no allocation of its own.
type Promise[T any] struct{ f Future[T] }

// New returns a pending future and the promise that settles it (Twisted's
// Deferred()). Callbacks run in the goroutine that settles the future, or at
// once in the registering goroutine if it is already settled. Cost: one
// allocation.
func New[T any]() (*Future[T], *Promise[T]) {
	p := new(Promise[T])
	return &p.f, p
}

// NewOn is New for a future whose callbacks run on ex instead of the settling
// goroutine; futures derived from it inherit ex. A nil ex or [Inline] means
// the default behaviour of New. Cost: one allocation, plus one closure
// allocation per settlement with callbacks, to hand them to ex.
func NewOn[T any](ex Executor) (*Future[T], *Promise[T]) {
	p := &Promise[T]{f: Future[T]{ex: normalize(ex)}}
	return &p.f, p
}

// Init prepares p, a zero Promise embedded in a larger struct, as NewOn
// does (ex may be nil), and returns its future, to hand out: the future
// then costs no allocation of its own. Call it once, before the future is
// shared with anyone. Cost: none.
func (p *Promise[T]) Init(ex Executor) *Future[T] {
	p.f.ex = normalize(ex)
	return &p.f
}

// InitCancellable is Init with c installed as the future's first
// canceller, as AddCanceller would, but without locking: the future is not
// shared yet. c may be nil. Call it once, before the future is shared with
// anyone. Cost: none.
func (p *Promise[T]) InitCancellable(ex Executor, c Canceller) *Future[T] {
	p.f.cancel = c
	return p.Init(ex)
}

// Recyclable reports whether p's future is settled and nothing but Await
// and Peek ever used it: no callback or combinator (Then, Catch, Finally,
// Map, Chain, All, ...) was attached, no Done channel was taken while it
// was pending, no two goroutines awaited it at once, and it was not
// cancelled. Only then may the producer that embedded p in a larger struct
// (see Init) reuse that memory, once every goroutine that awaited the
// future is done with it: nothing inside this package still refers to it.
// Cost: three atomic loads.
func (p *Promise[T]) Recyclable() bool {
	return p.f.flags.Load() == flagQuiet && !p.f.cancelling.Load()
}

// Resolved returns a future already settled with v (Twisted's succeed).
// Cost: one allocation.
func Resolved[T any](v T) *Future[T] {
	return newSettled(v, nil, nil)
}

// Rejected returns a future already settled with err (Twisted's fail). A nil
// err is replaced by a non-nil error saying so. Cost: one allocation.
func Rejected[T any](err error) *Future[T] {
	var zero T
	if err == nil {
		err = errNilReject
	}
	return newSettled(zero, err, nil)
}

// Go runs fn in a new goroutine and returns a future of its result (the Go
// form of Twisted's maybeDeferred/deferToThread). A panic in fn is recovered
// and becomes a [*PanicError]. Cancelling the future settles it with
// ErrCancelled but cannot stop fn, whose result is then dropped. Cost: one
// goroutine, the future and the goroutine's closure (two allocations).
func Go[T any](fn func() (T, error)) *Future[T] {
	f := new(Future[T])
	go func() {
		v, err := callGo(fn)
		f.complete(v, err, true)
	}()
	return f
}

func (p *Promise[T]) future() *Future[T] { return &p.f }

// Future returns the future this promise settles. Cost: none.
func (p *Promise[T]) Future() *Future[T] { return p.future() }

// Resolve settles the future with v, runs the callbacks that are due (in this
// goroutine, unless the future has an Executor) and wakes awaiters. It
// returns false, and changes nothing, if the future was already settled.
// Cost: no allocation; callbacks' own cost.
func (p *Promise[T]) Resolve(v T) bool { return p.future().complete(v, nil, true) }

// Reject settles the future with err, like Resolve. A nil err is replaced by
// a non-nil error saying so, so a rejection is never seen as a success.
func (p *Promise[T]) Reject(err error) bool {
	if err == nil {
		err = errNilReject
	}
	var zero T
	return p.future().complete(zero, err, true)
}

// Complete settles the future with v if err is nil, and with err otherwise
// (then v is dropped: a rejected future always holds the zero value). It is
// convenient for forwarding a (T, error) pair. It returns false if the future
// was already settled. Cost: as Resolve.
func (p *Promise[T]) Complete(v T, err error) bool {
	if err != nil {
		var zero T
		v = zero
	}
	return p.future().complete(v, err, true)
}

// OnCancel installs fn as a canceller (Twisted's canceller argument): if the
// future is cancelled while pending, fn runs once, in the cancelling
// goroutine, before the future is rejected with ErrCancelled. fn may settle
// the future itself (for example Resolve a fallback value or Reject with a
// more precise error); that outcome then stands. Several cancellers run in
// the order they were installed. OnCancel on a settled future, or during a
// cancellation, does nothing. A canceller that panics rejects the future with
// a *PanicError. Cost: none for the first canceller, one small allocation
// for each further one.
func (p *Promise[T]) OnCancel(fn func()) {
	if fn == nil {
		return
	}
	p.AddCanceller(cancelFunc(fn))
}

// AddCanceller is OnCancel for a canceller given as an interface: c's
// FutureCancelled method runs where OnCancel would run fn. A struct that
// embeds its promise (see [Promise.Init]) can be its own canceller, which
// saves the closure a method value passed to OnCancel costs. Cost: none
// for the first canceller, one small allocation for each further one.
func (p *Promise[T]) AddCanceller(c Canceller) {
	if c == nil {
		return
	}
	f := p.future()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state.Load() != pending || f.cancelling.Load() {
		return
	}
	if prev := f.cancel; prev != nil {
		f.cancel = cancelBoth{prev, c}
	} else {
		f.cancel = c
	}
}

// Canceller is told when the future it was installed on (with
// [Promise.AddCanceller]) is cancelled while pending.
type Canceller interface {
	// FutureCancelled runs once, in the cancelling goroutine, before the
	// future is rejected with ErrCancelled; it may settle the future
	// itself, and that outcome then stands.
	FutureCancelled()
}

// cancelFunc adapts a func canceller (OnCancel) to Canceller.
type cancelFunc func()

func (fn cancelFunc) FutureCancelled() { fn() }

// cancelBoth runs two cancellers in installation order.
type cancelBoth struct{ first, then Canceller }

func (b cancelBoth) FutureCancelled() {
	b.first.FutureCancelled()
	b.then.FutureCancelled()
}
