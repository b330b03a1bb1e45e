package protocol_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// TestDecodeIDBody decodes what an ID request encodes (a server answers
// with the same keys), an empty body, unknown keys, and malformed input.
func TestDecodeIDBody(t *testing.T) {
	want := protocol.ID{Version: 6, Features: []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_ERROR_EXTENSION, 99}, AuthType: "chap-sha1"}
	body, err := want.AppendBody(nil)
	require.NoError(t, err)
	got, err := protocol.DecodeIDBody(body)
	require.NoError(t, err)
	require.Equal(t, want, got)

	got, err = protocol.DecodeIDBody(nil)
	require.NoError(t, err)
	require.Zero(t, got)

	// {0x54: 3, 0x77: "x", 0x55: []}: an unknown key is skipped, an
	// empty feature list is empty.
	got, err = protocol.DecodeIDBody([]byte{0x83, 0x54, 0x03, 0x77, 0xa1, 'x', 0x55, 0x90})
	require.NoError(t, err)
	require.Equal(t, protocol.ID{Version: 3, Features: []iproto.Feature{}}, got)

	for name, b := range map[string][]byte{
		"not a map":          {0x91, 0x00},
		"features not array": {0x81, 0x55, 0x01},
		"feature negative":   {0x81, 0x55, 0x91, 0xff},
		"feature too large":  {0x81, 0x55, 0x91, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0},
		"version a string":   {0x81, 0x54, 0xa1, '1'},
		"auth type a number": {0x81, 0x5b, 0x01},
		"truncated":          {0x82, 0x54, 0x01},
		"array too long":     {0x81, 0x55, 0xdd, 0xff, 0xff, 0xff, 0xff},
	} {
		_, err := protocol.DecodeIDBody(b)
		var me *protocol.MalformedError
		require.ErrorAs(t, err, &me, name)
	}
}
