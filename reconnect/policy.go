package reconnect

import "time"

// Policy decides, after the attempt-th consecutive failed connection attempt
// (attempt >= 1), how long to wait before the next attempt, or (ok == false)
// that reconnecting stops.
//
// A Policy is a pure function of attempt: it keeps no state between calls, so
// one Policy can serve any number of connections at once, and "the delay
// resets after a successful connection" means the caller starts counting at 1
// again (see [Attempts]). Jitter is the only source of variation; it comes
// from an injectable [Rand].
//
// Every Policy in this package is safe for concurrent use (given a
// goroutine-safe Rand), does not allocate in Next, treats attempt < 1 as 1,
// handles attempt up to math.MaxInt without overflow, returns delays >= 0,
// and, once it stops at some attempt, stops at every later one. Custom
// policies should do the same.
type Policy interface {
	// Next returns the delay before the attempt after the attempt-th
	// consecutive failure, or ok == false to stop reconnecting. The delay is
	// meaningless when ok is false.
	Next(attempt int) (delay time.Duration, ok bool)
}

// PolicyFunc adapts an ordinary function to a [Policy]. Next calls the
// function and costs what the function costs.
type PolicyFunc func(attempt int) (delay time.Duration, ok bool)

// Next calls f(attempt).
func (f PolicyFunc) Next(attempt int) (time.Duration, bool) { return f(attempt) }
