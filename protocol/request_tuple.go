package protocol

import (
	"errors"
	"reflect"

	"github.com/tarantool/go-iproto"
)

// ErrNilTuple is returned when encoding an Insert, Replace or Upsert whose
// Tuple is nil, or a CheckedTuple holding nil: a tuple is an array of
// fields, and the request is refused instead of sent.
var ErrNilTuple = errors.New("protocol: nil tuple (a tuple is an array of fields: a slice, an array or an as_array struct)")

// NotArrayError reports a tuple that does not encode to a MessagePack
// array (a scalar, a map, a struct without the as_array tag, ...), which
// Tarantool would refuse with ER_INVALID_MSGPACK or ER_TUPLE_NOT_ARRAY.
type NotArrayError struct {
	// Type is the Go type of the tuple.
	Type reflect.Type
	// Got is the MessagePack type it encoded to: "map", "string", ...
	Got string
}

// Error names the Go type and what it encoded to. It allocates.
func (e *NotArrayError) Error() string {
	return "protocol: a tuple must encode to a MessagePack array; " + e.Type.String() + " encodes to a " + e.Got +
		" (use a slice, an array or a struct tagged `msgpack:\",as_array\"`)"
}

// CheckedTuple is a value that must encode as a tuple: AppendValue encodes
// Value as it would on its own, and fails with ErrNilTuple or
// *NotArrayError unless that is a MessagePack array. It lets a tuple passed
// among the arguments of a Call or Eval be checked as Insert checks its
// own, without encoding it twice.
type CheckedTuple struct {
	Value any
}

// appendTupleKV appends IPROTO_TUPLE and tuple (see appendTuple). On error
// it returns dst unchanged.
func appendTupleKV(dst []byte, tuple any) ([]byte, error) {
	out, err := appendTuple(AppendUint(dst, uint64(iproto.IPROTO_TUPLE)), tuple, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// appendTuple appends tuple, which must encode to a MessagePack array: nil
// yields ErrNilTuple and any other value *NotArrayError, found from the
// first byte the encoder wrote, so nothing is encoded twice and the check
// costs one comparison. On error it returns dst unchanged.
func appendTuple(dst []byte, tuple any, depth int) ([]byte, error) {
	if tuple == nil {
		return dst, ErrNilTuple
	}
	out, err := appendValue(dst, tuple, depth)
	if err != nil {
		return dst, err
	}
	if first := out[len(dst)]; !isArrayHeader(first) {
		return dst, &NotArrayError{Type: reflect.TypeOf(tuple), Got: mpTypeName(first)}
	}
	return out, nil
}

// isArrayHeader reports whether b starts a MessagePack array.
func isArrayHeader(b byte) bool { return b&0xf0 == 0x90 || b == 0xdc || b == 0xdd }

// mpTypeName names the MessagePack type that first byte b starts.
func mpTypeName(b byte) string {
	switch {
	case b <= 0x7f, b >= 0xe0, b >= 0xcc && b <= 0xd3:
		return "integer"
	case b&0xf0 == 0x80, b == 0xde, b == 0xdf:
		return "map"
	case b&0xe0 == 0xa0, b >= 0xd9 && b <= 0xdb:
		return "string"
	case b == mpNil:
		return "nil"
	case b == 0xc2, b == 0xc3:
		return "bool"
	case b >= 0xc4 && b <= 0xc6:
		return "binary"
	case b == 0xca, b == 0xcb:
		return "float"
	}
	return "extension"
}
