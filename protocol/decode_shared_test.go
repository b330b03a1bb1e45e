package protocol

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// inside reports whether s's bytes lie within b's.
func inside(s string, b []byte) bool {
	if len(s) == 0 || len(b) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return p >= lo && p < lo+uintptr(len(b))
}

type sharedRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Data     string
	Tag      string
}

// TestDecodeShared checks which strings DecodeShared aliases: those of
// more than 256 bytes taking at least half of the value, in a struct, in
// a slice of structs and into a *string; never shorter ones, never with
// Decode.
func TestDecodeShared(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	row, err := AppendValue(nil, []any{7, big, "tag"})
	require.NoError(t, err)

	var r sharedRow
	require.NoError(t, DecodeShared(row, &r))
	require.Equal(t, sharedRow{ID: 7, Data: big, Tag: "tag"}, r)
	require.True(t, inside(r.Data, row), "the big string aliases the value")
	require.False(t, inside(r.Tag, row), "a short string is copied")

	r = sharedRow{}
	require.NoError(t, Decode(row, &r))
	require.Equal(t, big, r.Data)
	require.False(t, inside(r.Data, row), "Decode never aliases")

	rows, err := AppendValue(nil, []any{[]any{7, big, "tag"}})
	require.NoError(t, err)
	var rs []sharedRow
	require.NoError(t, DecodeShared(rows, &rs))
	require.Len(t, rs, 1)
	require.True(t, inside(rs[0].Data, rows))
	require.Equal(t, "tag", rs[0].Tag)

	str, err := AppendValue(nil, big)
	require.NoError(t, err)
	var s string
	require.NoError(t, DecodeShared(str, &s))
	require.Equal(t, big, s)
	require.True(t, inside(s, str))

	// Two strings of 600 bytes: neither takes half of the value.
	half := strings.Repeat("h", 600)
	two, err := AppendValue(nil, []any{1, half, half})
	require.NoError(t, err)
	r = sharedRow{}
	require.NoError(t, DecodeShared(two, &r))
	require.False(t, inside(r.Data, two))
	require.False(t, inside(r.Tag, two))
}

// TestDecodeIntoString checks the *string fast path against the library's
// rules: str and bin decode, nil is "", anything else is an error.
func TestDecodeIntoString(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{{"hello", "hello"}, {[]byte("bin"), "bin"}, {nil, ""}, {"", ""}} {
		b, err := AppendValue(nil, tc.in)
		require.NoError(t, err)
		s := "old"
		require.NoError(t, Decode(b, &s))
		require.Equal(t, tc.want, s)
		s = "old"
		require.NoError(t, DecodeShared(b, &s))
		require.Equal(t, tc.want, s)
	}
	b, err := AppendValue(nil, 42)
	require.NoError(t, err)
	var s string
	var ue *UnmarshalError
	require.ErrorAs(t, Decode(b, &s), &ue)
	require.ErrorAs(t, DecodeShared(b, &s), &ue)
	var nilp *string
	require.Error(t, Decode(b, nilp))
}
