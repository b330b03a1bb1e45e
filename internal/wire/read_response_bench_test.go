package wire

import (
	"bufio"
	"encoding/binary"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/txtarantool/txtarantool/internal/fakeiproto"
)

// repeatingReader serves data over and over, like a socket that always has
// responses buffered.
type repeatingReader struct {
	data []byte
	off  int
}

func (r *repeatingReader) Read(p []byte) (int, error) {
	n := copy(p, r.data[r.off:])
	r.off = (r.off + n) % len(r.data)
	return n, nil
}

// benchFrames returns count response frames laid out as Tarantool writes
// them: the header in its fixed layout (uint32 code, uint64 sync, uint32
// schema version), each with body.
func benchFrames(count int, body []byte) []byte {
	var out []byte
	for i := range count {
		header := []byte{0x83, 0x00, 0xce, 0, 0, 0, 0, 0x01, 0xcf}
		header = binary.BigEndian.AppendUint64(header, uint64(i+1))
		header = append(header, 0x05, 0xce, 0, 0, 0, 80)
		out = append(out, fakeiproto.Frame(header, body)...)
	}
	return out
}

// BenchmarkReadResponsePing reads ping responses (no body) off a buffer
// that always holds more.
func BenchmarkReadResponsePing(b *testing.B) { benchmarkReadResponse(b, nil) }

// BenchmarkReadResponseCall reads responses to a call returning three
// values, copying each body into the slab as the read loop does.
func BenchmarkReadResponseCall(b *testing.B) {
	body, err := msgpack.Marshal(map[int]any{0x30: []any{uint64(4242), "name-4242", int64(-17)}})
	if err != nil {
		b.Fatal(err)
	}
	benchmarkReadResponse(b, body)
}

// benchmarkReadResponse runs ReadResponse over frames that each carry body.
func benchmarkReadResponse(b *testing.B, body []byte) {
	br := bufio.NewReaderSize(&repeatingReader{data: benchFrames(4096, body)}, ReadBufferSize)
	var slab BodySlab
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := ReadResponse(br, 1<<20, &slab); err != nil {
			b.Fatal(err)
		}
	}
}
