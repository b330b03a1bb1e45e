package wire

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/protocol"
)

// TestReadFrameRefusesLargeLengthWithoutAllocating feeds ReadFrame length
// prefixes far above the limit: it must fail with *FrameTooLargeError
// without allocating anything near the announced size.
func TestReadFrameRefusesLargeLengthWithoutAllocating(t *testing.T) {
	for _, prefix := range [][]byte{
		{0xce, 0x7f, 0xff, 0xff, 0xff},                         // 2 GiB as uint32
		{0xcf, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00}, // 1 TiB as uint64
		{0xcd, 0x10, 0x01},                                     // 4097 as uint16
	} {
		br := bufio.NewReaderSize(bytes.NewReader(append(prefix, make([]byte, 64)...)), 4096)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		frame, err := ReadFrame(br, 4096)
		runtime.ReadMemStats(&after)
		require.Nil(t, frame)
		var fe *protocol.FrameTooLargeError
		require.ErrorAs(t, err, &fe, "prefix % x", prefix)
		require.Equal(t, 4096, fe.Max)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "prefix % x", prefix)
	}

	// At the limit it reads the frame.
	br := bufio.NewReader(bytes.NewReader(append([]byte{0xcd, 0x10, 0x00}, make([]byte, 4096)...)))
	frame, err := ReadFrame(br, 4096)
	require.NoError(t, err)
	require.Len(t, frame, 4096)

	// A truncated frame is an unexpected EOF, not a clean one.
	br = bufio.NewReader(bytes.NewReader([]byte{0x05, 1, 2}))
	_, err = ReadFrame(br, 4096)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	br = bufio.NewReader(bytes.NewReader([]byte{0xce, 0, 0}))
	_, err = ReadFrame(br, 4096)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut within the length prefix")
	br = bufio.NewReader(bytes.NewReader(nil))
	_, err = ReadFrame(br, 4096)
	require.Equal(t, io.EOF, err, "between frames")
}

// TestCutHoles checks the removal of abandoned requests' frames from a
// batch about to be written.
func TestCutHoles(t *testing.T) {
	for _, tc := range []struct {
		in    string
		holes [][2]int
		want  string
	}{
		{"aabbcc", [][2]int{{2, 4}}, "aacc"},
		{"aabbcc", [][2]int{{0, 2}}, "bbcc"},
		{"aabbcc", [][2]int{{4, 6}}, "aabb"},
		{"aabbcc", [][2]int{{4, 6}, {0, 2}}, "bb"},
		{"aabbccdd", [][2]int{{6, 8}, {2, 4}}, "aacc"},
		{"aabbcc", [][2]int{{2, 4}, {0, 2}, {4, 6}}, ""},
		{"abc", [][2]int{{1, 2}}, "ac"},
	} {
		got := cutHoles([]byte(tc.in), tc.holes)
		require.Equal(t, tc.want, string(got), "%q minus %v", tc.in, tc.holes)
	}
}
