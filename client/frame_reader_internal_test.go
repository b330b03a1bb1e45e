package client

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBufferedFrameLengthAgreesWithReadFrameLength checks the shortcut for
// Tarantool's 5-byte prefix against the general prefix decoder: same
// length, prefix size and error for every prefix width, at, below and
// above the limit, with the default limit, and with the prefix cut short.
func TestBufferedFrameLengthAgreesWithReadFrameLength(t *testing.T) {
	inputs := [][]byte{
		{0xce, 0, 0, 0x10, 0x00},       // 4096 as uint32: at the limit
		{0xce, 0, 0, 0x10, 0x01},       // 4097: above it
		{0xce, 0, 0, 0, 0},             // an empty frame
		{0xce, 0x7f, 0xff, 0xff, 0xff}, // 2 GiB
		{0xce, 0, 0},                   // cut within the prefix
		{0xcf, 0, 0, 0, 0, 0, 0, 0x10, 0x00},
		{0xcd, 0x10, 0x00},
		{0x05},
		{0xc0, 0, 0, 0, 0}, // not an integer
	}
	for _, in := range inputs {
		for _, maxFrame := range []int{4096, 0, 1 << 31} {
			name := fmt.Sprintf("% x max %d", in, maxFrame)
			data := append(append([]byte(nil), in...), make([]byte, 16)...)
			if len(in) < 5 && in[0] == 0xce {
				data = in // the stream ends within the prefix
			}
			wantLen, wantPrefix, wantErr := readFrameLength(bufio.NewReader(bytes.NewReader(data)), maxFrame)
			br := bufio.NewReader(bytes.NewReader(data))
			_, _ = br.Peek(1) // fill the buffer, as the read loop has
			gotLen, gotPrefix, gotErr := bufferedFrameLength(br, maxFrame)
			require.Equal(t, wantLen, gotLen, name)
			require.Equal(t, wantPrefix, gotPrefix, name)
			require.Equal(t, fmt.Sprint(wantErr), fmt.Sprint(gotErr), name)
		}
	}
}
