package reconnect

import (
	"math"
	"time"
)

// Defaults used by [DefaultBackoff] and by zero fields of [Backoff].
const (
	// DefaultInitial is the delay after the first failed attempt.
	DefaultInitial = 100 * time.Millisecond
	// DefaultMax is the largest delay before jitter.
	DefaultMax = 10 * time.Second
	// DefaultMultiplier is the growth factor from one attempt to the next.
	DefaultMultiplier = 2.0
)

// Backoff is an exponential backoff [Policy] that never stops: after the
// attempt-th consecutive failure the delay is
//
//	d = min(Initial * Multiplier^(attempt-1), Max)
//
// randomised by Jitter. Combine it with [MaxAttempts] to give up eventually.
//
// Zero and invalid fields take defaults, so the zero Backoff is 100 ms
// doubling to 10 s without jitter:
//
//   - Initial <= 0 means [DefaultInitial].
//   - Max <= 0 means [DefaultMax]. Max < Initial is allowed: Max wins, so
//     every delay is Max before jitter.
//   - Multiplier < 1 (including 0 and NaN) means [DefaultMultiplier];
//     Multiplier == 1 keeps every delay at Initial; +Inf jumps to Max on the
//     second attempt.
//
// The exponent is computed in floating point and saturates at Max, so any
// attempt up to math.MaxInt is safe. Next is O(1), does not allocate, and is
// safe for concurrent use if Rand is.
type Backoff struct {
	// Initial is the delay after the first failed attempt.
	Initial time.Duration
	// Max caps the delay before jitter is applied.
	Max time.Duration
	// Multiplier is the factor by which the delay grows per attempt.
	Multiplier float64
	// Jitter randomises each delay; the zero value is NoJitter.
	Jitter Jitter
	// Rand is the jitter's source; nil means math/rand/v2.
	Rand Rand
}

// DefaultBackoff returns the recommended policy: 100 ms doubling to 10 s with
// [FullJitter] from math/rand/v2, retrying forever. It costs nothing beyond
// returning the struct.
func DefaultBackoff() Backoff {
	return Backoff{
		Initial:    DefaultInitial,
		Max:        DefaultMax,
		Multiplier: DefaultMultiplier,
		Jitter:     FullJitter,
	}
}

// Next returns the jittered delay for attempt (attempt < 1 counts as 1) and
// ok == true: a Backoff never stops.
func (b Backoff) Next(attempt int) (time.Duration, bool) {
	return b.Jitter.apply(b.delay(attempt), b.Rand), true
}

// delay returns the un-jittered delay for attempt, in [0, max].
func (b Backoff) delay(attempt int) time.Duration {
	initial, maxDelay, mult := b.Initial, b.Max, b.Multiplier
	if initial <= 0 {
		initial = DefaultInitial
	}
	if maxDelay <= 0 {
		maxDelay = DefaultMax
	}
	if !(mult >= 1) { // also catches NaN
		mult = DefaultMultiplier
	}
	if initial >= maxDelay {
		return maxDelay
	}
	if attempt <= 1 {
		return initial
	}
	// float64(attempt-1) is exact enough: Pow overflows to +Inf long before
	// rounding of the exponent could matter, and +Inf (or NaN) fails the
	// comparison below and saturates at maxDelay.
	f := float64(initial) * math.Pow(mult, float64(attempt-1))
	if !(f < float64(maxDelay)) {
		return maxDelay
	}
	// float64(initial) rounds for delays above 2^53 ns (104 days); clamp so
	// that rounding can never take the curve below Initial or above Max.
	return min(max(time.Duration(f), initial), maxDelay)
}
