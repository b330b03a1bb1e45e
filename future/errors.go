package future

import (
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// ErrCancelled is the error of a future that was cancelled (Twisted's
// CancelledError). Match it with errors.Is. Cost: a package-level value.
var ErrCancelled = errors.New("future: cancelled")

// ErrTimeout is matched (errors.Is) by the error of a future returned by
// [Future.Timeout] whose deadline passed (Twisted's TimeoutError). The
// concrete error also names the duration. Cost: a package-level value.
var ErrTimeout = errors.New("future: timed out")

// ErrNilFuture is the error used when a callback passed to [Chain] returns a
// nil *Future, when a combinator such as [All] is given a nil input, and
// when a method is called on a nil *Future (Await returns it, Peek reports
// it, Then and the other steps return a future failed with it), so that a
// programming error fails the chain instead of hanging it or crashing the
// goroutine that settled the source. Cost: a package-level value.
var ErrNilFuture = errors.New("future: nil *Future")

// ErrNilCallback is the error of the future returned by a step (Then,
// Catch, Finally, Map, Chain, Convert, Tap, TapErr) given a nil callback:
// the step fails at once, registering nothing. Cost: a package-level value.
var ErrNilCallback = errors.New("future: nil callback")

// ErrNilContext is the error Await returns, without waiting and without
// registering anything, when given a nil context while the future is still
// pending. Cost: a package-level value.
var ErrNilContext = errors.New("future: nil context")

// ErrNoInputs is the error of [Race] called with no futures: with nothing to
// race there is no first success, and a future that never settles would hang
// its awaiters. Cost: a package-level value.
var ErrNoInputs = errors.New("future: Race needs at least one future")

// errNilReject replaces a nil error passed to Promise.Reject, so that a
// rejection can never be mistaken for a zero-value success.
var errNilReject = errors.New("future: Reject called with a nil error")

// errSelfChain is the error of a Chain step whose callback returned the very
// future the step produces: waiting on itself would never settle.
var errSelfChain = errors.New("future: Chain callback returned its own future")

// PanicError is the error of a step whose callback (or canceller, or the
// function given to [Go]) panicked. The panic is recovered in the goroutine
// that ran the callback, so it never crashes the goroutine that settled the
// future; the chain continues with this error, which Catch and Finally see.
// Value is what was passed to panic; Stack is the panicking goroutine's
// stack (runtime/debug.Stack) at recovery. If Value is an error, Unwrap
// returns it, so errors.Is and errors.As look through the panic.
type PanicError struct {
	// Value is the value passed to panic.
	Value any
	// Stack is the panicking goroutine's stack, from runtime/debug.Stack
	// at recovery.
	Stack []byte
}

// Error returns "future: panic: " followed by the panic value. The stack is
// not included; it is in the Stack field. Cost: formats a string.
func (e *PanicError) Error() string {
	return fmt.Sprintf("future: panic: %v", e.Value)
}

// Unwrap returns Value if it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// newPanicError captures the current goroutine's stack. Call it from the
// deferred function that recovered, so the stack still shows the panic site.
func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// FirstError is the error of a future returned by [All] when one of its
// inputs fails: Index is the position of the failing input in the argument
// list and Err is that input's error (Twisted's FirstError). Unwrap returns
// Err, so errors.Is(err, ErrCancelled) and friends see through it.
type FirstError struct {
	// Index is the 0-based position of the failing input among All's
	// arguments.
	Index int
	// Err is the failing input's error.
	Err error
}

// Error returns "future: input <Index> failed: <Err>". Cost: formats a string.
func (e *FirstError) Error() string {
	return fmt.Sprintf("future: input %d failed: %v", e.Index, e.Err)
}

// Unwrap returns Err.
func (e *FirstError) Unwrap() error { return e.Err }

// timeoutError is the error of a timed-out future. It matches ErrTimeout and
// records the duration that passed.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("future: timed out after %v", e.after)
}

func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }
