package protocol

import (
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

func TestDecodeFrameLength(t *testing.T) {
	tests := []struct {
		in        string
		max       int
		length    int
		prefixLen int
	}{
		{"ce00000015", 0, 0x15, 5},
		{"ce0000001582", 0, 0x15, 5},
		{"05", 0, 5, 1},
		{"00", 0, 0, 1},
		{"cc80", 0, 128, 2},
		{"cd0100", 0, 256, 3},
		{"cf0000000000000100", 0, 256, 9},
		{"ce04000000", 0, DefaultMaxFrameSize, 5},
		{"cd0100", 256, 256, 3},
	}
	for _, tt := range tests {
		n, p, err := DecodeFrameLength(mustHex(t, tt.in), tt.max)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.length, n, tt.in)
		require.Equal(t, tt.prefixLen, p, tt.in)
	}

	for _, in := range []string{"", "ce", "ce000000", "cc", "cd01", "cf00000000000001"} {
		_, _, err := DecodeFrameLength(mustHex(t, in), 0)
		require.ErrorIs(t, err, ErrShortBuffer, in)
	}

	for _, tt := range []struct {
		in   string
		max  int
		size uint64
	}{
		{"ce04000001", 0, DefaultMaxFrameSize + 1},
		{"cd0101", 256, 257},
		{"cfffffffffffffffff", 0, math.MaxUint64},
		{"cf8000000000000000", math.MaxInt, 1 << 63},
	} {
		_, _, err := DecodeFrameLength(mustHex(t, tt.in), tt.max)
		var fe *FrameTooLargeError
		require.ErrorAs(t, err, &fe, tt.in)
		require.Equal(t, tt.size, fe.Size)
		require.True(t, strings.HasPrefix(err.Error(), "protocol: frame of "))
	}

	for _, in := range []string{"ff", "d000", "c0", "a1", "90", "d300000000000000"} {
		_, _, err := DecodeFrameLength(mustHex(t, in), 0)
		var me *MalformedError
		require.ErrorAs(t, err, &me, in)
		require.Equal(t, 0, me.Offset)
	}
}

func TestAppendHeader(t *testing.T) {
	tests := []struct {
		h    Header
		want string
	}{
		{Header{Sync: 7}, "82" + "0040" + "0107"},
		{Header{Sync: 300, SchemaVersion: 83}, "83" + "0040" + "01cd012c" + "0553"},
		{Header{Sync: 1 << 40, StreamID: 5}, "83" + "0040" + "01cf0000010000000000" + "0a05"},
		{Header{Sync: 0, SchemaVersion: 1, StreamID: 2}, "84" + "0040" + "0100" + "0501" + "0a02"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, hex.EncodeToString(AppendHeader(nil, tt.h, iproto.IPROTO_PING)))
	}
}

type failingRequest struct{ partial bool }

func (failingRequest) Type() iproto.Type { return iproto.IPROTO_CALL }

func (r failingRequest) AppendBody(dst []byte) ([]byte, error) {
	if r.partial {
		// A misbehaving body encoder that writes before failing.
		return append(dst, 1, 2, 3), errors.New("boom")
	}
	return dst, errors.New("boom")
}

func TestAppendFrameErrorLeavesDstUnchanged(t *testing.T) {
	dst := make([]byte, 2, 64)
	dst[0], dst[1] = 0xaa, 0xbb
	for _, r := range []Request{
		failingRequest{}, failingRequest{partial: true},
		Insert{Space: 1, Tuple: []any{make(chan int)}},
		Select{Key: func() {}},
		Update{Key: []any{1}, Ops: []Op{{Code: '?', Field: 1}}},
		Update{Key: []any{1}, Ops: []Op{OpAssign(1, make(chan int))}},
		Upsert{Tuple: []any{1}, Ops: []Op{OpAnd(1, -1)}},
		Upsert{Tuple: complex(1, 1)},
		Call{Function: "f", Args: []any{func() {}}},
		Execute{SQL: "x", Args: []any{make(chan int)}},
		Delete{Key: complex64(1)},
	} {
		out, err := AppendFrame(dst, Header{Sync: 1}, r)
		require.Error(t, err, "%#v", r)
		require.Equal(t, []byte{0xaa, 0xbb}, out, "%#v", r)
		require.Equal(t, 2, len(out))
	}
}

func TestAppendFramePrefix(t *testing.T) {
	out, err := AppendFrame([]byte{0xff}, Header{Sync: 1}, &Ping{})
	require.NoError(t, err)
	require.Equal(t, "ff"+"ce00000005"+"8200400101", hex.EncodeToString(out))
	n, p, err := DecodeFrameLength(out[1:], 0)
	require.NoError(t, err)
	require.Equal(t, 5, n)
	require.Equal(t, 5, p)
}
