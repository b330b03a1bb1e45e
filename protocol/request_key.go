package protocol

import (
	"reflect"

	"github.com/tarantool/go-iproto"
)

// appendKeyKV appends IPROTO_KEY and key as an index key, which Tarantool
// wants as an array: nil is the empty key, a value that encodes to an
// array (slice, array, struct, pre-encoded msgpack) is sent as it is, and a
// single scalar (number, string, bool, UUID, Decimal, []byte, ...) is sent
// as a one-part key, wrapped without allocating. On error it returns dst
// unchanged.
func appendKeyKV(dst []byte, key any) ([]byte, error) {
	if key == nil || !isScalarKey(key) {
		return appendKV(dst, iproto.IPROTO_KEY, key)
	}
	out := append(AppendUint(dst, uint64(iproto.IPROTO_KEY)), 0x91)
	out, err := appendValue(out, key, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// isScalarKey reports whether key is a single value rather than a whole
// key: anything but a slice, array, struct, pointer, map (sent as they are)
// or pre-encoded msgpack. []byte is a scalar (a varbinary key part).
func isScalarKey(key any) bool {
	switch key.(type) {
	case string, int, int64, uint64, uint32, int32, uint, uint16, int16, uint8, int8, float64, float32, bool, UUID, Decimal, []byte:
		return true
	case []any, RawMsgpack, []string, []int, []int64, []uint64:
		return false
	}
	switch reflect.TypeOf(key).Kind() {
	case reflect.Slice, reflect.Array, reflect.Struct, reflect.Pointer, reflect.Map:
		return false
	}
	return true
}
