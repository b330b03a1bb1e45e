package protocol

import (
	"bytes"
	"encoding"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vmihailenco/msgpack/v5"
)

// This file makes array-encoded structs survive schema evolution on the
// library path: the msgpack library requires an array decoded into a
// struct to have exactly one element per field, so a space that gains a
// trailing nullable field (or a struct that gains a field before the
// space does) breaks every decode. Before the library runs, Decode walks
// the value alongside the Go type of its destination and rewrites every
// array that will be decoded into a struct with the wrong element count:
// elements past the last field are dropped, missing ones are added as the
// library encodes the field's zero value.
// The fast path (struct_decode.go) applies the same rule itself, so both
// paths give the same result.
//
// The walk follows how the library picks a decoder for each type:
// pointers, slices, Go arrays, maps (keys and values) and struct fields
// are followed; types that decode themselves (msgpack.CustomDecoder,
// msgpack.Unmarshaler, encoding.BinaryUnmarshaler or TextUnmarshaler,
// such as Decimal, UUID and time.Time), []byte, interfaces and scalars are
// left as they are. The library's field count of a struct comes from the
// struct's fields when they have no embedded fields and plain tags (the
// rules the fast path reproduces), else from the library itself (the
// length of the array it encodes the zero struct as, the same array the
// missing fields are taken from); the walk goes into the fields of the
// first kind only. A struct whose count cannot be found
// (it encodes itself but does not decode itself) keeps the library's rule.
// A value whose type holds no struct is not walked at all.
//
// Cost: nothing for values that need no change besides one pass over the
// bytes (no allocation; types without structs skip it); a rewrite copies
// the value once into a pooled buffer. The per-type description is built
// once per type and cached.

// evolveKind is how the library decodes a type, for the walk.
type evolveKind uint8

const (
	evolveOpaque evolveKind = iota // nothing inside is rewritten
	evolvePtr                      // nil, or the element's value
	evolveSeq                      // slice or Go array: an array of elements
	evolveMap                      // map: key-value pairs
	evolveStruct                   // struct: an array or a map
)

// evolveNode describes one Go type for the walk.
type evolveNode struct {
	typ  reflect.Type
	kind evolveKind
	// holds reports whether a value of the type may hold a struct, i.e.
	// whether the walk must look at it.
	holds bool
	elem  *evolveNode // evolvePtr, evolveSeq: the element; evolveMap: the value
	key   *evolveNode // evolveMap: the key
	// evolveStruct: count is the library's field count (-1: unknown, leave
	// the struct's arrays as they are); fields, when the layout is known,
	// the field types in the library's order and byName the map-form keys.
	count  int
	fields []*evolveNode
	byName map[string]*evolveNode
	strict bool // the `msgpack:",as_array,strict"` marker
	// zero is the library's encoding of the zero struct as an array (nil
	// if it has none), zeroAt[i] the offset of its element i (and
	// zeroAt[count] its end): missing fields are filled from it, so that
	// they decode to their zero values (nil would leave a Go array as it
	// was, and makes the library panic on a time.Time).
	zero   []byte
	zeroAt []int
}

// lastEvolveNode is the node last looked up: a loop decoding one type
// skips the map (whose lookup hashes the type). Only a cache.
var lastEvolveNode atomic.Pointer[evolveNode]

// evolveNodes caches *evolveNode per type. Only a cache: two goroutines
// may build the same type's node, and either result is correct.
var evolveNodes sync.Map

// evolveNodeFor returns the cached node for t, building it (and the nodes
// of the types it reaches) on first use.
func evolveNodeFor(t reflect.Type) *evolveNode {
	if last := lastEvolveNode.Load(); last != nil && last.typ == t {
		return last
	}
	if n, ok := evolveNodes.Load(t); ok {
		lastEvolveNode.Store(n.(*evolveNode))
		return n.(*evolveNode)
	}
	built := make(map[reflect.Type]*evolveNode)
	root := buildEvolveNode(t, built)
	// holds: a fixpoint over the new nodes (types may be recursive).
	for changed := true; changed; {
		changed = false
		for _, n := range built {
			if !n.holds && n.reachesStruct() {
				n.holds, changed = true, true
			}
		}
	}
	for t, n := range built {
		evolveNodes.LoadOrStore(t, n)
	}
	return root
}

// reachesStruct reports whether n is a struct the walk handles or has a
// child that holds one.
func (n *evolveNode) reachesStruct() bool {
	switch n.kind {
	case evolveStruct:
		return true
	case evolvePtr, evolveSeq:
		return n.elem.holds
	case evolveMap:
		return n.elem.holds || n.key.holds
	}
	return false
}

// buildEvolveNode builds the node of t; built holds the nodes of this
// build, so that recursive types end.
func buildEvolveNode(t reflect.Type, built map[reflect.Type]*evolveNode) *evolveNode {
	if n, ok := built[t]; ok {
		return n
	}
	if n, ok := evolveNodes.Load(t); ok {
		return n.(*evolveNode)
	}
	n := &evolveNode{typ: t, count: -1}
	built[t] = n
	if decodesItself(t) {
		return n
	}
	switch t.Kind() {
	case reflect.Pointer:
		n.kind, n.elem = evolvePtr, buildEvolveNode(t.Elem(), built)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 { // bytes are not elements
			n.kind, n.elem = evolveSeq, buildEvolveNode(t.Elem(), built)
		}
	case reflect.Map:
		n.kind = evolveMap
		n.key, n.elem = buildEvolveNode(t.Key(), built), buildEvolveNode(t.Elem(), built)
	case reflect.Struct:
		n.kind, n.strict = evolveStruct, isStrictStruct(t)
		plain := n.plainFields(t, built)
		n.zero, n.zeroAt = libraryZeroStruct(t)
		switch {
		case n.zero != nil && (!plain || len(n.zeroAt)-1 != len(n.fields)):
			n.fields, n.byName = nil, nil
			n.count = len(n.zeroAt) - 1
		case n.zero == nil && !plain:
			n.count = -1
		}
	}
	return n
}

// plainFields lists the fields of the struct t the way the library does,
// if t has no embedded fields and only plain tags (the fast path's rules);
// it reports whether it could.
func (n *evolveNode) plainFields(t reflect.Type, built map[reflect.Type]*evolveNode) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, ok := parseMsgpackTag(f.Tag.Get("msgpack"))
		if !ok {
			return false
		}
		if name == "-" {
			continue
		}
		if f.Anonymous {
			return false
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		child := buildEvolveNode(f.Type, built)
		n.fields = append(n.fields, child)
		if n.byName == nil {
			n.byName = make(map[string]*evolveNode)
		}
		n.byName[name] = child // the library lets the last duplicate win
	}
	n.count = len(n.fields)
	return true
}

// Interfaces that make the msgpack library encode a type with its own code.
var (
	customEncoderType   = reflect.TypeFor[msgpack.CustomEncoder]()
	marshalerType       = reflect.TypeFor[msgpack.Marshaler]()
	binaryMarshalerType = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
)

// libraryZeroStruct returns the msgpack library's encoding of the zero
// value of the struct t as an array, and the offsets of its elements and
// its end. Its length is the number of fields the library decodes an
// array into t from (embedded structs inlined, shadowed fields dropped,
// ...), learnt from the library instead of repeating its rules. It
// returns nil when t encodes itself, or the library cannot encode it.
func libraryZeroStruct(t reflect.Type) (enc []byte, at []int) {
	for _, it := range []reflect.Type{customEncoderType, marshalerType, binaryMarshalerType, textMarshalerType} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return nil, nil
		}
	}
	defer func() {
		if recover() != nil {
			enc, at = nil, nil
		}
	}()
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	e.UseArrayEncodedStructs(true)
	if e.EncodeValue(reflect.New(t).Elem()) != nil {
		return nil, nil
	}
	enc = buf.Bytes()
	r := reader{buf: enc}
	if r.validate(0) != nil || r.off != len(enc) {
		return nil, nil
	}
	n, off, isMap, ok := containerLen(enc, 0)
	if !ok || isMap {
		return nil, nil
	}
	at = make([]int, n+1)
	for i := range n {
		at[i] = off
		r := reader{buf: enc, off: off}
		_ = r.skip() // validated
		off = r.off
	}
	at[n] = off
	return enc, at
}

// isStrictStruct reports whether the struct t's `_msgpack` marker field
// has the "strict" option, as in `msgpack:",as_array,strict"` (the
// library ignores options it does not know).
func isStrictStruct(t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name != "_msgpack" {
			continue
		}
		for _, o := range strings.Split(f.Tag.Get("msgpack"), ",")[1:] {
			if strings.TrimSpace(o) == "strict" {
				return true
			}
		}
	}
	return false
}

// evolveBuffers holds the buffers rewritten values are built in. The
// library reads them through a bytes.Reader and copies what it keeps, so a
// buffer is free again once the library returns.
var evolveBuffers = sync.Pool{New: func() any { return new([]byte) }}

// evolver rewrites a value: out receives src with the changes, copied up
// to from; out is nil as long as nothing changed.
type evolver struct {
	src  []byte
	out  *[]byte
	from int
}

// evolveArrays returns b's first value with every array decoded into a
// struct of v's type resized to the struct's field count, or b itself when
// none needs it. b must have passed reader.validate. buf is the pooled
// buffer to hand back to evolveBuffers once the result is no longer used
// (nil when b was returned). A strict struct with the wrong count is a
// *FieldCountError.
func evolveArrays(b []byte, v any) (out []byte, buf *[]byte, err error) {
	t := reflect.TypeOf(v)
	if t == nil {
		return b, nil, nil
	}
	n := evolveNodeFor(t)
	if !n.holds {
		return b, nil, nil
	}
	e := evolver{src: b}
	end, err := e.value(0, n)
	if e.out == nil || err != nil {
		if e.out != nil {
			evolveBuffers.Put(e.out)
		}
		return b, nil, err
	}
	e.flush(end)
	return *e.out, e.out, nil
}

// flush copies src[from:to] to out, starting out if needed.
func (e *evolver) flush(to int) {
	if e.out == nil {
		e.out = evolveBuffers.Get().(*[]byte)
		*e.out = (*e.out)[:0]
	}
	*e.out = append(*e.out, e.src[e.from:to]...)
	e.from = to
}

// skip returns the offset after the value at off.
func (e *evolver) skip(off int) int {
	switch c := e.src[off]; {
	case c <= 0x7f || c >= 0xe0 || c == mpNil || c == mpFalse || c == mpTrue:
		return off + 1
	case c&0xe0 == 0xa0: // fixstr
		return off + 1 + int(c&0x1f)
	}
	r := reader{buf: e.src, off: off}
	_ = r.skip() // validated
	return r.off
}

// value walks the value at off as the library decodes it into n's type
// and returns the offset after it.
func (e *evolver) value(off int, n *evolveNode) (int, error) {
	if !n.holds || e.src[off] == mpNil {
		return e.skip(off), nil
	}
	switch n.kind {
	case evolvePtr:
		return e.value(off, n.elem)
	case evolveSeq:
		cnt, next, isMap, ok := containerLen(e.src, off)
		if !ok || isMap {
			return e.skip(off), nil
		}
		var err error
		for range cnt {
			if next, err = e.value(next, n.elem); err != nil {
				return 0, err
			}
		}
		return next, nil
	case evolveMap:
		cnt, next, isMap, ok := containerLen(e.src, off)
		if !ok || !isMap {
			return e.skip(off), nil
		}
		var err error
		for range cnt {
			if next, err = e.value(next, n.key); err != nil {
				return 0, err
			}
			if next, err = e.value(next, n.elem); err != nil {
				return 0, err
			}
		}
		return next, nil
	case evolveStruct:
		return e.structValue(off, n)
	}
	return e.skip(off), nil
}

// structValue walks a value decoded into the struct of n.
func (e *evolver) structValue(off int, n *evolveNode) (int, error) {
	cnt, next, isMap, ok := containerLen(e.src, off)
	if !ok {
		return e.skip(off), nil
	}
	var err error
	if isMap {
		if n.byName == nil {
			return e.skip(off), nil
		}
		for range cnt {
			key, after, ok := strOrBin(e.src, next)
			if !ok { // the library fails on it
				return e.skip(off), nil
			}
			if f := n.byName[string(key)]; f != nil {
				next, err = e.value(after, f)
			} else {
				next = e.skip(after)
			}
			if err != nil {
				return 0, err
			}
		}
		return next, nil
	}
	if cnt == 0 || n.count < 0 {
		return e.skip(off), nil
	}
	if cnt != n.count {
		if n.strict {
			return 0, &FieldCountError{Type: n.typ, Fields: n.count, Elements: cnt}
		}
		e.flush(off)
		*e.out = AppendArrayHeader(*e.out, uint32(n.count))
		e.from = next
	}
	for i := range min(cnt, n.count) {
		if n.fields == nil {
			next = e.skip(next)
		} else if next, err = e.value(next, n.fields[i]); err != nil {
			return 0, err
		}
	}
	switch {
	case cnt > n.count:
		e.flush(next)
		for range cnt - n.count {
			next = e.skip(next)
		}
		e.from = next
	case cnt < n.count:
		e.flush(next)
		if n.zero != nil {
			*e.out = append(*e.out, n.zero[n.zeroAt[cnt]:n.zeroAt[n.count]]...)
		} else {
			for range n.count - cnt {
				*e.out = append(*e.out, mpNil)
			}
		}
	}
	return next, nil
}
