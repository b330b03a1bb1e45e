//go:build !race

package protocol

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The race detector adds allocations (and drops sync.Pool items), so
// these checks run without it.

// TestDecodeStructEvolutionAllocs checks that resizing costs the fast path
// no allocation, and the library path none beyond the library's own once
// its buffer pool is warm.
func TestDecodeStructEvolutionAllocs(t *testing.T) {
	type nums struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		A, B     uint64
		C        int32
	}
	for _, in := range [][]any{{1, 2, 3}, {1}, {1, 2, 3, "extra", []any{1, 2, map[string]any{"x": 1}}}} {
		b, err := AppendValue(nil, in)
		require.NoError(t, err)
		var v nums
		require.Zero(t, testing.AllocsPerRun(100, func() {
			if err := Decode(b, &v); err != nil {
				t.Fatal(err)
			}
		}), "%v", in)
	}
	exact, err := AppendValue(nil, []any{[]any{1, "a"}, []any{2, "b"}})
	require.NoError(t, err)
	long, err := AppendValue(nil, []any{[]any{1, "a", 3, "x"}, []any{2, "b", 4}})
	require.NoError(t, err)
	allocs := func(b []byte) float64 {
		return testing.AllocsPerRun(100, func() {
			var h []*evInner
			if err := Decode(b, &h); err != nil {
				t.Fatal(err)
			}
		})
	}
	require.Equal(t, allocs(exact), allocs(long), "a rewrite must not allocate once the pool is warm")
}
