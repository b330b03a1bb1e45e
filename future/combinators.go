package future

import (
	"errors"
	"sync/atomic"
)

// Result is the outcome of one input of [Settled]: its value, or its error.
// It is a plain value; Settled allocates all results in one slice.
type Result[T any] struct {
	// Value is the input's value when it succeeded.
	Value T
	// Err is the input's error, nil if it succeeded.
	Err error
}

// Indexed is the outcome of [Race]: the winning value and the position of
// the winning input in the argument list. It is a plain value.
type Indexed[T any] struct {
	// Index is the 0-based position of the winning input among Race's
	// arguments.
	Index int
	// Value is the winning input's value.
	Value T
}

// The combinators below all work the same way: one allocation holds the
// result future and shared state, one slice holds a registration node per
// input. Each result is a dependant of every input, so cancelling it releases
// the inputs (each is cancelled unless something else still waits on it, as
// Twisted's DeferredList.cancel cancels its members). Results carry no
// Executor: their callbacks run in the goroutine that settles the last input
// they need; use WithExecutor to move them. A nil input counts as an input
// failed with ErrNilFuture.

// All returns a future of the values of fs, in input order, once all of them
// have succeeded (Twisted's gatherResults). It fails as soon as any input
// fails, with a [*FirstError] holding that input's index and error, and does
// not cancel the other inputs. With no inputs it is already resolved with an
// empty slice. Cost: three allocations (state, values, registrations).
func All[T any](fs ...*Future[T]) *Future[[]T] {
	if len(fs) == 0 {
		return Resolved([]T{})
	}
	st := &allState[T]{vals: make([]T, len(fs)), nodes: make([]allNode[T], len(fs))}
	st.left.Store(int64(len(fs)))
	st.out.up = st
	var ready readyList
	for i, f := range fs {
		n := &st.nodes[i]
		n.st, n.src, n.i = st, orFailed(f), i
		ready.push(n.src.subscribe(n, true))
	}
	drain(ready.head)
	return &st.out
}

type allState[T any] struct {
	out   Future[[]T]
	vals  []T
	left  atomic.Int64
	nodes []allNode[T]
}

type allNode[T any] struct {
	nodeBase
	st  *allState[T]
	src *Future[T]
	i   int
}

func (n *allNode[T]) fire() (node, node) {
	st := n.st
	if st.out.cancelledOrSettled() {
		return nil, nil
	}
	if err := n.src.err; err != nil {
		_, h, t := st.out.settle(nil, &FirstError{Index: n.i, Err: err}, false)
		return h, t
	}
	st.vals[n.i] = n.src.val
	if st.left.Add(-1) == 0 {
		_, h, t := st.out.settle(st.vals, nil, false)
		return h, t
	}
	return nil, nil
}

func (st *allState[T]) release() (upstream, canceller) {
	for i := range st.nodes {
		cancelChain(st.nodes[i].src)
	}
	return nil, nil
}

// Settled returns a future of the outcomes of fs, in input order, once every
// input has settled (Twisted's DeferredList with consumeErrors=True). It
// never fails (unless it is itself cancelled); each [Result] holds a value or
// an error. With no inputs it is already resolved with an empty slice.
// Cost: three allocations.
func Settled[T any](fs ...*Future[T]) *Future[[]Result[T]] {
	if len(fs) == 0 {
		return Resolved([]Result[T]{})
	}
	st := &settledState[T]{res: make([]Result[T], len(fs)), nodes: make([]settledNode[T], len(fs))}
	st.left.Store(int64(len(fs)))
	st.out.up = st
	var ready readyList
	for i, f := range fs {
		n := &st.nodes[i]
		n.st, n.src, n.i = st, orFailed(f), i
		ready.push(n.src.subscribe(n, true))
	}
	drain(ready.head)
	return &st.out
}

type settledState[T any] struct {
	out   Future[[]Result[T]]
	res   []Result[T]
	left  atomic.Int64
	nodes []settledNode[T]
}

type settledNode[T any] struct {
	nodeBase
	st  *settledState[T]
	src *Future[T]
	i   int
}

func (n *settledNode[T]) fire() (node, node) {
	st := n.st
	if st.out.cancelledOrSettled() {
		return nil, nil
	}
	st.res[n.i] = Result[T]{Value: n.src.val, Err: n.src.err}
	if st.left.Add(-1) == 0 {
		_, h, t := st.out.settle(st.res, nil, false)
		return h, t
	}
	return nil, nil
}

func (st *settledState[T]) release() (upstream, canceller) {
	for i := range st.nodes {
		cancelChain(st.nodes[i].src)
	}
	return nil, nil
}

// Race returns a future of the first input to succeed, with its index. As
// soon as one input succeeds, every other input is released like a
// cancelled dependant: cancelled, unless something else still waits on it.
// If every input fails, Race fails with errors.Join of their errors, in
// input order. Among inputs already settled when Race is called, the lowest
// index wins. With no inputs, Race fails with [ErrNoInputs].
// Cost: three allocations.
func Race[T any](fs ...*Future[T]) *Future[Indexed[T]] {
	if len(fs) == 0 {
		return Rejected[Indexed[T]](ErrNoInputs)
	}
	st := &raceState[T]{errs: make([]error, len(fs)), nodes: make([]raceNode[T], len(fs))}
	st.left.Store(int64(len(fs)))
	st.out.up = st
	// Register every input before running any, so a winner found among
	// already settled inputs can release all the others.
	var ready readyList
	for i, f := range fs {
		n := &st.nodes[i]
		n.st, n.src, n.i = st, orFailed(f), i
		ready.push(n.src.subscribe(n, true))
	}
	drain(ready.head)
	return &st.out
}

type raceState[T any] struct {
	out   Future[Indexed[T]]
	errs  []error
	left  atomic.Int64
	nodes []raceNode[T]
}

type raceNode[T any] struct {
	nodeBase
	st  *raceState[T]
	src *Future[T]
	i   int
}

func (n *raceNode[T]) fire() (node, node) {
	st := n.st
	if st.out.cancelledOrSettled() {
		return nil, nil
	}
	if n.src.err == nil {
		ok, h, t := st.out.settle(Indexed[T]{Index: n.i, Value: n.src.val}, nil, false)
		if ok {
			for i := range st.nodes {
				if i != n.i {
					cancelChain(st.nodes[i].src)
				}
			}
		}
		return h, t
	}
	st.errs[n.i] = n.src.err
	if st.left.Add(-1) == 0 {
		_, h, t := st.out.settle(Indexed[T]{}, errors.Join(st.errs...), false)
		return h, t
	}
	return nil, nil
}

func (st *raceState[T]) release() (upstream, canceller) {
	for i := range st.nodes {
		cancelChain(st.nodes[i].src)
	}
	return nil, nil
}

// orFailed replaces a nil input with a future failed with ErrNilFuture.
func orFailed[T any](f *Future[T]) *Future[T] {
	if f == nil {
		return Rejected[T](ErrNilFuture)
	}
	return f
}
