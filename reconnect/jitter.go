package reconnect

import (
	"math"
	"time"
)

// Jitter selects how a policy randomises a computed delay d, so that many
// clients that lost the same server do not reconnect in lockstep. The zero
// value is [NoJitter]; values other than the constants below behave as
// NoJitter. Applying jitter costs at most one call to [Rand.Int64N].
type Jitter uint8

const (
	// NoJitter uses d unchanged.
	NoJitter Jitter = iota
	// FullJitter draws the delay uniformly from [0, d]. It spreads clients
	// the most; the mean delay is d/2.
	FullJitter
	// EqualJitter draws the delay uniformly from [d/2, d]: half of d is
	// kept, half is random, so the delay never collapses towards zero.
	EqualJitter
)

// apply returns d randomised according to j, drawing from r (nil means
// math/rand/v2). d must be >= 0. The result lies in [0, d] for FullJitter,
// [d/2, d] for EqualJitter and is d otherwise.
func (j Jitter) apply(d time.Duration, r Rand) time.Duration {
	var lo time.Duration
	switch j {
	case FullJitter:
		lo = 0
	case EqualJitter:
		lo = d / 2
	default:
		return d
	}
	span := int64(d - lo)
	if span <= 0 {
		return d
	}
	n := span + 1 // draw from [0, span] inclusive
	if span == math.MaxInt64 {
		n = span // span+1 would overflow; d itself becomes unreachable
	}
	v := orDefault(r).Int64N(n)
	switch {
	case v < 0:
		v = 0
	case v >= n:
		v = n - 1
	}
	return lo + time.Duration(v)
}
