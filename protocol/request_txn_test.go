package protocol

import (
	"encoding/hex"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

// TestTxnRequestFrames pins the exact frames of BEGIN, COMMIT and ROLLBACK
// in a stream, written from Tarantool's IPROTO documentation: type 14, 15
// and 16, IPROTO_STREAM_ID (0x0a) in the header, IPROTO_TIMEOUT (0x56, a
// double) and IPROTO_TXN_ISOLATION (0x59) in BEGIN's body, IPROTO_IS_SYNC
// (0x61, MP_BOOL true) in BEGIN's and COMMIT's (Tarantool 3.2's xrow.c).
func TestTxnRequestFrames(t *testing.T) {
	h := Header{Sync: 7, StreamID: 3}
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"begin", Begin{}, "ce00000008" + "83000e01070a03" + "80"},
		{"begin_isolation", Begin{Isolation: IsolationReadCommitted}, "ce0000000a" + "83000e01070a03" + "81" + "5901"},
		{"begin_timeout", Begin{Timeout: 1.5}, "ce00000012" + "83000e01070a03" + "81" + "56cb3ff8000000000000"},
		{"begin_both", Begin{Timeout: 2, Isolation: IsolationLinearizable}, "ce00000014" + "83000e01070a03" + "82" + "56cb4000000000000000" + "5904"},
		{"begin_sync", Begin{IsSync: true}, "ce0000000a" + "83000e01070a03" + "81" + "61c3"},
		{"begin_all", Begin{Timeout: 2, Isolation: IsolationReadCommitted, IsSync: true}, "ce00000016" + "83000e01070a03" + "83" + "56cb4000000000000000" + "5901" + "61c3"},
		{"commit", Commit{}, "ce00000007" + "83000f01070a03"},
		{"commit_sync", Commit{IsSync: true}, "ce0000000a" + "83000f01070a03" + "81" + "61c3"},
		{"rollback", Rollback{}, "ce00000007" + "83001001070a03"},
	}
	for _, tt := range tests {
		got, err := AppendFrame(nil, h, tt.req)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, hex.EncodeToString(got), tt.name)
	}
	require.Equal(t, iproto.IPROTO_BEGIN, Begin{}.Type())
	require.Equal(t, iproto.IPROTO_COMMIT, Commit{}.Type())
	require.Equal(t, iproto.IPROTO_ROLLBACK, Rollback{}.Type())
}

func TestBeginBadTimeout(t *testing.T) {
	for _, d := range []float64{-1, math.NaN(), math.Inf(1)} {
		out, err := Begin{Timeout: d}.AppendBody([]byte{1})
		var ue *UnsupportedTypeError
		require.ErrorAs(t, err, &ue, d)
		require.Equal(t, []byte{1}, out)
	}
}
