package protocol

import (
	"encoding"
	"encoding/binary"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// MaxDepth is the deepest nesting of arrays, maps and extension values that
// AppendValue encodes and DecodeValue decodes. Deeper values fail with
// ErrTooDeep instead of exhausting the stack.
const MaxDepth = 512

// MessagePack format bytes used by this package.
const (
	mpNil      = 0xc0
	mpFalse    = 0xc2
	mpTrue     = 0xc3
	mpBin8     = 0xc4
	mpBin16    = 0xc5
	mpBin32    = 0xc6
	mpExt8     = 0xc7
	mpExt16    = 0xc8
	mpExt32    = 0xc9
	mpFloat32  = 0xca
	mpFloat64  = 0xcb
	mpUint8    = 0xcc
	mpUint16   = 0xcd
	mpUint32   = 0xce
	mpUint64   = 0xcf
	mpInt8     = 0xd0
	mpInt16    = 0xd1
	mpInt32    = 0xd2
	mpInt64    = 0xd3
	mpFixExt1  = 0xd4
	mpFixExt2  = 0xd5
	mpFixExt4  = 0xd6
	mpFixExt8  = 0xd7
	mpFixExt16 = 0xd8
	mpStr8     = 0xd9
	mpStr16    = 0xda
	mpStr32    = 0xdb
	mpArray16  = 0xdc
	mpArray32  = 0xdd
	mpMap16    = 0xde
	mpMap32    = 0xdf
)

// RawMsgpack is a value that is already MessagePack-encoded. AppendValue
// copies it verbatim, without validating it; it must hold exactly one
// complete MessagePack value.
type RawMsgpack []byte

// AppendNil appends MessagePack nil. It does not allocate unless dst grows.
func AppendNil(dst []byte) []byte { return append(dst, mpNil) }

// AppendBool appends a MessagePack boolean. It does not allocate unless dst
// grows.
func AppendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, mpTrue)
	}
	return append(dst, mpFalse)
}

// AppendUint appends u in the most compact unsigned MessagePack form
// (positive fixint, uint8, uint16, uint32 or uint64). It does not allocate
// unless dst grows.
func AppendUint(dst []byte, u uint64) []byte {
	switch {
	case u <= 0x7f:
		return append(dst, byte(u))
	case u <= math.MaxUint8:
		return append(dst, mpUint8, byte(u))
	case u <= math.MaxUint16:
		return append(dst, mpUint16, byte(u>>8), byte(u))
	case u <= math.MaxUint32:
		return append(dst, mpUint32, byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
	default:
		dst = append(dst, mpUint64)
		return binary.BigEndian.AppendUint64(dst, u)
	}
}

// AppendInt appends i in the most compact MessagePack form: non-negative
// values exactly as AppendUint does, negative ones as negative fixint, int8,
// int16, int32 or int64. It does not allocate unless dst grows.
func AppendInt(dst []byte, i int64) []byte {
	switch {
	case i >= 0:
		return AppendUint(dst, uint64(i))
	case i >= -32:
		return append(dst, byte(i))
	case i >= math.MinInt8:
		return append(dst, mpInt8, byte(i))
	case i >= math.MinInt16:
		return append(dst, mpInt16, byte(i>>8), byte(i))
	case i >= math.MinInt32:
		return append(dst, mpInt32, byte(i>>24), byte(i>>16), byte(i>>8), byte(i))
	default:
		dst = append(dst, mpInt64)
		return binary.BigEndian.AppendUint64(dst, uint64(i))
	}
}

// intSize returns the number of bytes AppendInt writes for i.
func intSize(i int64) int {
	switch {
	case i >= -32 && i <= 0x7f:
		return 1
	case i >= math.MinInt8 && i <= math.MaxUint8:
		return 2
	case i >= math.MinInt16 && i <= math.MaxUint16:
		return 3
	case i >= math.MinInt32 && i <= math.MaxUint32:
		return 5
	}
	return 9
}

// AppendFloat32 appends f as a MessagePack float 32. It does not allocate
// unless dst grows.
func AppendFloat32(dst []byte, f float32) []byte {
	dst = append(dst, mpFloat32)
	return binary.BigEndian.AppendUint32(dst, math.Float32bits(f))
}

// AppendFloat64 appends f as a MessagePack float 64. It does not allocate
// unless dst grows.
func AppendFloat64(dst []byte, f float64) []byte {
	dst = append(dst, mpFloat64)
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(f))
}

// AppendString appends s as a MessagePack string (fixstr, str8, str16 or
// str32). Strings longer than 4 GiB - 1 cannot be represented; callers that
// may pass such strings must check first (AppendValue does). It does not
// allocate unless dst grows.
func AppendString(dst []byte, s string) []byte {
	dst = appendStrHeader(dst, uint32(len(s)))
	return append(dst, s...)
}

// AppendBinary appends b as MessagePack binary (bin8, bin16 or bin32). The
// same 4 GiB limit as for AppendString applies. It does not allocate unless
// dst grows.
func AppendBinary(dst []byte, b []byte) []byte {
	n := uint32(len(b))
	switch {
	case n <= math.MaxUint8:
		dst = append(dst, mpBin8, byte(n))
	case n <= math.MaxUint16:
		dst = append(dst, mpBin16, byte(n>>8), byte(n))
	default:
		dst = append(dst, mpBin32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, b...)
}

// AppendArrayHeader appends the header of a MessagePack array of n elements;
// the caller appends the elements. It does not allocate unless dst grows.
func AppendArrayHeader(dst []byte, n uint32) []byte {
	switch {
	case n <= 15:
		return append(dst, 0x90|byte(n))
	case n <= math.MaxUint16:
		return append(dst, mpArray16, byte(n>>8), byte(n))
	default:
		return append(dst, mpArray32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// AppendMapHeader appends the header of a MessagePack map of n key/value
// pairs; the caller appends the pairs. It does not allocate unless dst grows.
func AppendMapHeader(dst []byte, n uint32) []byte {
	switch {
	case n <= 15:
		return append(dst, 0x80|byte(n))
	case n <= math.MaxUint16:
		return append(dst, mpMap16, byte(n>>8), byte(n))
	default:
		return append(dst, mpMap32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// AppendExtHeader appends the header of a MessagePack extension value of
// type typ with an n-byte payload (fixext 1/2/4/8/16, or ext 8/16/32); the
// caller appends the payload. It does not allocate unless dst grows.
func AppendExtHeader(dst []byte, typ int8, n uint32) []byte {
	switch n {
	case 1:
		return append(dst, mpFixExt1, byte(typ))
	case 2:
		return append(dst, mpFixExt2, byte(typ))
	case 4:
		return append(dst, mpFixExt4, byte(typ))
	case 8:
		return append(dst, mpFixExt8, byte(typ))
	case 16:
		return append(dst, mpFixExt16, byte(typ))
	}
	switch {
	case n <= math.MaxUint8:
		return append(dst, mpExt8, byte(n), byte(typ))
	case n <= math.MaxUint16:
		return append(dst, mpExt16, byte(n>>8), byte(n), byte(typ))
	default:
		return append(dst, mpExt32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n), byte(typ))
	}
}

func appendStrHeader(dst []byte, n uint32) []byte {
	switch {
	case n <= 31:
		return append(dst, 0xa0|byte(n))
	case n <= math.MaxUint8:
		return append(dst, mpStr8, byte(n))
	case n <= math.MaxUint16:
		return append(dst, mpStr16, byte(n>>8), byte(n))
	default:
		return append(dst, mpStr32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// AppendValue appends v encoded as compact MessagePack and returns the
// extended buffer. On error it returns dst unchanged (nothing of v is left
// behind within len(dst)) and the error.
//
// Integers of every Go integer kind are written in their most compact form
// (see AppendInt); float32 stays float 32 and float64 stays float 64.
//
// These types are encoded without reflection and without allocating (apart
// from growing dst): nil, bool, all int and uint kinds, float32, float64,
// string, []byte (as bin), []any, []string, []int, []int64, []uint64,
// map[string]any, map[any]any, RawMsgpack and msgpack.RawMessage (verbatim),
// UUID (ext 2), Decimal (ext 1), RawExt (its own type), time.Time and
// Datetime (Tarantool datetime, ext 4) and Interval (ext 6), the last two
// understood by Tarantool 2.10 and later. Named types whose underlying kind
// is bool, an integer, a float or string are encoded from their kind, unless
// they implement msgpack.CustomEncoder, msgpack.Marshaler,
// encoding.BinaryMarshaler or encoding.TextMarshaler.
//
// Everything else (structs, pointers, other slices, arrays and maps) goes
// through a pooled github.com/vmihailenco/msgpack/v5 Encoder configured with
// UseCompactInts(true) and UseCompactFloats(false); struct tags such as
// `msgpack:",as_array"` are honoured. Inside such values, UUID, Decimal,
// Datetime and Interval fields encode as their Tarantool extensions (they implement
// msgpack.CustomEncoder) but time.Time fields use the msgpack library's own
// timestamp extension, which Tarantool does not understand. The fallback
// writes straight into dst; once the pool is warm it allocates only what the
// msgpack library allocates for the value (often nothing).
//
// Channels, functions, complex numbers, unsafe pointers and anything the
// fallback rejects yield *UnsupportedTypeError. Nesting deeper than MaxDepth
// in the fast paths yields ErrTooDeep; cyclic values reached through the
// fallback are not detected.
func AppendValue(dst []byte, v any) ([]byte, error) {
	out, err := appendValue(dst, v, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, mpNil), nil
	case bool:
		return AppendBool(dst, v), nil
	case int:
		return AppendInt(dst, int64(v)), nil
	case int8:
		return AppendInt(dst, int64(v)), nil
	case int16:
		return AppendInt(dst, int64(v)), nil
	case int32:
		return AppendInt(dst, int64(v)), nil
	case int64:
		return AppendInt(dst, v), nil
	case uint:
		return AppendUint(dst, uint64(v)), nil
	case uint8:
		return AppendUint(dst, uint64(v)), nil
	case uint16:
		return AppendUint(dst, uint64(v)), nil
	case uint32:
		return AppendUint(dst, uint64(v)), nil
	case uint64:
		return AppendUint(dst, v), nil
	case float32:
		return AppendFloat32(dst, v), nil
	case float64:
		return AppendFloat64(dst, v), nil
	case string:
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		return AppendString(dst, v), nil
	case []byte:
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		return AppendBinary(dst, v), nil
	case RawMsgpack:
		return append(dst, v...), nil
	case msgpack.RawMessage:
		return append(dst, v...), nil
	case UUID:
		return v.AppendMsgpack(dst), nil
	case Decimal:
		return v.AppendMsgpack(dst), nil
	case time.Time:
		return appendDatetime(dst, v, 0), nil
	case Datetime:
		return v.AppendMsgpack(dst), nil
	case Interval:
		return v.AppendMsgpack(dst), nil
	case RawExt:
		if uint64(len(v.Data)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendExtHeader(dst, v.Type, uint32(len(v.Data)))
		return append(dst, v.Data...), nil
	case CheckedTuple:
		return appendTuple(dst, v.Value, depth)
	case [1]any:
		// A one-part key, as the client builds it from a scalar: boxing a
		// one-element array costs one allocation, a []any two.
		if depth >= MaxDepth {
			return dst, ErrTooDeep
		}
		return appendValue(AppendArrayHeader(dst, 1), v[0], depth+1)
	case *[]any:
		if v == nil {
			return append(dst, mpNil), nil
		}
		return appendAnySlice(dst, *v, depth)
	case []any:
		return appendAnySlice(dst, v, depth)
	case []string:
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendArrayHeader(dst, uint32(len(v)))
		for _, e := range v {
			if uint64(len(e)) > math.MaxUint32 {
				return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
			}
			dst = AppendString(dst, e)
		}
		return dst, nil
	case []int:
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendArrayHeader(dst, uint32(len(v)))
		for _, e := range v {
			dst = AppendInt(dst, int64(e))
		}
		return dst, nil
	case []int64:
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendArrayHeader(dst, uint32(len(v)))
		for _, e := range v {
			dst = AppendInt(dst, e)
		}
		return dst, nil
	case []uint64:
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendArrayHeader(dst, uint32(len(v)))
		for _, e := range v {
			dst = AppendUint(dst, e)
		}
		return dst, nil
	case map[string]any:
		if depth >= MaxDepth {
			return dst, ErrTooDeep
		}
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendMapHeader(dst, uint32(len(v)))
		var err error
		for k, e := range v {
			if uint64(len(k)) > math.MaxUint32 {
				return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
			}
			dst = AppendString(dst, k)
			if dst, err = appendValue(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case map[any]any:
		if depth >= MaxDepth {
			return dst, ErrTooDeep
		}
		if uint64(len(v)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
		}
		dst = AppendMapHeader(dst, uint32(len(v)))
		var err error
		for k, e := range v {
			if dst, err = appendValue(dst, k, depth+1); err != nil {
				return dst, err
			}
			if dst, err = appendValue(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return appendReflect(dst, v)
}

// appendAnySlice appends v as a MessagePack array (a nil v as an empty
// one) without boxing it.
func appendAnySlice(dst []byte, v []any, depth int) ([]byte, error) {
	if depth >= MaxDepth {
		return dst, ErrTooDeep
	}
	if uint64(len(v)) > math.MaxUint32 {
		return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: errTooLong}
	}
	dst = AppendArrayHeader(dst, uint32(len(v)))
	var err error
	for _, e := range v {
		if dst, err = appendValue(dst, e, depth+1); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// errTooLong is the cause inside an *UnsupportedTypeError for strings,
// binaries, arrays and maps longer than MessagePack can describe.
var errTooLong = &MalformedError{What: "length exceeds 4 GiB - 1", Offset: -1}

// appendReflect handles values that the type switch in appendValue did not:
// named scalar types cheaply by kind, unsupported kinds with an error, and
// everything else through the vmihailenco fallback.
func appendReflect(dst []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer, reflect.Invalid:
		return dst, &UnsupportedTypeError{Type: rv.Type()}
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		if !hasCustomEncoding(v) {
			return appendScalarKind(dst, rv)
		}
	}
	return appendFallback(dst, v)
}

func hasCustomEncoding(v any) bool {
	switch v.(type) {
	case msgpack.CustomEncoder, msgpack.Marshaler, encoding.BinaryMarshaler, encoding.TextMarshaler:
		return true
	}
	return false
}

func appendScalarKind(dst []byte, rv reflect.Value) ([]byte, error) {
	switch rv.Kind() {
	case reflect.Bool:
		return AppendBool(dst, rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return AppendInt(dst, rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return AppendUint(dst, rv.Uint()), nil
	case reflect.Float32:
		return AppendFloat32(dst, float32(rv.Float())), nil
	case reflect.Float64:
		return AppendFloat64(dst, rv.Float()), nil
	default: // reflect.String
		s := rv.String()
		if uint64(len(s)) > math.MaxUint32 {
			return dst, &UnsupportedTypeError{Type: rv.Type(), Err: errTooLong}
		}
		return AppendString(dst, s), nil
	}
}

// appendWriter lets the msgpack Encoder write straight into a caller's slice.
type appendWriter struct{ b []byte }

// Write appends p; it never fails.
func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// WriteByte appends c; it never fails.
func (w *appendWriter) WriteByte(c byte) error {
	w.b = append(w.b, c)
	return nil
}

type fallbackEncoder struct {
	enc *msgpack.Encoder
	w   appendWriter
}

var fallbackEncoders = sync.Pool{New: func() any {
	f := new(fallbackEncoder)
	f.enc = msgpack.NewEncoder(&f.w)
	f.enc.UseCompactInts(true)
	f.enc.UseCompactFloats(false)
	return f
}}

func appendFallback(dst []byte, v any) (out []byte, err error) {
	f := fallbackEncoders.Get().(*fallbackEncoder)
	f.w.b = dst
	defer func() {
		if r := recover(); r != nil {
			// The msgpack library panicked on this value; report it as
			// unencodable rather than crash the caller.
			out, err = dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: &panicError{r}}
		}
		f.w.b = nil
		fallbackEncoders.Put(f)
	}()
	if err := f.enc.Encode(v); err != nil {
		return dst, &UnsupportedTypeError{Type: reflect.TypeOf(v), Err: err}
	}
	return f.w.b, nil
}

// panicError carries a value recovered from a panic in a third-party library.
type panicError struct{ v any }

// Error describes the recovered value.
func (e *panicError) Error() string { return "msgpack library panicked: " + fmtAny(e.v) }

func fmtAny(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return reflect.TypeOf(v).String()
}
