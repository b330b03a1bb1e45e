package reconnect_test

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/reconnect"
)

func TestDefaultBackoff(t *testing.T) {
	b := reconnect.DefaultBackoff()
	require.Equal(t, reconnect.Backoff{
		Initial:    100 * ms,
		Max:        10 * s,
		Multiplier: 2,
		Jitter:     reconnect.FullJitter,
	}, b)

	// With the draw at its maximum, full jitter yields the curve itself.
	b.Rand = maxRand()
	want := []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms, 6400 * ms, 10 * s, 10 * s}
	for i, w := range want {
		d, ok := b.Next(i + 1)
		require.True(t, ok)
		require.Equal(t, w, d, "attempt %d", i+1)
	}
	d, ok := b.Next(math.MaxInt)
	require.True(t, ok, "the default backoff retries forever")
	require.Equal(t, 10*s, d)

	// With the draw at zero, full jitter yields zero.
	b.Rand = zeroRand()
	for _, n := range []int{1, 2, 10, math.MaxInt} {
		d, ok := b.Next(n)
		require.True(t, ok)
		require.Zero(t, d)
	}
}

func TestBackoffCurve(t *testing.T) {
	cases := []struct {
		name string
		b    reconnect.Backoff
		want map[int]time.Duration // attempt -> un-jittered delay
	}{
		{
			name: "zero value is 100ms doubling to 10s",
			b:    reconnect.Backoff{},
			want: map[int]time.Duration{-5: 100 * ms, 0: 100 * ms, 1: 100 * ms, 2: 200 * ms, 7: 6400 * ms, 8: 10 * s, math.MaxInt: 10 * s},
		},
		{
			name: "negative fields take defaults",
			b:    reconnect.Backoff{Initial: -1, Max: -1, Multiplier: -3},
			want: map[int]time.Duration{1: 100 * ms, 2: 200 * ms, 8: 10 * s},
		},
		{
			name: "multiplier below one means two",
			b:    reconnect.Backoff{Initial: s, Max: time.Hour, Multiplier: 0.5},
			want: map[int]time.Duration{1: s, 2: 2 * s, 3: 4 * s},
		},
		{
			name: "NaN multiplier means two",
			b:    reconnect.Backoff{Initial: s, Max: time.Hour, Multiplier: math.NaN()},
			want: map[int]time.Duration{1: s, 2: 2 * s, 3: 4 * s},
		},
		{
			name: "multiplier one is constant",
			b:    reconnect.Backoff{Initial: 3 * s, Max: time.Hour, Multiplier: 1},
			want: map[int]time.Duration{1: 3 * s, 2: 3 * s, 1000: 3 * s, math.MaxInt: 3 * s},
		},
		{
			name: "infinite multiplier jumps to max",
			b:    reconnect.Backoff{Initial: s, Max: time.Minute, Multiplier: math.Inf(1)},
			want: map[int]time.Duration{1: s, 2: time.Minute, math.MaxInt: time.Minute},
		},
		{
			name: "fractional multiplier",
			b:    reconnect.Backoff{Initial: s, Max: 5 * s, Multiplier: 1.5},
			want: map[int]time.Duration{1: s, 2: 1500 * ms, 3: 2250 * ms, 4: 3375 * ms, 5: 5 * s, 6: 5 * s},
		},
		{
			name: "max below initial wins",
			b:    reconnect.Backoff{Initial: 10 * s, Max: s},
			want: map[int]time.Duration{1: s, 2: s, math.MaxInt: s},
		},
		{
			name: "initial above default max with max unset is capped at 10s",
			b:    reconnect.Backoff{Initial: time.Minute},
			want: map[int]time.Duration{1: 10 * s, 2: 10 * s},
		},
		{
			name: "largest possible max does not overflow",
			b:    reconnect.Backoff{Initial: 1, Max: math.MaxInt64},
			want: map[int]time.Duration{1: 1, 2: 2, 63: 1 << 62, 64: math.MaxInt64, 65: math.MaxInt64, math.MaxInt: math.MaxInt64},
		},
		{
			name: "huge multiplier saturates",
			b:    reconnect.Backoff{Initial: ms, Max: time.Hour, Multiplier: math.MaxFloat64},
			want: map[int]time.Duration{1: ms, 2: time.Hour, 3: time.Hour},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for attempt, want := range tc.want {
				for _, j := range []reconnect.Jitter{reconnect.NoJitter, reconnect.FullJitter, reconnect.EqualJitter, 200} {
					b := tc.b
					b.Jitter = j
					b.Rand = maxRand() // jitter at its top returns the curve
					got, ok := b.Next(attempt)
					require.True(t, ok)
					w := want
					if j == reconnect.FullJitter && w == math.MaxInt64 {
						w-- // the only value a full-jitter draw cannot reach
					}
					require.Equal(t, w, got, "attempt %d, jitter %d", attempt, j)
				}
			}
		})
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	// Exact values with a fake source: the draw range and the offset.
	b := reconnect.Backoff{Initial: 100 * ms, Max: 10 * s, Jitter: reconnect.EqualJitter}
	r := zeroRand()
	b.Rand = r
	d, _ := b.Next(3) // curve 400ms
	require.Equal(t, 200*ms, d)
	require.Equal(t, []int64{int64(200*ms) + 1}, r.Calls(), "draws from [0, d-d/2] inclusive")

	b.Jitter = reconnect.FullJitter
	r = halfRand()
	b.Rand = r
	d, _ = b.Next(3)
	require.Equal(t, time.Duration((400*ms+1)/2), d)
	require.Equal(t, []int64{int64(400*ms) + 1}, r.Calls(), "draws from [0, d] inclusive")
}

func TestBackoffNoJitterNeverDraws(t *testing.T) {
	r := &fixedRand{f: func(int64) int64 { panic("NoJitter must not draw") }}
	b := reconnect.Backoff{Jitter: reconnect.NoJitter, Rand: r}
	for n := 1; n < 100; n++ {
		_, ok := b.Next(n)
		require.True(t, ok)
	}
	require.Empty(t, r.Calls())
}

// TestBackoffProperties checks random configurations against the invariants
// every Backoff must keep, whatever its fields.
func TestBackoffProperties(t *testing.T) {
	src := rand.New(rand.NewPCG(1, 2))
	durations := []time.Duration{math.MinInt64, -1, 0, 1, 2, 3, ms, 100 * ms, s, 10 * s, time.Hour, math.MaxInt64 / 3, math.MaxInt64 - 1, math.MaxInt64}
	mults := []float64{math.NaN(), math.Inf(-1), -1, 0, 0.5, 1, 1.0000001, 1.1, 1.5, 2, 3, 10, 1e300, math.Inf(1)}
	attempts := []int{math.MinInt, -1, 0, 1, 2, 3, 10, 31, 62, 63, 64, 65, 100, 1000, 1 << 40, math.MaxInt - 1, math.MaxInt}
	pick := func(ds []time.Duration) time.Duration {
		if src.IntN(3) == 0 {
			return time.Duration(src.Int64())
		}
		return ds[src.IntN(len(ds))]
	}
	for range 2000 {
		curve := reconnect.Backoff{
			Initial:    pick(durations),
			Max:        pick(durations),
			Multiplier: mults[src.IntN(len(mults))],
		}
		capMax := curve.Max
		if capMax <= 0 {
			capMax = reconnect.DefaultMax
		}
		full, equal := curve, curve
		full.Jitter, full.Rand = reconnect.FullJitter, src
		equal.Jitter, equal.Rand = reconnect.EqualJitter, src

		prev := time.Duration(0)
		for _, n := range attempts {
			d, ok := curve.Next(n)
			if !ok || d < prev || d > capMax {
				t.Fatalf("%+v attempt %d: curve %v, %v; want in [%v (previous), %v (Max)]", curve, n, d, ok, prev, capMax)
			}
			prev = d
			if fd, ok := full.Next(n); !ok || fd < 0 || fd > d {
				t.Fatalf("%+v attempt %d: full jitter %v, %v; want in [0, %v]", curve, n, fd, ok, d)
			}
			if ed, ok := equal.Next(n); !ok || ed < d/2 || ed > d {
				t.Fatalf("%+v attempt %d: equal jitter %v, %v; want in [%v, %v]", curve, n, ed, ok, d/2, d)
			}
		}
		if curve.Multiplier != 1 {
			require.Equal(t, capMax, prev, "%+v: the curve reaches Max at math.MaxInt", curve)
		}
	}
}

func TestBackoffMonotoneDense(t *testing.T) {
	// Every attempt up to the cap, for growth factors whose powers are
	// inexact in binary, must not decrease.
	for _, m := range []float64{1.0000001, 1.01, 1.1, 1.3, 1.5, 1.7, 2.5, 3, math.Pi} {
		b := reconnect.Backoff{Initial: 7, Max: math.MaxInt64, Multiplier: m}
		prev := time.Duration(0)
		// 1.0000001 needs ~4e8 attempts to saturate; a prefix suffices.
		for n := 1; prev < math.MaxInt64 && n <= 100_000; n++ {
			d, _ := b.Next(n)
			if d < prev {
				t.Fatalf("multiplier %v attempt %d: %v after %v", m, n, d, prev)
			}
			prev = d
		}
	}
}

func TestBackoffBrokenRandIsClamped(t *testing.T) {
	for _, v := range []int64{math.MinInt64, -1, math.MaxInt64} {
		for _, j := range []reconnect.Jitter{reconnect.FullJitter, reconnect.EqualJitter} {
			b := reconnect.Backoff{Initial: s, Max: s, Jitter: j, Rand: constRand(v)}
			d, ok := b.Next(1)
			require.True(t, ok)
			lo := time.Duration(0)
			if j == reconnect.EqualJitter {
				lo = s / 2
			}
			require.GreaterOrEqual(t, d, lo, "rand %d jitter %d", v, j)
			require.LessOrEqual(t, d, s, "rand %d jitter %d", v, j)
		}
	}
}

func TestBackoffDefaultRand(t *testing.T) {
	// The nil Rand (math/rand/v2) stays within bounds, varies, and is safe to
	// share between goroutines (run with -race).
	b := reconnect.DefaultBackoff()
	var wg sync.WaitGroup
	seen := make([]map[time.Duration]bool, 8)
	for g := range seen {
		seen[g] = map[time.Duration]bool{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				d, ok := b.Next(20)
				if !ok || d < 0 || d > 10*s {
					panic("out of bounds")
				}
				seen[g][d] = true
			}
		}()
	}
	wg.Wait()
	for _, m := range seen {
		require.Greater(t, len(m), 1, "full jitter must vary")
	}
}

func TestBackoffDoesNotAllocate(t *testing.T) {
	var p reconnect.Policy = reconnect.DefaultBackoff()
	allocs := testing.AllocsPerRun(100, func() { p.Next(5) })
	require.Zero(t, allocs)
}

func FuzzBackoff(f *testing.F) {
	f.Add(int64(100*ms), int64(10*s), 2.0, 5, uint8(1), int64(0))
	f.Add(int64(1), int64(math.MaxInt64), 1.5, math.MaxInt, uint8(2), int64(-1))
	f.Add(int64(-1), int64(0), math.NaN(), -1, uint8(0), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, initial, maxDelay int64, mult float64, attempt int, jitter uint8, draw int64) {
		b := reconnect.Backoff{
			Initial:    time.Duration(initial),
			Max:        time.Duration(maxDelay),
			Multiplier: mult,
			Jitter:     reconnect.Jitter(jitter),
			Rand:       constRand(draw),
		}
		capMax := b.Max
		if capMax <= 0 {
			capMax = reconnect.DefaultMax
		}
		d, ok := b.Next(attempt)
		if !ok || d < 0 || d > capMax {
			t.Fatalf("%+v attempt %d: got %v, %v", b, attempt, d, ok)
		}
	})
}
