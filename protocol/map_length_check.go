package protocol

import (
	"reflect"
	"sync"
)

// The msgpack library sizes the map it decodes into a map[string]any (its
// Decoder.DecodeMap) from the declared length, without the limit it puts
// on other maps and slices; and its DecodeMapLen, on meeting an extension
// value where a map is expected, skips the extension's header and reads a
// map header from inside the payload. reader.validate treats an extension's
// payload as opaque bytes, so such a header can declare billions of
// entries: enough to exhaust the memory before the library finds that the
// data is not there. Decode therefore checks extension payloads too, for
// the target types that hold a map[string]any.

// stringAnyMapTypes caches holdsStringAnyMap per type.
var stringAnyMapTypes sync.Map // reflect.Type -> bool

// holdsStringAnyMap reports whether decoding into a value of type t may
// decode a map with string keys and interface values: t is one, or holds
// one in a field, element, pointee or map value. Cost: a walk of the type
// on first use, then a cache lookup.
func holdsStringAnyMap(t reflect.Type) bool {
	if v, ok := stringAnyMapTypes.Load(t); ok {
		return v.(bool)
	}
	holds := typeHoldsStringAnyMap(t, map[reflect.Type]bool{})
	stringAnyMapTypes.Store(t, holds)
	return holds
}

func typeHoldsStringAnyMap(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false // a recursive type: the first visit answers
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return typeHoldsStringAnyMap(t.Elem(), seen)
	case reflect.Map:
		if e := t.Elem(); t.Key().Kind() == reflect.String && e.Kind() == reflect.Interface && e.NumMethod() == 0 {
			return true
		}
		return typeHoldsStringAnyMap(t.Key(), seen) || typeHoldsStringAnyMap(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if typeHoldsStringAnyMap(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// checkExtMapHeaders walks the first value of b, which reader.validate has
// accepted, and reports a *MalformedError for an extension value whose
// payload starts with a map 16 or map 32 header declaring more entries
// than the bytes after that header could hold (two bytes at least per
// entry): what the library would size a map[string]any from. It uses
// constant stack space and does not allocate on success.
//
// A legitimate extension whose opaque payload happens to start that way
// (a UUID or datetime, 2 in 256) is refused as well when the target holds a
// map[string]any: the check cannot tell which field a value will reach.
func checkExtMapHeaders(b []byte) error {
	r := reader{buf: b}
	for pending := 1; pending > 0; pending-- {
		c, err := r.peek()
		if err != nil {
			return err
		}
		switch {
		case c&0xf0 == 0x90 || c == mpArray16 || c == mpArray32:
			n, err := r.arrayLen()
			if err != nil {
				return err
			}
			pending += n
		case c&0xf0 == 0x80 || c == mpMap16 || c == mpMap32:
			n, err := r.mapLen()
			if err != nil {
				return err
			}
			pending += 2 * n
		default:
			start := r.off
			_, size, isExt, err := r.extHeader()
			if err != nil {
				return err
			}
			if !isExt {
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			if declaresMissingMap(b, r.off) {
				return malformed(start, "extension payload declares a map longer than the data")
			}
			r.off += size
		}
	}
	return nil
}

// declaresMissingMap reports whether b[off:] starts with a whole map 16
// or map 32 header whose entries cannot fit in the bytes after it (the
// check containerLen makes). A fix map declares at most 15 entries, and a
// cut header fails in the library before anything is sized.
func declaresMissingMap(b []byte, off int) bool {
	if !has(b, off, 1) {
		return false
	}
	switch c := b[off]; {
	case c == mpMap16 && has(b, off, 3), c == mpMap32 && has(b, off, 5):
		_, _, _, fits := containerLen(b, off)
		return !fits
	}
	return false
}
