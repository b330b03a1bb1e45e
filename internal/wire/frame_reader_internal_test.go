package wire

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/protocol"
)

// TestReadFrameLengthAgreesWithDecodeFrameLength checks readFrameLength,
// which reads a buffered prefix in one Peek, against
// protocol.DecodeFrameLength: same length, prefix size and error for every
// prefix width, at, below and above the limit and with the default limit.
// (TestReadFrameRefusesLargeLengthWithoutAllocating covers a stream ending
// within the prefix.)
func TestReadFrameLengthAgreesWithDecodeFrameLength(t *testing.T) {
	inputs := [][]byte{
		{0xce, 0, 0, 0x10, 0x00},       // 4096 as uint32: at the limit
		{0xce, 0, 0, 0x10, 0x01},       // 4097: above it
		{0xce, 0, 0, 0, 0},             // an empty frame
		{0xce, 0x7f, 0xff, 0xff, 0xff}, // 2 GiB
		{0xcf, 0, 0, 0, 0, 0, 0, 0x10, 0x00},
		{0xcd, 0x10, 0x00},
		{0x05},
		{0xc0, 0, 0, 0, 0}, // not an integer
	}
	for _, in := range inputs {
		for _, maxFrame := range []int{4096, 0, 1 << 31} {
			name := fmt.Sprintf("% x max %d", in, maxFrame)
			wantLen, wantPrefix, wantErr := protocol.DecodeFrameLength(in, maxFrame)
			br := bufio.NewReader(bytes.NewReader(append(append([]byte(nil), in...), make([]byte, 16)...)))
			_, _ = br.Peek(1) // fill the buffer, as the read loop has
			gotLen, gotPrefix, gotErr := readFrameLength(br, maxFrame)
			if wantErr != nil {
				wantLen, wantPrefix = 0, 0
			}
			require.Equal(t, wantLen, gotLen, name)
			require.Equal(t, wantPrefix, gotPrefix, name)
			require.Equal(t, fmt.Sprint(wantErr), fmt.Sprint(gotErr), name)
		}
	}
}
