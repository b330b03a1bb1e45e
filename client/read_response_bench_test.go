package client

import (
	"bufio"
	"encoding/binary"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
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
// them (a fixed-size header: uint32 code, uint64 sync, uint32 schema
// version), each with body.
func benchFrames(count int, body []byte) []byte {
	var out []byte
	for i := range count {
		out = binary.BigEndian.AppendUint32(append(out, 0xce), uint32(23+len(body)))
		out = append(out, 0x83, 0x00, 0xce, 0, 0, 0, 0, 0x01, 0xcf)
		out = binary.BigEndian.AppendUint64(out, uint64(i+1))
		out = append(out, 0x05, 0xce, 0, 0, 0, 80)
		out = append(out, body...)
	}
	return out
}

func BenchmarkReadResponsePing(b *testing.B) {
	data := benchFrames(4096, nil)
	br := bufio.NewReaderSize(&repeatingReader{data: data}, readBufferSize)
	var slab bodySlab
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := readResponse(br, 1<<20, &slab); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadResponseCall(b *testing.B) {
	body, _ := msgpack.Marshal(map[int]any{0x30: []any{uint64(4242), "name-4242", int64(-17)}})
	data := benchFrames(4096, body)
	br := bufio.NewReaderSize(&repeatingReader{data: data}, readBufferSize)
	var slab bodySlab
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := readResponse(br, 1<<20, &slab); err != nil {
			b.Fatal(err)
		}
	}
}
