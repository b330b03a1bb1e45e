package reconnect

import (
	"math"
	"time"
)

// Attempts counts the consecutive failed attempts of one reconnect loop and
// asks Policy for each delay. It is the only stateful type in the package:
// [Attempts.Next] records a failure, [Attempts.Reset] records a success, after
// which the next failure is attempt 1 again and the delay restarts at the
// policy's first value.
//
// The zero Attempts is ready to use. A nil Policy means [DefaultBackoff].
// An Attempts belongs to one goroutine (one connection's reconnect loop); it
// is not safe for concurrent use. Its methods do not allocate beyond what
// the policy does.
type Attempts struct {
	// Policy decides the delays; nil means DefaultBackoff().
	Policy Policy

	n int // consecutive failures so far
}

// Next records a failed attempt and returns the policy's delay before the
// next one, or ok == false if reconnecting should stop. The count saturates at
// math.MaxInt.
func (a *Attempts) Next() (delay time.Duration, ok bool) {
	if a.n < math.MaxInt {
		a.n++
	}
	if a.Policy == nil {
		return DefaultBackoff().Next(a.n)
	}
	return a.Policy.Next(a.n)
}

// Reset records a successful connection: the count of consecutive failures
// goes back to zero, so the next delay is the policy's first again.
func (a *Attempts) Reset() { a.n = 0 }

// Failures returns the number of consecutive failed attempts recorded since
// the last Reset.
func (a *Attempts) Failures() int { return a.n }
