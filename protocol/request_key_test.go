package protocol

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScalarKeyIsOnePartKey checks that a scalar key encodes exactly like
// the one-element array it stands for, in every request with a key, and
// that whole keys and nil are sent as they are.
func TestScalarKeyIsOnePartKey(t *testing.T) {
	type pair struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		A, B     uint64
	}
	uuid, err := ParseUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	require.NoError(t, err)
	cases := []struct {
		key, same any
	}{
		{uint64(7_000_001), []any{uint64(7_000_001)}},
		{-5, []any{-5}},
		{"name", []any{"name"}},
		{[]byte{1, 2}, []any{[]byte{1, 2}}},
		{true, []any{true}},
		{3.5, []any{3.5}},
		{uuid, []any{uuid}},
		{nil, []any{}},
		{[]uint64{1, 2}, []any{uint64(1), uint64(2)}},
		{[2]any{"a", 1}, []any{"a", 1}},
		{pair{A: 1, B: 2}, []any{1, 2}},
		{RawMsgpack{0x92, 0x01, 0x02}, []any{1, 2}},
	}
	for _, c := range cases {
		requests := func(key any) []Request {
			return []Request{
				Select{Space: 512, Key: key},
				Delete{Space: 512, Key: key},
				Update{Space: 512, Key: key, Ops: []Op{OpAssign(2, "x")}},
			}
		}
		got, want := requests(c.key), requests(c.same)
		if c.key == nil {
			got, want = got[:1], want[:1] // Delete and Update refuse nil (see below)
		}
		for i := range got {
			gb, err := AppendFrame(nil, Header{Sync: 1}, got[i])
			require.NoError(t, err, "%T key %#v", got[i], c.key)
			wb, err := AppendFrame(nil, Header{Sync: 1}, want[i])
			require.NoError(t, err)
			require.Equal(t, wb, gb, "%T key %#v", got[i], c.key)
		}
	}
}

// TestScalarKeyEncodeErrorLeavesBufferUnchanged checks that a key that
// cannot be encoded fails without writing anything.
func TestScalarKeyEncodeErrorLeavesBufferUnchanged(t *testing.T) {
	dst := []byte{0xAA}
	out, err := Select{Space: 512, Key: make(chan int)}.AppendBody(dst)
	require.Error(t, err)
	require.Equal(t, []byte{0xAA}, out)
}

func BenchmarkAppendSelectScalarKey(b *testing.B) {
	benchmarkAppend(b, &Select{Space: 512, Limit: 1, Key: uint64(7_000_001)})
}

// TestNilKeyRefusedForDeleteAndUpdate checks that Delete and Update with a
// nil key fail with ErrNilKey without writing anything, while a nil Select
// key stays the empty key.
func TestNilKeyRefusedForDeleteAndUpdate(t *testing.T) {
	for _, r := range []Request{
		Delete{Space: 512},
		Update{Space: 512, Ops: []Op{OpAssign(2, "x")}},
	} {
		dst := []byte{0xAA}
		out, err := AppendFrame(dst, Header{Sync: 1}, r)
		require.ErrorIs(t, err, ErrNilKey, "%T", r)
		require.Equal(t, []byte{0xAA}, out, "%T", r)
	}
	_, err := AppendFrame(nil, Header{Sync: 1}, Select{Space: 512})
	require.NoError(t, err)
}
