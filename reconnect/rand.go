package reconnect

import "math/rand/v2"

// Rand is the source of randomness for jitter: Int64N returns a uniformly
// distributed value in [0, n) for n > 0. Policies call it at most once per
// Next, only when jitter is on and the delay is positive; a value outside
// [0, n) is clamped into it, so a misbehaving source cannot push a delay out
// of its documented bounds.
//
// A nil Rand means the top-level functions of math/rand/v2 (goroutine-safe,
// randomly seeded, no allocation). A *rand.Rand from math/rand/v2 satisfies
// Rand and gives reproducible jitter, but it is not safe for concurrent use:
// share such a policy between goroutines only behind a lock. Tests inject a
// fake to make delays deterministic.
type Rand interface {
	// Int64N returns a uniformly distributed value in [0, n); policies
	// call it only with n > 0.
	Int64N(n int64) int64
}

// defaultRand is the Rand used when none is given.
type defaultRand struct{}

func (defaultRand) Int64N(n int64) int64 { return rand.Int64N(n) }

// orDefault returns r, or the math/rand/v2 source if r is nil.
func orDefault(r Rand) Rand {
	if r == nil {
		return defaultRand{}
	}
	return r
}
