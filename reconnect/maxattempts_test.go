package reconnect_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/reconnect"
)

func TestMaxAttemptsStopsExactly(t *testing.T) {
	inner := reconnect.Constant{Delay: s}
	for _, n := range []int{math.MinInt, -1, 0, 1, 2, 3, 10} {
		p := reconnect.MaxAttempts(inner, n)
		// Count the attempts a reconnect loop makes before giving up: the
		// first is unconditional, each later one needs the policy's ok.
		made := 1
		for attempt := 1; ; attempt++ {
			d, ok := p.Next(attempt)
			if !ok {
				require.Zero(t, d)
				break
			}
			require.Equal(t, s, d)
			made++
			require.Less(t, made, 100, "MaxAttempts(%d) does not stop", n)
		}
		require.Equal(t, max(n, 1), made, "MaxAttempts(%d)", n)

		// Once stopped, it stays stopped.
		for _, later := range []int{max(n, 1), max(n, 1) + 1, math.MaxInt} {
			_, ok := p.Next(later)
			require.False(t, ok, "MaxAttempts(%d).Next(%d)", n, later)
		}
	}
}

func TestMaxAttemptsPassesThrough(t *testing.T) {
	var got []int
	inner := reconnect.PolicyFunc(func(attempt int) (time.Duration, bool) {
		got = append(got, attempt)
		return time.Duration(attempt) * ms, true
	})
	p := reconnect.MaxAttempts(inner, 4)
	for attempt := 1; attempt <= 5; attempt++ {
		d, ok := p.Next(attempt)
		require.Equal(t, attempt < 4, ok, "attempt %d", attempt)
		if ok {
			require.Equal(t, time.Duration(attempt)*ms, d)
		}
	}
	require.Equal(t, []int{1, 2, 3}, got, "the inner policy is not consulted once stopped")
}

func TestMaxAttemptsInnerStopWins(t *testing.T) {
	p := reconnect.MaxAttempts(reconnect.Never(), 10)
	_, ok := p.Next(1)
	require.False(t, ok)

	p = reconnect.MaxAttempts(reconnect.MaxAttempts(reconnect.Constant{}, 3), 10)
	_, ok = p.Next(2)
	require.True(t, ok)
	_, ok = p.Next(3)
	require.False(t, ok, "the tighter limit applies")
}

func TestMaxAttemptsNilIsDefaultBackoff(t *testing.T) {
	p := reconnect.MaxAttempts(nil, math.MaxInt)
	d, ok := p.Next(1)
	require.True(t, ok)
	require.GreaterOrEqual(t, d, time.Duration(0))
	require.LessOrEqual(t, d, reconnect.DefaultInitial)
	_, ok = p.Next(math.MaxInt)
	require.False(t, ok)
}

func TestMaxAttemptsDoesNotAllocateInNext(t *testing.T) {
	p := reconnect.MaxAttempts(reconnect.Backoff{}, 5)
	require.Zero(t, testing.AllocsPerRun(100, func() { p.Next(3) }))
}
