//go:build !race

package protocol

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The race detector adds allocations, so these checks run without it.

func TestAppendFrameZeroAllocs(t *testing.T) {
	buf := make([]byte, 0, 512)
	for _, br := range benchRequests {
		r := br.r
		allocs := testing.AllocsPerRun(100, func() {
			var err error
			buf, err = AppendFrame(buf[:0], Header{Sync: 1, SchemaVersion: 2, StreamID: 3}, r)
			if err != nil {
				panic(err)
			}
		})
		require.Zero(t, allocs, br.name)
	}
	salt := make([]byte, 32)
	allocs := testing.AllocsPerRun(100, func() { buf, _ = AppendScramble(buf[:0], salt, "a rather long password of more than thirty-two bytes") })
	require.Zero(t, allocs, "AppendScramble")
	var ext any = []any{MustParseDecimal("-12.34"), UUID{1}, time.Unix(1, 2)} // boxed once, outside the loop
	allocs = testing.AllocsPerRun(100, func() { buf, _ = AppendValue(buf[:0], ext) })
	require.Zero(t, allocs, "extensions")
}

func TestDecodeZeroAllocs(t *testing.T) {
	frame := readHexFile(t, "select_all.response.hex")
	allocs := testing.AllocsPerRun(100, func() {
		n, p, err := DecodeFrameLength(frame, 0)
		if err != nil {
			panic(err)
		}
		_, body, err := DecodeResponseHeader(frame[p : p+n])
		if err != nil {
			panic(err)
		}
		if _, err := DecodeBody(body); err != nil {
			panic(err)
		}
		if _, err := SkipValue(body); err != nil {
			panic(err)
		}
	})
	require.Zero(t, allocs)
}

// TestDecodeStructAllocs checks that the struct fast path allocates only
// the strings: one for a {uint64, string, uint64} tuple; for a slice of
// them decoded into reused capacity, one block shared by the rows'
// strings (see strArena).
func TestDecodeStructAllocs(t *testing.T) {
	one, err := AppendValue(nil, &sdTuple{ID: 7, Name: "hello", Count: 9})
	require.NoError(t, err)
	var row sdTuple
	allocs := testing.AllocsPerRun(100, func() {
		if err := Decode(one, &row); err != nil {
			panic(err)
		}
	})
	require.Equal(t, 1.0, allocs, "single struct")
	require.Equal(t, sdTuple{ID: 7, Name: "hello", Count: 9}, row)

	two, err := AppendValue(nil, []any{[]any{1, "first", 2}, map[string]any{"ID": 3, "Name": "second"}})
	require.NoError(t, err)
	rows := make([]sdTuple, 0, 2)
	allocs = testing.AllocsPerRun(100, func() {
		rows = rows[:0]
		if err := Decode(two, &rows); err != nil {
			panic(err)
		}
	})
	require.Equal(t, 1.0, allocs, "two rows")
	require.Equal(t, []sdTuple{{ID: 1, Name: "first", Count: 2}, {ID: 3, Name: "second"}}, rows)

	// Alternating target types (which replaces the last-type cache each
	// time) allocates nothing more than the strings.
	allocs = testing.AllocsPerRun(100, func() {
		rows = rows[:0]
		if err := Decode(one, &row); err != nil {
			panic(err)
		}
		if err := Decode(two, &rows); err != nil {
			panic(err)
		}
	})
	require.Equal(t, 2.0, allocs, "alternating types")
}

// TestDecodeSliceStringArena checks that 1,000 rows of short strings cost
// a few shared blocks (at most arenaBlock bytes each), that a long string
// gets its own allocation, and that every string is right.
func TestDecodeSliceStringArena(t *testing.T) {
	var in []any
	long := strings.Repeat("L", arenaMaxString+1)
	for i := range 1000 {
		in = append(in, []any{i, fmt.Sprintf("name-%04d", i), 5})
	}
	in = append(in, []any{1000, long, 6})
	b, err := AppendValue(nil, in)
	require.NoError(t, err)
	rows := make([]sdTuple, 0, len(in))
	allocs := testing.AllocsPerRun(20, func() {
		rows = rows[:0]
		if err := Decode(b, &rows); err != nil {
			panic(err)
		}
	})
	// 1,000 strings of 9 bytes: 9,000 bytes in blocks of 4 KiB (3 of
	// them), and the long string's own.
	require.LessOrEqual(t, allocs, 4.0)
	require.Len(t, rows, 1001)
	for i := range 1000 {
		require.Equal(t, sdTuple{ID: uint64(i), Name: fmt.Sprintf("name-%04d", i), Count: 5}, rows[i])
	}
	require.Equal(t, long, rows[1000].Name)
}

// TestDecodeValueArenaAllocs checks that decoding 1,000 tuples of eight
// fields into []any costs chunks, not one allocation per value (about
// 11,000 without the arena).
func TestDecodeValueArenaAllocs(t *testing.T) {
	b, err := AppendValue(nil, arenaTuples())
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(20, func() {
		if _, _, err := DecodeValue(b); err != nil {
			panic(err)
		}
	})
	require.Less(t, allocs, 200.0)
	t.Logf("%.0f allocations for 1,000 tuples", allocs)
}
