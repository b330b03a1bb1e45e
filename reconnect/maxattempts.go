package reconnect

import "time"

// MaxAttempts returns a [Policy] that allows at most n connection attempts in
// a run of consecutive failures: Next(attempt) stops for attempt >= n and
// otherwise returns p.Next(attempt). The first attempt is never subject to a
// policy, so n <= 1 behaves like [Never]. A nil p means [DefaultBackoff].
//
// MaxAttempts allocates once when called; Next adds one comparison to
// p.Next and is safe for concurrent use if p is.
func MaxAttempts(p Policy, n int) Policy {
	if p == nil {
		p = DefaultBackoff()
	}
	return maxAttempts{p: p, n: n}
}

type maxAttempts struct {
	p Policy
	n int
}

func (m maxAttempts) Next(attempt int) (time.Duration, bool) {
	if attempt >= m.n {
		return 0, false
	}
	return m.p.Next(attempt)
}
