package protocol

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

func TestWatchRequests(t *testing.T) {
	// {0x57: "box.status"}
	want := "8157aa626f782e737461747573"
	for _, r := range []Request{Watch{Key: "box.status"}, Unwatch{Key: "box.status"}, WatchOnce{Key: "box.status"}} {
		require.Equal(t, want, bodyHex(t, r), "%T", r)
	}
	require.Equal(t, iproto.IPROTO_WATCH, Watch{}.Type())
	require.Equal(t, iproto.IPROTO_UNWATCH, Unwatch{}.Type())
	require.Equal(t, iproto.IPROTO_WATCH_ONCE, WatchOnce{}.Type())
}

func TestDecodeEventBody(t *testing.T) {
	// {0x57: "k", 0x58: [1, "a"]}
	b, _ := hex.DecodeString("8257a16b589201a161")
	ev, err := DecodeEventBody(b)
	require.NoError(t, err)
	require.Equal(t, "k", string(ev.Key))
	require.Equal(t, "9201a161", hex.EncodeToString(ev.Data))

	// No data: the key has no value.
	b, _ = hex.DecodeString("8157a16b")
	ev, err = DecodeEventBody(b)
	require.NoError(t, err)
	require.Equal(t, "k", string(ev.Key))
	require.Nil(t, ev.Data)

	// An unknown key is skipped.
	b, _ = hex.DecodeString("82059101" + "57a16b")
	ev, err = DecodeEventBody(b)
	require.NoError(t, err)
	require.Equal(t, "k", string(ev.Key))

	for _, bad := range []string{"", "80", "8158c0", "8157c0", "8257a16b5892", "91", "8257a16b58"} {
		b, _ := hex.DecodeString(bad)
		_, err := DecodeEventBody(b)
		var m *MalformedError
		require.ErrorAs(t, err, &m, "body %s", bad)
	}
}

func TestDecodeEventBodyZeroAllocs(t *testing.T) {
	b, _ := hex.DecodeString("8257a16b589201a161")
	n := testing.AllocsPerRun(100, func() { _, _ = DecodeEventBody(b) })
	require.Zero(t, n)
}

// FuzzEventBody checks that DecodeEventBody never panics, gives typed
// errors and returns sub-slices of its input.
func FuzzEventBody(f *testing.F) {
	for _, s := range []string{"8257a16b589201a161", "8157a16b", "82059101" + "57a16b", "8158c0"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := DecodeEventBody(b)
		if err != nil {
			checkMalformed(t, err, len(b))
			return
		}
		if ev.Data != nil {
			if _, rest, err := DecodeValue(ev.Data); err == nil && len(rest) != 0 {
				t.Fatal("IPROTO_EVENT_DATA sub-slice holds more than one value")
			}
		}
	})
}
