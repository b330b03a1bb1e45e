package protocol

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
)

// RawExt is a MessagePack extension value whose type DecodeValue does not
// know. Data is a copy of the payload.
type RawExt struct {
	// Type is the application-defined extension type code. AppendValue
	// writes it back as the extension's type.
	Type int8
	// Data is the extension payload, without the extension header.
	Data []byte
}

// reader is a bounds-checked cursor over a MessagePack buffer. Offsets in
// its errors are relative to the start of buf. It never allocates except to
// build errors and the values DecodeValue returns.
type reader struct {
	buf []byte
	off int
	va  *valueArena // DecodeValue's allocations (see valueArena); nil until needed
}

func (r *reader) remaining() int { return len(r.buf) - r.off }

func (r *reader) errTruncated() error { return malformed(r.off, "unexpected end of data") }

// next returns the next n bytes and advances past them.
func (r *reader) next(n int) ([]byte, error) {
	if n < 0 || n > len(r.buf)-r.off {
		return nil, r.errTruncated()
	}
	b := r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	return b, nil
}

func (r *reader) peek() (byte, error) {
	if r.off >= len(r.buf) {
		return 0, r.errTruncated()
	}
	return r.buf[r.off], nil
}

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.buf) {
		return 0, r.errTruncated()
	}
	c := r.buf[r.off]
	r.off++
	return c, nil
}

// be reads an n-byte (1, 2, 4 or 8) big-endian unsigned number.
func (r *reader) be(n int) (uint64, error) {
	b, err := r.next(n)
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	default:
		return binary.BigEndian.Uint64(b), nil
	}
}

// isNil consumes a nil and reports true, or reports false and consumes
// nothing.
func (r *reader) isNil() bool {
	if r.off < len(r.buf) && r.buf[r.off] == mpNil {
		r.off++
		return true
	}
	return false
}

// integer reads any MessagePack integer. neg reports whether it is negative,
// in which case the value is int64(u).
func (r *reader) integer() (u uint64, neg bool, err error) {
	start := r.off
	c, err := r.byte()
	if err != nil {
		return 0, false, err
	}
	switch {
	case c <= 0x7f:
		return uint64(c), false, nil
	case c >= 0xe0:
		return uint64(int64(int8(c))), true, nil
	}
	switch c {
	case mpUint8, mpUint16, mpUint32, mpUint64:
		u, err = r.be(1 << (c - mpUint8))
		return u, false, err
	case mpInt8:
		u, err = r.be(1)
		i := int64(int8(u))
		return uint64(i), i < 0, err
	case mpInt16:
		u, err = r.be(2)
		i := int64(int16(u))
		return uint64(i), i < 0, err
	case mpInt32:
		u, err = r.be(4)
		i := int64(int32(u))
		return uint64(i), i < 0, err
	case mpInt64:
		u, err = r.be(8)
		i := int64(u)
		return uint64(i), i < 0, err
	}
	return 0, false, malformed(start, "expected an integer, got "+formatName(c))
}

// uint reads a non-negative integer (in any integer encoding). The
// encodings Tarantool uses for unsigned values are read inline; the others
// (and every error) go through uintSlow.
func (r *reader) uint() (uint64, error) {
	b := r.buf[min(r.off, len(r.buf)):]
	if len(b) > 0 {
		switch c := b[0]; {
		case c <= 0x7f:
			r.off++
			return uint64(c), nil
		case c == mpUint32 && len(b) >= 5:
			r.off += 5
			return uint64(binary.BigEndian.Uint32(b[1:])), nil
		case c == mpUint64 && len(b) >= 9:
			r.off += 9
			return binary.BigEndian.Uint64(b[1:]), nil
		case c == mpUint16 && len(b) >= 3:
			r.off += 3
			return uint64(binary.BigEndian.Uint16(b[1:])), nil
		case c == mpUint8 && len(b) >= 2:
			r.off += 2
			return uint64(b[1]), nil
		}
	}
	return r.uintSlow()
}

// uintSlow is uint for signed encodings of non-negative values, and errors.
func (r *reader) uintSlow() (uint64, error) {
	start := r.off
	u, neg, err := r.integer()
	if err != nil {
		return 0, err
	}
	if neg {
		return 0, malformed(start, "expected an unsigned integer, got a negative one")
	}
	return u, nil
}

// int reads an integer that fits int64.
func (r *reader) int() (int64, error) {
	start := r.off
	u, neg, err := r.integer()
	if err != nil {
		return 0, err
	}
	if !neg && u > math.MaxInt64 {
		return 0, malformed(start, "integer overflows int64")
	}
	return int64(u), nil
}

func (r *reader) bool() (bool, error) {
	start := r.off
	c, err := r.byte()
	if err != nil {
		return false, err
	}
	switch c {
	case mpTrue:
		return true, nil
	case mpFalse:
		return false, nil
	}
	return false, malformed(start, "expected a boolean, got "+formatName(c))
}

// strBytes reads a string and returns it as a sub-slice of the input.
func (r *reader) strBytes() ([]byte, error) {
	start := r.off
	c, err := r.byte()
	if err != nil {
		return nil, err
	}
	var n uint64
	switch {
	case c&0xe0 == 0xa0:
		n = uint64(c & 0x1f)
	case c == mpStr8 || c == mpStr16 || c == mpStr32:
		if n, err = r.be(1 << (c - mpStr8)); err != nil {
			return nil, err
		}
	default:
		return nil, malformed(start, "expected a string, got "+formatName(c))
	}
	if n > uint64(r.remaining()) {
		return nil, malformed(start, "string length exceeds the data")
	}
	return r.next(int(n))
}

// str reads a string and copies it.
func (r *reader) str() (string, error) {
	b, err := r.strBytes()
	return string(b), err
}

// strValue reads a string into an interface value, from the arena.
func (r *reader) strValue() (any, error) {
	b, err := r.strBytes()
	if err != nil {
		return nil, err
	}
	return r.arena().str(b, r.remaining()), nil
}

// optStr reads a string or nil (as "").
func (r *reader) optStr() (string, error) {
	if r.isNil() {
		return "", nil
	}
	return r.str()
}

// arrayLen reads an array header. The length is checked against the bytes
// left (every element takes at least one byte).
func (r *reader) arrayLen() (int, error) {
	start := r.off
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c&0xf0 == 0x90:
		n = uint64(c & 0x0f)
	case c == mpArray16:
		n, err = r.be(2)
	case c == mpArray32:
		n, err = r.be(4)
	default:
		return 0, malformed(start, "expected an array, got "+formatName(c))
	}
	if err != nil {
		return 0, err
	}
	if n > uint64(r.remaining()) {
		return 0, malformed(start, "array length exceeds the data")
	}
	return int(n), nil
}

// mapLen reads a map header. The length is checked against the bytes left
// (every pair takes at least two bytes).
func (r *reader) mapLen() (int, error) {
	if r.off < len(r.buf) {
		if c := r.buf[r.off]; c&0xf0 == 0x80 && int(c&0x0f) <= (len(r.buf)-r.off-1)/2 {
			r.off++
			return int(c & 0x0f), nil
		}
	}
	start := r.off
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c&0xf0 == 0x80:
		n = uint64(c & 0x0f)
	case c == mpMap16:
		n, err = r.be(2)
	case c == mpMap32:
		n, err = r.be(4)
	default:
		return 0, malformed(start, "expected a map, got "+formatName(c))
	}
	if err != nil {
		return 0, err
	}
	if n > uint64(r.remaining())/2 {
		return 0, malformed(start, "map length exceeds the data")
	}
	return int(n), nil
}

// extHeader reads an extension header, checking the payload length against
// the bytes left. It reports ok=false (consuming nothing) if the next value
// is not an extension.
func (r *reader) extHeader() (typ int8, n int, ok bool, err error) {
	start := r.off
	c, err := r.peek()
	if err != nil {
		return 0, 0, false, err
	}
	var size uint64
	switch c {
	case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16:
		r.off++
		size = 1 << (c - mpFixExt1)
	case mpExt8, mpExt16, mpExt32:
		r.off++
		if size, err = r.be(1 << (c - mpExt8)); err != nil {
			return 0, 0, false, err
		}
	default:
		return 0, 0, false, nil
	}
	t, err := r.byte()
	if err != nil {
		return 0, 0, false, err
	}
	if size > uint64(r.remaining()) {
		return 0, 0, false, malformed(start, "extension length exceeds the data")
	}
	return int8(t), int(size), true, nil
}

// skip advances past one complete value. It is iterative: it keeps a count
// of values still to skip, so nesting depth costs no stack.
func (r *reader) skip() error {
	pending := uint64(1)
	for pending > 0 {
		pending--
		start := r.off
		c, err := r.byte()
		if err != nil {
			return err
		}
		var n uint64 // bytes of payload to jump over
		switch {
		case c <= 0x7f || c >= 0xe0:
			continue
		case c&0xf0 == 0x80:
			pending += 2 * uint64(c&0x0f)
		case c&0xf0 == 0x90:
			pending += uint64(c & 0x0f)
		case c&0xe0 == 0xa0:
			n = uint64(c & 0x1f)
		default:
			switch c {
			case mpNil, mpFalse, mpTrue:
				continue
			case mpBin8, mpBin16, mpBin32:
				if n, err = r.be(1 << (c - mpBin8)); err != nil {
					return err
				}
			case mpStr8, mpStr16, mpStr32:
				if n, err = r.be(1 << (c - mpStr8)); err != nil {
					return err
				}
			case mpExt8, mpExt16, mpExt32:
				if n, err = r.be(1 << (c - mpExt8)); err != nil {
					return err
				}
				n++ // type byte
			case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16:
				n = 1 + 1<<(c-mpFixExt1)
			case mpFloat32:
				n = 4
			case mpFloat64:
				n = 8
			case mpUint8, mpUint16, mpUint32, mpUint64:
				n = 1 << (c - mpUint8)
			case mpInt8, mpInt16, mpInt32, mpInt64:
				n = 1 << (c - mpInt8)
			case mpArray16, mpArray32:
				m, err := r.be(2 << (c - mpArray16))
				if err != nil {
					return err
				}
				pending += m
			case mpMap16, mpMap32:
				m, err := r.be(2 << (c - mpMap16))
				if err != nil {
					return err
				}
				pending += 2 * m
			default: // 0xc1, never used
				return malformed(start, "invalid format byte 0xc1")
			}
		}
		if n > uint64(r.remaining()) {
			return malformed(start, "length exceeds the data")
		}
		r.off += int(n)
		// Every pending value needs at least one byte.
		if pending > uint64(r.remaining()) {
			return malformed(start, "declared length exceeds the data")
		}
	}
	return nil
}

// validate checks that the next value is complete, that every declared
// length fits the data, and that nesting stays within MaxDepth. It does not
// allocate on success.
func (r *reader) validate(depth int) error {
	c, err := r.peek()
	if err != nil {
		return err
	}
	var n int
	switch {
	case c&0xf0 == 0x90 || c == mpArray16 || c == mpArray32:
		if n, err = r.arrayLen(); err != nil {
			return err
		}
	case c&0xf0 == 0x80 || c == mpMap16 || c == mpMap32:
		if n, err = r.mapLen(); err != nil {
			return err
		}
		n *= 2
	default:
		return r.skip()
	}
	if depth >= MaxDepth {
		return &MalformedError{What: "nesting too deep", Offset: r.off, Err: ErrTooDeep}
	}
	for i := 0; i < n; i++ {
		if err := r.validate(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// rawValue returns the bytes of the next complete value as a sub-slice.
func (r *reader) rawValue() ([]byte, error) {
	start := r.off
	if err := r.skip(); err != nil {
		return nil, err
	}
	return r.buf[start:r.off:r.off], nil
}

// SkipValue returns b without its first MessagePack value. It does not
// allocate on success and uses constant stack space regardless of nesting;
// truncated or invalid input yields a *MalformedError.
func SkipValue(b []byte) (rest []byte, err error) {
	r := reader{buf: b}
	if err := r.skip(); err != nil {
		return nil, err
	}
	return b[r.off:], nil
}

// DecodeValue decodes the first MessagePack value in b into a generic Go
// value and returns it with the bytes that follow it.
//
// The mapping is:
//
//   - nil → nil; bool → bool
//   - integers → int64 whenever the value fits, uint64 only for values above
//     math.MaxInt64 (so equal numbers compare equal however they were
//     encoded)
//   - float 32 → float32; float 64 → float64
//   - string → string; bin → []byte (both copied, never aliasing b)
//   - array → []any
//   - map → map[string]any when every key is a string, otherwise
//     map[any]any. Keys that Go maps cannot hold (arrays, maps, bin, unknown
//     extensions) are a *MalformedError.
//   - extension 1 → Decimal; 2 → UUID; 3 (MP_ERROR) → *ServerError;
//     4 (datetime) → time.Time, or Datetime when it has a time zone index;
//     6 (interval) → Interval; 7 (MP_TUPLE) → []any, the tuple's fields
//     (its format id is dropped); any other → RawExt.
//
// Lengths are checked against the data before anything is allocated, and
// nesting deeper than MaxDepth fails with a *MalformedError wrapping
// ErrTooDeep. DecodeValue allocates the values it returns, from shared
// chunks: the arrays' elements, the strings (up to 256 bytes) and the
// boxes of strings, arrays and integers come from blocks of up to 256
// entries (4 KiB of string bytes), sized by the bytes left in b, so 1,000
// tuples of eight fields cost about 70 allocations instead of 11,000.
// The values are immutable as usual (an array's capacity is its length);
// keeping one alive keeps its block alive.
func DecodeValue(b []byte) (v any, rest []byte, err error) {
	r := reader{buf: b}
	v, err = r.value(0)
	if err != nil {
		return nil, nil, err
	}
	return v, b[r.off:], nil
}

func (r *reader) value(depth int) (any, error) {
	start := r.off
	c, err := r.peek()
	if err != nil {
		return nil, err
	}
	switch {
	case c <= 0x7f:
		r.off++
		return int64(c), nil
	case c >= 0xe0:
		r.off++
		return int64(int8(c)), nil
	case c&0xe0 == 0xa0:
		return r.strValue()
	case c&0xf0 == 0x90:
		return r.array(depth)
	case c&0xf0 == 0x80:
		return r.mapValue(depth)
	}
	switch c {
	case mpNil:
		r.off++
		return nil, nil
	case mpFalse, mpTrue:
		return r.bool()
	case mpFloat32:
		r.off++
		u, err := r.be(4)
		return math.Float32frombits(uint32(u)), err
	case mpFloat64:
		r.off++
		u, err := r.be(8)
		return math.Float64frombits(u), err
	case mpUint8, mpUint16, mpUint32, mpUint64, mpInt8, mpInt16, mpInt32, mpInt64:
		u, neg, err := r.integer()
		if err != nil {
			return nil, err
		}
		if !neg && u > math.MaxInt64 {
			return r.arena().uint64(u, r.remaining()), nil
		}
		return r.arena().int64(int64(u), r.remaining()), nil
	case mpStr8, mpStr16, mpStr32:
		return r.strValue()
	case mpBin8, mpBin16, mpBin32:
		r.off++
		n, err := r.be(1 << (c - mpBin8))
		if err != nil {
			return nil, err
		}
		if n > uint64(r.remaining()) {
			return nil, malformed(start, "binary length exceeds the data")
		}
		b, _ := r.next(int(n))
		return bytes.Clone(b), nil
	case mpArray16, mpArray32:
		return r.array(depth)
	case mpMap16, mpMap32:
		return r.mapValue(depth)
	case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16, mpExt8, mpExt16, mpExt32:
		return r.ext(depth)
	}
	return nil, malformed(start, "invalid format byte 0xc1")
}

func (r *reader) array(depth int) (any, error) {
	if depth >= MaxDepth {
		return nil, &MalformedError{What: "nesting too deep", Offset: r.off, Err: ErrTooDeep}
	}
	n, err := r.arrayLen()
	if err != nil {
		return nil, err
	}
	va := r.arena()
	a := va.array(n, r.remaining())
	for i := range a {
		if a[i], err = r.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return va.boxArray(a, r.remaining()), nil
}

func (r *reader) mapValue(depth int) (any, error) {
	if depth >= MaxDepth {
		return nil, &MalformedError{What: "nesting too deep", Offset: r.off, Err: ErrTooDeep}
	}
	n, err := r.mapLen()
	if err != nil {
		return nil, err
	}
	// The size hint is capped so that a long run of tiny pairs in hostile
	// input cannot make one allocation much larger than the input itself.
	hint := min(n, 1024)
	sm := make(map[string]any, hint)
	var am map[any]any
	for i := 0; i < n; i++ {
		keyOff := r.off
		k, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if am == nil {
			if s, ok := k.(string); ok {
				sm[s] = v
				continue
			}
			am = make(map[any]any, hint)
			for sk, sv := range sm {
				am[sk] = sv
			}
		}
		switch k.(type) {
		case []byte, []any, map[string]any, map[any]any, RawExt:
			return nil, malformed(keyOff, "map key is an array, map, binary or unknown extension, which Go maps cannot hold")
		}
		am[k] = v
	}
	if am != nil {
		return am, nil
	}
	return sm, nil
}

// Extension type numbers that Tarantool defines for MessagePack.
const (
	ExtDecimal  int8 = 1 // MP_DECIMAL: Decimal
	ExtUUID     int8 = 2 // MP_UUID: UUID
	ExtError    int8 = 3 // MP_ERROR: *ServerError
	ExtDatetime int8 = 4 // MP_DATETIME (Tarantool 2.10+): time.Time, or Datetime with a zone index
	ExtInterval int8 = 6 // MP_INTERVAL (Tarantool 2.10+): Interval
	ExtTuple    int8 = 7 // MP_TUPLE (Tarantool 3.0+): []any, the tuple's fields
)

func (r *reader) ext(depth int) (any, error) {
	start := r.off
	if depth >= MaxDepth {
		return nil, &MalformedError{What: "nesting too deep", Offset: r.off, Err: ErrTooDeep}
	}
	typ, n, _, err := r.extHeader()
	if err != nil {
		return nil, err
	}
	payload, _ := r.next(n)
	at := extOffsets{ext: start, payload: r.off - n}
	switch typ {
	case ExtDecimal:
		d, err := decodeDecimalPayload(payload)
		if err != nil {
			return nil, at.shift(err)
		}
		return d, nil
	case ExtUUID:
		if n != len(UUID{}) {
			return nil, malformed(start, "UUID extension payload is not 16 bytes")
		}
		var u UUID
		copy(u[:], payload)
		return u, nil
	case ExtError:
		sub := reader{buf: payload}
		e, err := sub.serverError(depth + 1)
		if err != nil {
			return nil, at.shift(err)
		}
		return e, nil
	case ExtDatetime:
		d, err := decodeDatetimePayload(payload)
		if err != nil {
			return nil, at.shift(err)
		}
		if d.TzIndex != 0 {
			return d, nil
		}
		return d.Time, nil
	case ExtInterval:
		iv, err := decodeIntervalPayload(payload)
		if err != nil {
			return nil, at.shift(err)
		}
		return iv, nil
	case ExtTuple:
		// An MP uint tuple format id, then the tuple as an array; the
		// format (field names, IPROTO_TUPLE_FORMATS) is not applied.
		sub := reader{buf: payload}
		if _, err := sub.uint(); err != nil {
			return nil, at.shift(err)
		}
		a, err := sub.array(depth + 1)
		if err != nil {
			return nil, at.shift(err)
		}
		if sub.remaining() != 0 {
			return nil, at.shift(malformed(sub.off, "bytes left after the tuple extension's array"))
		}
		return a, nil
	}
	return RawExt{Type: typ, Data: bytes.Clone(payload)}, nil
}

// extOffsets locates an extension value in the outer buffer: where its
// header starts and where its payload starts.
type extOffsets struct{ ext, payload int }

// shift makes the offset of a *MalformedError found inside an extension
// payload point into the outer buffer: an offset within the payload is
// moved by the payload's start, an unknown one (-1) points at the
// extension value.
func (o extOffsets) shift(err error) error {
	if m, ok := err.(*MalformedError); ok && m.Offset < 0 {
		m.Offset = o.ext
	} else if ok {
		m.Offset += o.payload
	}
	return err
}

func formatName(c byte) string {
	switch {
	case c <= 0x7f || c >= 0xe0:
		return "an integer"
	case c&0xf0 == 0x80:
		return "a map"
	case c&0xf0 == 0x90:
		return "an array"
	case c&0xe0 == 0xa0:
		return "a string"
	}
	switch c {
	case mpNil:
		return "nil"
	case mpFalse, mpTrue:
		return "a boolean"
	case mpBin8, mpBin16, mpBin32:
		return "binary"
	case mpExt8, mpExt16, mpExt32, mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16:
		return "an extension"
	case mpFloat32, mpFloat64:
		return "a float"
	case mpUint8, mpUint16, mpUint32, mpUint64, mpInt8, mpInt16, mpInt32, mpInt64:
		return "an integer"
	case mpStr8, mpStr16, mpStr32:
		return "a string"
	case mpArray16, mpArray32:
		return "an array"
	case mpMap16, mpMap32:
		return "a map"
	}
	return "invalid byte 0xc1"
}

type pooledDecoder struct {
	dec *msgpack.Decoder
	r   bytes.Reader
}

var typedDecoders = sync.Pool{New: func() any {
	d := new(pooledDecoder)
	d.dec = msgpack.NewDecoder(&d.r)
	return d
}}

// Decode decodes the first MessagePack value in b into v, which must be a
// non-nil pointer. Bytes after the first value are ignored.
//
// If v is a *any, *[]any, *[][]any or *map[string]any, the value is decoded
// with DecodeValue (so Tarantool extensions become Decimal, UUID,
// *ServerError, time.Time, Datetime, Interval or RawExt). Everything else
// has the semantics of github.com/vmihailenco/msgpack/v5: structs with
// msgpack tags (including `msgpack:",as_array"`), slices and maps of them,
// and fields of type UUID, Decimal, Datetime and Interval (they implement
// msgpack.CustomDecoder). Interface-typed fields
// inside v follow that library's rules: integers keep their wire width
// (int8, uint16, ...), and Tarantool extensions in them fail unless
// registered with the library by someone else; give such fields a concrete
// type instead.
//
// Schema evolution. Unlike the library, which wants exactly one array
// element per struct field, an array decoded into a struct (anywhere in v:
// a tuple, a nested struct, an element of a slice or map) may be shorter
// or longer than the struct: fields past the last element get their zero
// values, elements past the last field are skipped. So a space that gains
// a trailing (nullable) field, or a struct that gains one before the
// space does, keeps decoding. A struct whose marker field is tagged
// `msgpack:",as_array,strict"` (the library ignores the option) wants the
// exact count: any other non-empty array is an *UnmarshalError wrapping a
// *FieldCountError that names both counts.
//
// Fast path. If v is a *S or *[]S where every field of the struct S that
// the library decodes is a bool, an int or uint kind, float32, float64,
// string or []byte (named types allowed unless they, or S, decode
// themselves through msgpack.CustomDecoder, msgpack.Unmarshaler,
// encoding.BinaryUnmarshaler or encoding.TextUnmarshaler; no embedded
// fields, no "intern" or "alias" tag options), Decode reads the value
// straight into the fields through a per-type plan cached on first use,
// taking structs as arrays or maps. It produces exactly what the library
// would, including its quirks: integers are truncated to the field's width
// rather than range-checked, nil gives zero values, a slice is resliced
// from index 0 and its elements decoded in place. It allocates only the strings and
// []byte contents (copied, never aliasing b, reusing a []byte field's array
// when large enough) and the slice's array when its capacity is too small.
// Into a *[]S, strings of up to 256 bytes are copied into shared blocks of
// at most 4 KiB (never more than the value's size), so 1,000 rows of short
// strings cost a few allocations, not one per string; the strings are
// immutable as usual, but one kept alive keeps its block alive.
// Whenever the value holds something the fast path does not reproduce
// exactly (a wrong wire type, a wrong element count, a map key that is not
// a string, a float 32 NaN, ...), the whole value is decoded again by the
// library, so results and errors are always the library's. A type
// registered with msgpack.Register is not detected; do not register
// decoders for fast-pathed types. Other targets (*[]*S, nested structs,
// maps, pointers, interfaces) always use the library: a pooled Decoder
// reading from a pooled bytes.Reader, which allocates what v needs plus
// what the library allocates internally (for example one error value per
// array-encoded struct). Before the library runs, arrays decoded into
// structs with another element count are resized in a copy of the value
// (a pooled buffer: no allocation once warm); a value that needs no change
// costs one pass over its bytes, and none when v's type holds no struct.
//
// The fast path checks every read itself. Before the library runs, b is
// checked without allocating: a truncated value, a declared length longer
// than the data, or nesting deeper than MaxDepth is a *MalformedError, so
// hostile input cannot make the library allocate huge slices or overflow
// the stack. When v holds a map[string]any, an extension value whose
// payload starts with a map header declaring more entries than the data
// holds is a *MalformedError too (the library would read it as a map and
// size the map from it); a legitimate extension whose payload starts that
// way by chance (2 in 256 UUIDs or datetimes) is refused with it. Other
// failures are *UnmarshalError wrapping the library's error, or the errors
// of DecodeValue for the generic shapes. After a *MalformedError v may
// have been partly written (the fast path finds the damage only when it
// gets there); after other errors it holds what the library left in it.
func Decode(b []byte, v any) error { return decode(b, v, false) }

// DecodeShared is Decode for a b that is never written to again (such as
// a response body the caller owns): a string of more than 256 bytes that
// takes at least half of b may then point into b instead of being copied,
// so a 1 MiB string field, or a *string, costs no allocation of its own.
// Keeping such a string alive keeps b's array alive: at most about twice
// the string's size. Only the fast path (struct fields, and *string)
// shares; every other target decodes as with Decode.
func DecodeShared(b []byte, v any) error { return decode(b, v, true) }

func decode(b []byte, v any, share bool) error {
	switch p := v.(type) {
	case *any:
		if p != nil {
			return decodeGeneric(b, p)
		}
	case *[]any:
		if p != nil {
			return decodeGeneric(b, p)
		}
	case *[][]any:
		if p != nil {
			return decodeGeneric(b, p)
		}
	case *map[string]any:
		if p != nil {
			return decodeGeneric(b, p)
		}
	}
	// The fast path checks its own reads, so it runs on b as it is: a
	// separate validation pass would cost a third of the decoding.
	if decodeStructFast(b, v, share) {
		return nil
	}
	// The msgpack library trusts declared lengths (it allocates a slice of
	// the declared size before reading elements) and recurses without a
	// limit, so check the value first: lengths against the data, nesting
	// against MaxDepth.
	vr := reader{buf: b}
	if err := vr.validate(0); err != nil {
		return err
	}
	if holdsStringAnyMap(reflect.TypeOf(v)) {
		if err := checkExtMapHeaders(b); err != nil {
			return err
		}
	}
	return decodeEvolved(b, v)
}

// decodeEvolved decodes the first value of b into v with the library,
// after resizing the arrays decoded into structs to their field counts
// (struct_evolve.go). b must have passed reader.validate.
func decodeEvolved(b []byte, v any) error {
	fixed, buf, err := evolveArrays(b, v)
	if err != nil {
		return &UnmarshalError{Type: reflect.TypeOf(v), Err: err}
	}
	err = decodeWithLibrary(fixed, v)
	if buf != nil {
		evolveBuffers.Put(buf)
	}
	return err
}

// decodeWithLibrary decodes the first value of b into v with a pooled
// msgpack Decoder. b must have passed reader.validate.
func decodeWithLibrary(b []byte, v any) (err error) {
	d := typedDecoders.Get().(*pooledDecoder)
	d.r.Reset(b)
	d.dec.Reset(&d.r)
	defer func() {
		if rec := recover(); rec != nil {
			err = &UnmarshalError{Type: reflect.TypeOf(v), Err: &panicError{rec}}
		}
		d.r.Reset(nil)
		typedDecoders.Put(d)
	}()
	if err := d.dec.Decode(v); err != nil {
		return &UnmarshalError{Type: reflect.TypeOf(v), Err: err}
	}
	return nil
}

// decodeGeneric decodes into the generic Go shapes (any, []any, [][]any,
// map[string]any) with DecodeValue, so that Tarantool's extension types
// (decimal, uuid, error, datetime) decode there too; the msgpack library
// only knows extensions registered in its process-wide registry.
func decodeGeneric[T any](b []byte, p *T) error {
	val, _, err := DecodeValue(b)
	if err != nil {
		return err
	}
	if val == nil {
		var zero T
		*p = zero
		return nil
	}
	switch p := any(p).(type) {
	case *any:
		*p = val
		return nil
	case *[][]any:
		items, ok := val.([]any)
		if !ok {
			break
		}
		rows := make([][]any, len(items))
		for i, item := range items {
			if rows[i], ok = item.([]any); !ok && item != nil {
				return &UnmarshalError{Type: reflect.TypeOf(p), Err: fmt.Errorf("element %d is %T, not an array", i, item)}
			}
		}
		*p = rows
		return nil
	}
	out, ok := val.(T)
	if !ok {
		return &UnmarshalError{Type: reflect.TypeOf(p), Err: fmt.Errorf("value is %T", val)}
	}
	*p = out
	return nil
}

// DecodeArrayHeader reads the header of the MessagePack array at the start
// of b and returns its element count and the bytes after the header. The
// count is checked against the bytes left, so it is safe to preallocate.
// It does not allocate on success.
func DecodeArrayHeader(b []byte) (n int, rest []byte, err error) {
	r := reader{buf: b}
	if n, err = r.arrayLen(); err != nil {
		return 0, nil, err
	}
	return n, b[r.off:], nil
}
