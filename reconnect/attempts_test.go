package reconnect_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/reconnect"
)

func TestAttemptsCountsAndResets(t *testing.T) {
	var asked []int
	a := reconnect.Attempts{Policy: reconnect.PolicyFunc(func(attempt int) (time.Duration, bool) {
		asked = append(asked, attempt)
		return time.Duration(attempt) * s, true
	})}
	require.Zero(t, a.Failures())

	for want := 1; want <= 3; want++ {
		d, ok := a.Next()
		require.True(t, ok)
		require.Equal(t, time.Duration(want)*s, d)
		require.Equal(t, want, a.Failures())
	}

	a.Reset() // a successful connection
	require.Zero(t, a.Failures())
	d, ok := a.Next()
	require.True(t, ok)
	require.Equal(t, s, d, "the delay restarts after a success")
	require.Equal(t, []int{1, 2, 3, 1}, asked)
}

func TestAttemptsBackoffRestartsAfterSuccess(t *testing.T) {
	a := reconnect.Attempts{Policy: reconnect.Backoff{Initial: 100 * ms, Max: time.Second}}
	var got []time.Duration
	next := func() {
		d, ok := a.Next()
		require.True(t, ok)
		got = append(got, d)
	}
	for range 6 {
		next()
	}
	a.Reset()
	next()
	next()
	require.Equal(t, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, s, s, 100 * ms, 200 * ms}, got)
}

func TestAttemptsWithMaxAttempts(t *testing.T) {
	a := reconnect.Attempts{Policy: reconnect.MaxAttempts(reconnect.Constant{Delay: ms}, 3)}
	for round := range 2 {
		_, ok := a.Next()
		require.True(t, ok, "round %d", round)
		_, ok = a.Next()
		require.True(t, ok, "round %d", round)
		_, ok = a.Next()
		require.False(t, ok, "round %d: the third failure is the last attempt", round)
		a.Reset() // a success grants a fresh budget
	}
}

func TestAttemptsZeroValueIsDefaultBackoff(t *testing.T) {
	var a reconnect.Attempts
	for range 20 {
		d, ok := a.Next()
		require.True(t, ok)
		require.GreaterOrEqual(t, d, time.Duration(0))
		require.LessOrEqual(t, d, reconnect.DefaultMax)
	}
	d, ok := a.Next()
	require.True(t, ok)
	require.LessOrEqual(t, d, reconnect.DefaultMax)
	require.Zero(t, testing.AllocsPerRun(100, func() { a.Next() }))
}
