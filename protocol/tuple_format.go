package protocol

import (
	"errors"
	"fmt"
)

// Field is one field of a space format: what `space:format()` lists and
// what the format column of _space/_vspace and every entry of
// IPROTO_TUPLE_FORMATS hold.
type Field struct {
	Name       string // the field's name; "" if the format gives none
	Type       string // "unsigned", "string", "any", ...; "" if not given
	IsNullable bool   // whether the field may hold nil
}

// ErrNoFormat is matched (errors.Is) by the error of decoding tuples by
// field name when no format is known for them: a response of a request
// that named no space (a call, eval or SQL) without tuple formats, a space
// whose format is empty, or an MP_TUPLE whose format id is not among the
// response's IPROTO_TUPLE_FORMATS.
var ErrNoFormat = errors.New("no tuple format known")

// DecodeFormat decodes a space format: an array with one element per
// field, each a map with "name" and "type" keys (and optionally
// "is_nullable", "collation", ...; other keys are skipped). An element in
// the old form, an array [name, type], is read too. Malformed input is a
// *MalformedError. It allocates the result and the names.
func DecodeFormat(b []byte) ([]Field, error) {
	r := reader{buf: b}
	fields, err := r.format()
	if err != nil {
		return nil, err
	}
	if r.remaining() != 0 {
		return nil, malformed(r.off, "bytes left after the format")
	}
	return fields, nil
}

func (r *reader) format() ([]Field, error) {
	n, err := r.arrayLen()
	if err != nil {
		return nil, err
	}
	fields := make([]Field, n)
	for i := range fields {
		if err := r.formatField(&fields[i]); err != nil {
			return nil, err
		}
	}
	return fields, nil
}

func (r *reader) formatField(f *Field) error {
	c, err := r.peek()
	if err != nil {
		return err
	}
	if isArrayByte(c) { // [name, type, ...]
		n, _ := r.arrayLen()
		for i := 0; i < n; i++ {
			var err error
			switch i {
			case 0:
				f.Name, err = r.optStr()
			case 1:
				f.Type, err = r.optStr()
			default:
				err = r.skip()
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	n, err := r.mapLen()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := r.str()
		if err != nil {
			return err
		}
		switch key {
		case "name":
			f.Name, err = r.optStr()
		case "type":
			f.Type, err = r.optStr()
		case "is_nullable":
			f.IsNullable, err = r.bool()
		default:
			err = r.skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// isArrayByte reports whether c starts a msgpack array.
func isArrayByte(c byte) bool { return c&0xf0 == 0x90 || c == 0xdc || c == 0xdd }

// TupleFormats are the formats a response carries for its MP_TUPLE values
// (IPROTO_TUPLE_FORMATS, Tarantool 3.0+), by format id.
type TupleFormats map[uint64][]Field

// DecodeTupleFormats decodes the value of IPROTO_TUPLE_FORMATS: a map from
// format id to a format (see DecodeFormat). Malformed input is a
// *MalformedError. It allocates the map and the formats.
func DecodeTupleFormats(b []byte) (TupleFormats, error) {
	r := reader{buf: b}
	n, err := r.mapLen()
	if err != nil {
		return nil, err
	}
	formats := make(TupleFormats, min(n, 16))
	for i := 0; i < n; i++ {
		id, err := r.uint()
		if err != nil {
			return nil, err
		}
		f, err := r.format()
		if err != nil {
			return nil, err
		}
		formats[id] = f
	}
	if r.remaining() != 0 {
		return nil, malformed(r.off, "bytes left after the tuple formats")
	}
	return formats, nil
}

// noFormat is the error of a tuple without a known format.
func noFormat(what string) error { return fmt.Errorf("protocol: %w: %s", ErrNoFormat, what) }
