package reconnect_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/reconnect"
)

func TestConstant(t *testing.T) {
	cases := []struct {
		name string
		c    reconnect.Constant
		want time.Duration
	}{
		{"zero value reconnects at once", reconnect.Constant{}, 0},
		{"negative delay is zero", reconnect.Constant{Delay: -s}, 0},
		{"no jitter", reconnect.Constant{Delay: 2 * s}, 2 * s},
		{"full jitter at zero draw", reconnect.Constant{Delay: 2 * s, Jitter: reconnect.FullJitter, Rand: zeroRand()}, 0},
		{"full jitter at top draw", reconnect.Constant{Delay: 2 * s, Jitter: reconnect.FullJitter, Rand: maxRand()}, 2 * s},
		{"equal jitter at zero draw", reconnect.Constant{Delay: 2 * s, Jitter: reconnect.EqualJitter, Rand: zeroRand()}, s},
		{"equal jitter at top draw", reconnect.Constant{Delay: 2 * s, Jitter: reconnect.EqualJitter, Rand: maxRand()}, 2 * s},
		{"equal jitter of odd delay", reconnect.Constant{Delay: 3, Jitter: reconnect.EqualJitter, Rand: zeroRand()}, 1},
		{"unknown jitter is none", reconnect.Constant{Delay: 2 * s, Jitter: 77, Rand: zeroRand()}, 2 * s},
		{"jitter of zero delay", reconnect.Constant{Jitter: reconnect.FullJitter, Rand: constRand(5)}, 0},
		{"largest delay, equal jitter", reconnect.Constant{Delay: math.MaxInt64, Jitter: reconnect.EqualJitter, Rand: maxRand()}, math.MaxInt64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{math.MinInt, 0, 1, 2, 1000, math.MaxInt} {
				d, ok := tc.c.Next(n)
				require.True(t, ok, "attempt %d", n)
				require.Equal(t, tc.want, d, "attempt %d", n)
			}
		})
	}
}

func TestConstantZeroDelayNeverDraws(t *testing.T) {
	r := &fixedRand{f: func(int64) int64 { panic("must not draw for a zero delay") }}
	c := reconnect.Constant{Jitter: reconnect.FullJitter, Rand: r}
	d, ok := c.Next(1)
	require.True(t, ok)
	require.Zero(t, d)
	require.Empty(t, r.Calls())
}
