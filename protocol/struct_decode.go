package protocol

import (
	"encoding"
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/vmihailenco/msgpack/v5"
)

// This file is Decode's fast path for *S and *[]S, S a struct of plain
// fields: a decode plan (field names, kinds and offsets) is built once per
// pointer type and cached, and the value is then decoded straight from the
// buffer into the fields through their offsets.
//
// The fast path never reports an error. Whenever it meets something it does
// not handle exactly as github.com/vmihailenco/msgpack/v5 (v5.4.1) does, it
// gives up and Decode runs the library on the whole value, so results and
// error messages are the library's. The library rules it reproduces:
//
//   - Fields: those getFields keeps. A field tagged `msgpack:"-"` is
//     skipped, as are unexported fields (the `_msgpack struct{}` marker
//     among them); the tag's first comma-separated part, trimmed, renames
//     the field. Embedded fields, the "intern" option, tags with quotes,
//     colons (such as alias:), backslashes or brackets, and duplicate names
//     make the type unsupported.
//   - Types: S, *S and every field type T and *T must implement none of
//     msgpack.CustomDecoder, msgpack.Unmarshaler, encoding.BinaryUnmarshaler
//     and encoding.TextUnmarshaler; field kinds are bool, the int and uint
//     kinds, float32, float64, string and slices of a uint8 kind.
//   - Struct wire forms (decodeStructValue): nil and the empty array set the
//     struct to its zero value; a map's keys (str, bin or nil, which reads
//     as "") select fields by name, unknown keys are skipped, fields
//     without a key keep their value. `as_array` only matters for encoding.
//   - Arrays, where this package departs from the library (whose rule is
//     exactly one element per field): the elements are decoded in order,
//     fields past the last element decode as nil does, elements past the
//     last field are skipped; struct_evolve.go makes the library path do
//     the same by rewriting the array before the library reads it. A
//     struct marked `msgpack:",as_array,strict"` keeps the exact rule and
//     gets a *FieldCountError (from the library path) otherwise.
//   - Fields: nil decodes to the zero value everywhere. Integer fields take
//     any integer encoding and keep its low bits (the library does not
//     range-check: 300 into a uint8 is 44, -1 into a uint64 is MaxUint64).
//     float32 takes float 32 and integers (not float 64); float64 takes
//     float 32, float 64 and integers. string and []byte take str and bin.
//     A []byte is copied, into the field's existing array when its capacity
//     suffices, as the library's readN does; a nil field with an empty value
//     gets a non-nil empty slice. A float 32 NaN falls back (the library's
//     float conversions may change its payload bits).
//   - Slices (decodeSliceValue): nil sets the slice to nil; an empty array
//     sets it to a non-nil empty slice (s[:0] if it had an array); otherwise
//     the slice is resliced to the element count when its capacity
//     suffices, else grown the same way (old elements up to its capacity
//     kept), and every element is decoded in place, so a map-form element
//     keeps the fields of whatever struct was at that index before.
//
// Types registered with msgpack.Register are not detected (the library
// keeps that registry private); a registered decoder for S or a field type
// is bypassed by the fast path.

// fieldKind says how a field's bytes are stored.
type fieldKind uint8

const (
	fieldBool fieldKind = iota
	fieldInt8
	fieldInt16
	fieldInt32
	fieldInt64
	fieldUint8
	fieldUint16
	fieldUint32
	fieldUint64
	fieldFloat32
	fieldFloat64
	fieldString
	fieldBytes
)

// planField is one struct field in a decode plan.
type planField struct {
	name   string
	offset uintptr
	kind   fieldKind
}

// structPlan is how to decode one struct type: its fields in the library's
// order, and for large structs an index by name.
type structPlan struct {
	typ    reflect.Type
	fields []planField
	byName map[string]int // nil for small structs (a linear scan is faster)
	strict bool           // the `msgpack:",as_array,strict"` marker: arrays must have one element per field
	// hasString: a field is a string, so decoding a slice of the struct
	// takes a strArena.
	hasString bool
}

// strArena hands out the strings of one slice decode: short strings are
// copied into shared blocks of at most arenaBlock bytes (and never more
// than the bytes left in the value, which bound its strings' total), so
// 1,000 tuples of four short strings cost a few allocations instead of
// 4,000. The blocks are never written again once a string is in them, so
// the strings are as immutable as any; keeping one alive keeps its block
// (at most arenaBlock bytes) alive. Strings longer than arenaMaxString
// get an allocation of their own.
//
// It also serves DecodeShared: a string of at least aliasMin bytes (more
// than arenaMaxString, and half of the value) then points into the value
// itself, which its caller never writes to again.
type strArena struct {
	free     []byte
	blocks   bool // short strings go into blocks (a slice decode)
	aliasMin int  // 0: never alias the value
}

const (
	arenaBlock     = 4 << 10
	arenaMaxString = 256
)

// str returns data as a string; rest is the number of bytes of the value
// after data (the most the following strings can take).
func (a *strArena) str(data []byte, rest int) string {
	n := len(data)
	if n == 0 {
		return ""
	}
	if a.aliasMin > 0 && n >= a.aliasMin {
		return unsafe.String(unsafe.SliceData(data), n)
	}
	if !a.blocks || n > arenaMaxString {
		return string(data)
	}
	if len(a.free) < n {
		a.free = make([]byte, max(n, min(arenaBlock, n+rest)))
	}
	out := a.free[:n:n]
	a.free = a.free[n:]
	copy(out, data)
	return unsafe.String(unsafe.SliceData(out), n)
}

// fastTarget is the cached plan for one pointer type Decode may be given:
// *S (slice == nil) or *[]S (slice is the slice type).
type fastTarget struct {
	plan     *structPlan
	slice    reflect.Type
	elemSize uintptr
}

// fastTargets caches, per pointer type, its *typedTarget; a nil target
// means the type takes the library path.
var fastTargets sync.Map

// Interfaces that make the msgpack library decode a type with its own code.
var (
	customDecoderType     = reflect.TypeFor[msgpack.CustomDecoder]()
	unmarshalerType       = reflect.TypeFor[msgpack.Unmarshaler]()
	binaryUnmarshalerType = reflect.TypeFor[encoding.BinaryUnmarshaler]()
	textUnmarshalerType   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// byNameThreshold is the field count above which a plan gets a name index.
const byNameThreshold = 16

// decodeStructFast decodes the first value of b into v if v is a non-nil
// *S or *[]S whose struct type has a supported plan and the value is in a
// form the fast path handles; it reports whether it did. When it reports
// false, v may have been written to only in ways that decoding the same
// value with the msgpack library repeats (see the file comment), so the
// caller must then validate b and decode with the library. b need not be
// valid: every read is bounds-checked and no declared length is trusted
// beyond the bytes that are there (a slice gets at most one element per
// byte left, as for valid input), so hostile input makes it give up,
// never panic or size anything from a length it cannot back.
func decodeStructFast(b []byte, v any, share bool) bool {
	if len(b) == 0 {
		return false
	}
	// aliasMin > 0: strings that long may point into b (DecodeShared).
	aliasMin := 0
	if share {
		aliasMin = max(arenaMaxString+1, (len(b)+1)/2)
	}
	var a *strArena
	if aliasMin > 0 {
		a = &strArena{aliasMin: aliasMin}
	}
	if ps, ok := v.(*string); ok {
		if ps == nil {
			return false
		}
		_, ok := decodeField(b, 0, fieldString, unsafe.Pointer(ps), a)
		return ok
	}
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return false
	}
	tgt := fastTargetFor(t)
	if tgt == nil {
		return false
	}
	p := reflect.ValueOf(v).UnsafePointer()
	if p == nil {
		return false
	}
	if tgt.slice == nil {
		_, ok := tgt.plan.decode(b, 0, p, 0, a)
		return ok
	}
	return tgt.decodeSlice(b, p, aliasMin)
}

// fastTargetFor returns the cached target for the pointer type t, building
// it on first use, or nil if t is not fast-pathed.
func fastTargetFor(t reflect.Type) *fastTarget {
	if last := lastFastTarget.Load(); last != nil && last.t == t {
		return last.tgt
	}
	var entry *typedTarget
	if c, ok := fastTargets.Load(t); ok {
		entry = c.(*typedTarget)
	} else {
		entry = &typedTarget{t, buildFastTarget(t)}
		fastTargets.Store(t, entry)
	}
	lastFastTarget.Store(entry) // no allocation: entries are made once per type
	return entry.tgt
}

// lastFastTarget remembers the last type looked up: a loop decoding one
// type skips the map (whose lookup hashes the type) on every call after
// the first. Like fastTargets, only a cache.
var lastFastTarget atomic.Pointer[typedTarget]

// typedTarget is one entry of lastFastTarget.
type typedTarget struct {
	t   reflect.Type
	tgt *fastTarget
}

// buildFastTarget builds the target for the pointer type t, or returns nil.
func buildFastTarget(t reflect.Type) *fastTarget {
	e := t.Elem()
	switch e.Kind() {
	case reflect.Struct:
		if plan := buildStructPlan(e); plan != nil {
			return &fastTarget{plan: plan}
		}
	case reflect.Slice:
		el := e.Elem()
		if el.Kind() != reflect.Struct || decodesItself(e) {
			return nil
		}
		if plan := buildStructPlan(el); plan != nil {
			return &fastTarget{plan: plan, slice: e, elemSize: el.Size()}
		}
	}
	return nil
}

// decodesItself reports whether the msgpack library decodes t (a non-pointer
// type) with the type's own methods.
func decodesItself(t reflect.Type) bool {
	for _, it := range []reflect.Type{customDecoderType, unmarshalerType, binaryUnmarshalerType, textUnmarshalerType} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

// buildStructPlan returns the plan for the struct type t, or nil if some
// field or tag is outside what the fast path reproduces.
func buildStructPlan(t reflect.Type) *structPlan {
	if decodesItself(t) {
		return nil
	}
	plan := &structPlan{typ: t, strict: isStrictStruct(t)}
	seen := make(map[string]bool)
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, ok := parseMsgpackTag(f.Tag.Get("msgpack"))
		if !ok {
			return nil
		}
		if name == "-" {
			continue
		}
		if f.Anonymous {
			return nil // inlining rules: leave them to the library
		}
		if !f.IsExported() {
			continue
		}
		for _, o := range opts {
			if o == "intern" {
				return nil
			}
		}
		kind, ok := planKind(f.Type)
		if !ok {
			return nil
		}
		if name == "" {
			name = f.Name
		}
		if seen[name] {
			return nil // the library logs and lets the last one win
		}
		seen[name] = true
		plan.hasString = plan.hasString || kind == fieldString
		plan.fields = append(plan.fields, planField{name: name, offset: f.Offset, kind: kind})
	}
	if len(plan.fields) > byNameThreshold {
		plan.byName = make(map[string]int, len(plan.fields))
		for i, f := range plan.fields {
			plan.byName[f.name] = i
		}
	}
	return plan
}

// parseMsgpackTag splits a msgpack struct tag into its name and options the
// way github.com/vmihailenco/tagparser/v2 does for tags without quotes,
// colons, backslashes or brackets; for tags with them it reports ok=false.
func parseMsgpackTag(tag string) (name string, opts []string, ok bool) {
	if strings.ContainsAny(tag, `':\()`) {
		return "", nil, false
	}
	parts := strings.Split(tag, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts[0], parts[1:], true
}

// planKind maps a field type to how the fast path stores it.
func planKind(t reflect.Type) (fieldKind, bool) {
	if decodesItself(t) {
		return 0, false
	}
	switch t.Kind() {
	case reflect.Bool:
		return fieldBool, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intKind(fieldInt8, t.Size()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return intKind(fieldUint8, t.Size()), true
	case reflect.Float32:
		return fieldFloat32, true
	case reflect.Float64:
		return fieldFloat64, true
	case reflect.String:
		return fieldString, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return fieldBytes, true
		}
	}
	return 0, false
}

// intKind returns the 8-, 16-, 32- or 64-bit kind from base (fieldInt8 or
// fieldUint8) for a size in bytes.
func intKind(base fieldKind, size uintptr) fieldKind {
	switch size {
	case 1:
		return base
	case 2:
		return base + 1
	case 4:
		return base + 2
	}
	return base + 3
}

// field returns the field named name, trying position i first (maps usually
// list the fields in order), or nil.
func (p *structPlan) field(name []byte, i int) *planField {
	if i < len(p.fields) && p.fields[i].name == string(name) {
		return &p.fields[i]
	}
	if p.byName != nil {
		if j, ok := p.byName[string(name)]; ok {
			return &p.fields[j]
		}
		return nil
	}
	for j := range p.fields {
		if p.fields[j].name == string(name) {
			return &p.fields[j]
		}
	}
	return nil
}

// zero sets the struct at base to its zero value.
func (p *structPlan) zero(base unsafe.Pointer) {
	reflect.NewAt(p.typ, base).Elem().SetZero()
}

// has reports whether b holds n bytes from off on. The fast path checks
// every read with it (b has not been validated), giving up on truncated
// input, which Decode then reports as malformed.
func has(b []byte, off, n int) bool { return off >= 0 && n <= len(b)-off }

// containerLen reads an array or map header at b[off]. isMap tells which;
// ok is false for anything else, or when the header is truncated or
// declares more elements than there are bytes left (every element takes
// at least one), so that no caller sizes anything from a hostile length.
func containerLen(b []byte, off int) (n, next int, isMap, ok bool) {
	if !has(b, off, 1) {
		return 0, 0, false, false
	}
	c := b[off]
	switch {
	case c&0xf0 == 0x90:
		n, next = int(c&0x0f), off+1
	case c&0xf0 == 0x80:
		n, next, isMap = int(c&0x0f), off+1, true
	case (c == mpArray16 || c == mpMap16) && has(b, off, 3):
		n, next, isMap = int(binary.BigEndian.Uint16(b[off+1:])), off+3, c == mpMap16
	case (c == mpArray32 || c == mpMap32) && has(b, off, 5):
		n, next, isMap = int(binary.BigEndian.Uint32(b[off+1:])), off+5, c == mpMap32
	default:
		return 0, 0, false, false
	}
	elems := n
	if isMap {
		elems *= 2
	}
	if elems > len(b)-next {
		return 0, 0, false, false
	}
	return n, next, isMap, true
}

// decode decodes the struct at b[off], depth levels below the top of the
// value, into base and returns the offset after it.
func (p *structPlan) decode(b []byte, off int, base unsafe.Pointer, depth int, a *strArena) (int, bool) {
	if !has(b, off, 1) {
		return 0, false
	}
	if b[off] == mpNil {
		p.zero(base)
		return off + 1, true
	}
	n, off, isMap, ok := containerLen(b, off)
	if !ok {
		return 0, false
	}
	if isMap {
		return p.decodeMap(b, off, n, base, depth, a)
	}
	if n == 0 {
		p.zero(base)
		return off, true
	}
	if n != len(p.fields) && p.strict {
		return 0, false // the fallback reports the *FieldCountError
	}
	// A tuple may be shorter or longer than the struct (a field added to
	// or dropped from the space format): fields without an element decode
	// as nil would, elements without a field are skipped.
	kept := min(n, len(p.fields))
	for i := range kept {
		f := &p.fields[i]
		if off, ok = decodeField(b, off, f.kind, unsafe.Add(base, f.offset), a); !ok {
			return 0, false
		}
	}
	for i := kept; i < len(p.fields); i++ {
		f := &p.fields[i]
		decodeField(nilValue[:], 0, f.kind, unsafe.Add(base, f.offset), nil)
	}
	for i := kept; i < n; i++ {
		// validate, not skip: it also bounds the nesting, as Decode's
		// check of the whole value would.
		r := reader{buf: b, off: off}
		if r.validate(depth+1) != nil {
			return 0, false
		}
		off = r.off
	}
	return off, true
}

// nilValue is a MessagePack nil, which decodeField decodes into a missing
// field's zero value.
var nilValue = [1]byte{mpNil}

// decodeMap decodes n key-value pairs starting at b[off] into the fields
// they name.
func (p *structPlan) decodeMap(b []byte, off, n int, base unsafe.Pointer, depth int, a *strArena) (int, bool) {
	for i := 0; i < n; i++ {
		key, next, ok := strOrBin(b, off)
		if !ok {
			return 0, false
		}
		off = next
		f := p.field(key, i)
		if f == nil {
			// validate, not skip: it also bounds the nesting, as Decode's
			// check of the whole value would.
			r := reader{buf: b, off: off}
			if r.validate(depth+1) != nil {
				return 0, false
			}
			off = r.off
			continue
		}
		if off, ok = decodeField(b, off, f.kind, unsafe.Add(base, f.offset), a); !ok {
			return 0, false
		}
	}
	return off, true
}

// strOrBin reads a str, bin or nil (as empty) value at b[off] and returns
// its bytes, a sub-slice of b.
func strOrBin(b []byte, off int) (data []byte, next int, ok bool) {
	if !has(b, off, 1) {
		return nil, 0, false
	}
	c := b[off]
	var n int
	switch {
	case c&0xe0 == 0xa0:
		n, off = int(c&0x1f), off+1
	case c == mpNil:
		return nil, off + 1, true
	case (c == mpStr8 || c == mpBin8) && has(b, off, 2):
		n, off = int(b[off+1]), off+2
	case (c == mpStr16 || c == mpBin16) && has(b, off, 3):
		n, off = int(binary.BigEndian.Uint16(b[off+1:])), off+3
	case (c == mpStr32 || c == mpBin32) && has(b, off, 5):
		n, off = int(binary.BigEndian.Uint32(b[off+1:])), off+5
	default:
		return nil, 0, false
	}
	if !has(b, off, n) {
		return nil, 0, false
	}
	return b[off : off+n], off + n, true
}

// intBits reads nil (as 0) or an integer in any encoding at b[off] and
// returns its 64-bit two's complement bits, as the library's int and uint
// readers do: signed encodings are sign-extended, unsigned ones are not.
func intBits(b []byte, off int) (u uint64, next int, ok bool) {
	if !has(b, off, 1) {
		return 0, 0, false
	}
	c := b[off]
	switch {
	case c <= 0x7f:
		return uint64(c), off + 1, true
	case c >= 0xe0:
		return uint64(int64(int8(c))), off + 1, true
	case !has(b, off, intEncodedSize[c]):
		return 0, 0, false
	}
	switch c {
	case mpNil:
		return 0, off + 1, true
	case mpUint8:
		return uint64(b[off+1]), off + 2, true
	case mpUint16:
		return uint64(binary.BigEndian.Uint16(b[off+1:])), off + 3, true
	case mpUint32:
		return uint64(binary.BigEndian.Uint32(b[off+1:])), off + 5, true
	case mpUint64, mpInt64:
		return binary.BigEndian.Uint64(b[off+1:]), off + 9, true
	case mpInt8:
		return uint64(int64(int8(b[off+1]))), off + 2, true
	case mpInt16:
		return uint64(int64(int16(binary.BigEndian.Uint16(b[off+1:])))), off + 3, true
	case mpInt32:
		return uint64(int64(int32(binary.BigEndian.Uint32(b[off+1:])))), off + 5, true
	}
	return 0, 0, false
}

// intEncodedSize is the encoded size of an integer (or nil) by its first byte,
// for the first bytes that are not fixints; 0 for the others.
var intEncodedSize = [256]int{
	mpNil: 1, mpUint8: 2, mpUint16: 3, mpUint32: 5, mpUint64: 9,
	mpInt8: 2, mpInt16: 3, mpInt32: 5, mpInt64: 9,
}

// float32At reads a float 32 at b[off] (b[off] == mpFloat32). ok is false
// for a NaN or a truncated value.
func float32At(b []byte, off int) (float32, bool) {
	if !has(b, off, 5) {
		return 0, false
	}
	f := math.Float32frombits(binary.BigEndian.Uint32(b[off+1:]))
	return f, f == f
}

// decodeField decodes the value at b[off] into the field at p and returns
// the offset after it; a string field's bytes come from a when it is not
// nil.
func decodeField(b []byte, off int, kind fieldKind, p unsafe.Pointer, a *strArena) (int, bool) {
	if !has(b, off, 1) {
		return 0, false
	}
	switch kind {
	case fieldBool:
		switch b[off] {
		case mpNil, mpFalse:
			*(*bool)(p) = false
		case mpTrue:
			*(*bool)(p) = true
		default:
			return 0, false
		}
		return off + 1, true
	case fieldString:
		data, next, ok := strOrBin(b, off)
		if !ok {
			return 0, false
		}
		if a != nil {
			*(*string)(p) = a.str(data, len(b)-next)
		} else {
			*(*string)(p) = string(data)
		}
		return next, true
	case fieldBytes:
		if b[off] == mpNil {
			*(*[]byte)(p) = nil
			return off + 1, true
		}
		data, next, ok := strOrBin(b, off)
		if !ok {
			return 0, false
		}
		setBytes((*[]byte)(p), data)
		return next, true
	case fieldFloat32:
		if b[off] == mpFloat32 {
			f, ok := float32At(b, off)
			if !ok {
				return 0, false
			}
			*(*float32)(p) = f
			return off + 5, true
		}
		u, next, ok := intBits(b, off)
		if !ok {
			return 0, false
		}
		*(*float32)(p) = float32(int64(u))
		return next, true
	case fieldFloat64:
		switch b[off] {
		case mpFloat32:
			f, ok := float32At(b, off)
			if !ok {
				return 0, false
			}
			*(*float64)(p) = float64(f)
			return off + 5, true
		case mpFloat64:
			if !has(b, off, 9) {
				return 0, false
			}
			*(*float64)(p) = math.Float64frombits(binary.BigEndian.Uint64(b[off+1:]))
			return off + 9, true
		}
		u, next, ok := intBits(b, off)
		if !ok {
			return 0, false
		}
		*(*float64)(p) = float64(int64(u))
		return next, true
	}
	u, next, ok := intBits(b, off)
	if !ok {
		return 0, false
	}
	switch kind {
	case fieldInt8, fieldUint8:
		*(*uint8)(p) = uint8(u)
	case fieldInt16, fieldUint16:
		*(*uint16)(p) = uint16(u)
	case fieldInt32, fieldUint32:
		*(*uint32)(p) = uint32(u)
	default:
		*(*uint64)(p) = u
	}
	return next, true
}

// setBytes copies data into *dst the way the library's readN does: into
// the existing array when its capacity suffices, else into a grown one; a
// nil *dst gets a new slice of exactly len(data) (non-nil even when empty).
func setBytes(dst *[]byte, data []byte) {
	s, n := *dst, len(data)
	switch {
	case s == nil:
		s = make([]byte, n)
	case n > cap(s):
		s = append(s, make([]byte, n-len(s))...)
	default:
		s = s[:n]
	}
	copy(s, data)
	*dst = s
}

// sliceHeader is the memory layout of a slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// decodeSlice decodes the array at b[0] into the slice at sp (of type
// t.slice), its strings from one strArena (aliasing b from aliasMin bytes,
// if not 0). On failure it restores the slice header it started with.
func (t *fastTarget) decodeSlice(b []byte, sp unsafe.Pointer, aliasMin int) bool {
	hdr := (*sliceHeader)(sp)
	if b[0] == mpNil {
		*hdr = sliceHeader{}
		return true
	}
	n, off, isMap, ok := containerLen(b, 0)
	if !ok || isMap {
		return false
	}
	if n == 0 {
		if hdr.data == nil {
			reflect.NewAt(t.slice, sp).Elem().Set(reflect.MakeSlice(t.slice, 0, 0))
		} else {
			hdr.len = 0
		}
		return true
	}
	saved := *hdr
	if hdr.cap >= n {
		hdr.len = n
	} else {
		hdr.len = hdr.cap
		v := reflect.NewAt(t.slice, sp).Elem()
		v.Grow(n - hdr.len)
		v.SetLen(n)
	}
	base := hdr.data
	arena := strArena{blocks: true, aliasMin: aliasMin}
	var a *strArena
	if t.plan.hasString {
		a = &arena
	}
	for i := 0; i < n; i++ {
		if off, ok = t.plan.decode(b, off, unsafe.Add(base, uintptr(i)*t.elemSize), 1, a); !ok {
			*hdr = saved
			return false
		}
	}
	return true
}
