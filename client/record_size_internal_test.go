package client

import (
	"testing"
	"unsafe"

	"github.com/txtarantool/txtarantool/protocol"
)

// TestRecordSizeClasses pins the request records within the allocation
// size classes they had before tracing was added (a call 328 bytes, in
// the 352-byte class; a select record 480, a call record 448): a field
// added to the call moves every command's allocation up a class, which
// the benchmarks' B/op would show. Tracing keeps its state in a pooled
// record (traced) for that reason.
func TestRecordSizeClasses(t *testing.T) {
	for _, c := range []struct {
		name      string
		size, max uintptr
	}{
		{"call", unsafe.Sizeof(call{}), 352},
		{"select record", unsafe.Sizeof(callWith[protocol.Select]{}), 480},
		{"call record", unsafe.Sizeof(argCall[protocol.Call]{}), 448},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, above its size class of %d", c.name, c.size, c.max)
		}
	}
}
