package reconnect_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/reconnect"
)

func TestNever(t *testing.T) {
	p := reconnect.Never()
	for _, n := range []int{math.MinInt, 0, 1, 2, math.MaxInt} {
		d, ok := p.Next(n)
		require.False(t, ok, "attempt %d", n)
		require.Zero(t, d)
	}
	require.Zero(t, testing.AllocsPerRun(100, func() { reconnect.Never().Next(1) }))
}

func TestPolicyFunc(t *testing.T) {
	p := reconnect.PolicyFunc(func(attempt int) (time.Duration, bool) {
		return time.Duration(attempt) * s, attempt < 3
	})
	var _ reconnect.Policy = p
	d, ok := p.Next(2)
	require.True(t, ok)
	require.Equal(t, 2*s, d)
	_, ok = p.Next(3)
	require.False(t, ok)
}
