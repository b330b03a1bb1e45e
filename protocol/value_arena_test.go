package protocol

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// arenaTuples is 1,000 tuples of eight fields, strings and numbers of every
// width the arena boxes (small ints, large ints, a uint64 above MaxInt64).
func arenaTuples() []any {
	var in []any
	for i := range 1000 {
		in = append(in, []any{i, fmt.Sprintf("user-%d", i), fmt.Sprintf("user%d@example.com", i),
			"Lisbon", i % 90, int64(-i) * 1000, i%7 == 0, uint64(1<<63) + uint64(i)})
	}
	return in
}

// TestDecodeValueArenaValues checks that values from the arena are what
// separate allocations would be: equal, of the right dynamic types,
// usable as map keys, reflectable, and independent (appending to one
// array or assigning into it leaves its neighbours alone).
func TestDecodeValueArenaValues(t *testing.T) {
	b, err := AppendValue(nil, arenaTuples())
	require.NoError(t, err)
	v, rest, err := DecodeValue(b)
	require.NoError(t, err)
	require.Empty(t, rest)
	rows := v.([]any)
	require.Len(t, rows, 1000)
	for i, r := range rows {
		f := r.([]any)
		require.Len(t, f, 8)
		require.Equal(t, 8, cap(f), "capacity capped at the length")
		require.Equal(t, int64(i), f[0])
		require.Equal(t, fmt.Sprintf("user-%d", i), f[1])
		require.Equal(t, fmt.Sprintf("user%d@example.com", i), f[2])
		require.Equal(t, "Lisbon", f[3])
		require.Equal(t, int64(i%90), f[4])
		require.Equal(t, int64(-i)*1000, f[5])
		require.Equal(t, i%7 == 0, f[6])
		require.Equal(t, uint64(1<<63)+uint64(i), f[7])
		require.Equal(t, reflect.String, reflect.ValueOf(f[1]).Kind())
	}
	m := map[any]int{rows[5].([]any)[1]: 5, rows[5].([]any)[5]: 6}
	require.Equal(t, 5, m["user-5"])
	require.Equal(t, 6, m[int64(-5000)])

	first := rows[0].([]any)
	grown := append(first, "extra")
	grown[0] = "changed"
	require.Equal(t, int64(0), first[0])
	require.Equal(t, int64(1), rows[1].([]any)[0])
	first[1] = "mine"
	require.Equal(t, "user-1", rows[1].([]any)[1])
}

// TestDecodeValueEmptyArrays checks that empty arrays stay non-nil.
func TestDecodeValueEmptyArrays(t *testing.T) {
	b, err := AppendValue(nil, []any{[]any{}, []any{[]any{}}})
	require.NoError(t, err)
	v, _, err := DecodeValue(b)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{}, []any{[]any{}}}, v)
	require.NotNil(t, v.([]any)[0])
}
