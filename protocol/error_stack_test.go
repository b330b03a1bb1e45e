package protocol

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDecodeErrorRefusesHugeStack checks that a stack of a million empty
// frames (one byte each) is refused without allocating a frame for each.
func TestDecodeErrorRefusesHugeStack(t *testing.T) {
	const n = 1 << 20
	b := []byte{0x81, 0x00, 0xdd, 0x00, 0x10, 0x00, 0x00} // {stack: array32(n)}
	b = append(b, bytes.Repeat([]byte{0x80}, n)...)
	var err error
	requireAllocatesLittle(t, func() { _, err = DecodeError(b) })
	var me *MalformedError
	require.ErrorAs(t, err, &me)

	// At the limit it decodes.
	ok := []byte{0x81, 0x00, 0xdc, 0x01, 0x00}
	ok = append(ok, bytes.Repeat([]byte{0x80}, MaxErrorStack)...)
	e, err := DecodeError(ok)
	require.NoError(t, err)
	require.Len(t, e.Stack, MaxErrorStack)
}
