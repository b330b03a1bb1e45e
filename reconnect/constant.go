package reconnect

import "time"

// Constant is a [Policy] that waits the same Delay, randomised by Jitter,
// after every failed attempt and never stops. Delay <= 0 means reconnect at
// once, which is rarely wise against a server that is down: bound it with
// [MaxAttempts]. The zero Constant reconnects immediately, forever.
//
// Next is O(1), does not allocate, and is safe for concurrent use if Rand is.
type Constant struct {
	// Delay is the wait after each failed attempt, before jitter.
	Delay time.Duration
	// Jitter randomises each delay; the zero value is NoJitter.
	Jitter Jitter
	// Rand is the jitter's source; nil means math/rand/v2.
	Rand Rand
}

// Next returns Delay (0 if negative) randomised by Jitter, and ok == true.
func (c Constant) Next(int) (time.Duration, bool) {
	return c.Jitter.apply(max(c.Delay, 0), c.Rand), true
}
