package protocol

import "fmt"

// AppendNamed appends to dst the msgpack array data (IPROTO_DATA: tuples)
// with every tuple rewritten as a map from field name to field value, so
// that Decode fills struct fields by their `msgpack:"name"` tags whatever
// the order of the space's fields, and DecodeValue gives map[string]any.
//
// A tuple is an array, named by fields (the space's format), or an
// MP_TUPLE, named by its own format in formats (IPROTO_TUPLE_FORMATS).
// Fields past the end of the format, or without a name, are left out; a
// tuple shorter than the format gives a map without the missing fields.
// A tuple without a known format is an error matching ErrNoFormat; data
// that is not an array of tuples a *MalformedError.
//
// Cost: one pass over data, copying it once into dst plus the names; no
// allocation beyond growing dst.
func AppendNamed(dst, data []byte, fields []Field, formats TupleFormats) ([]byte, error) {
	r := reader{buf: data}
	n, err := r.arrayLen()
	if err != nil {
		return dst, err
	}
	dst = AppendArrayHeader(dst, uint32(n))
	for i := 0; i < n; i++ {
		if dst, err = r.appendNamedTuple(dst, fields, formats); err != nil {
			return dst, err
		}
	}
	if r.remaining() != 0 {
		return dst, malformed(r.off, "bytes left after the data")
	}
	return dst, nil
}

// AppendNamedTuple is AppendNamed for one tuple: it appends the first
// value of tuple, an array or an MP_TUPLE, as a map from field name to
// value. Bytes after the first value are ignored.
func AppendNamedTuple(dst, tuple []byte, fields []Field, formats TupleFormats) ([]byte, error) {
	r := reader{buf: tuple}
	return r.appendNamedTuple(dst, fields, formats)
}

func (r *reader) appendNamedTuple(dst []byte, fields []Field, formats TupleFormats) ([]byte, error) {
	start := r.off
	typ, size, isExt, err := r.extHeader()
	if err != nil {
		return dst, err
	}
	var tr *reader = r
	var sub reader
	if isExt {
		if typ != ExtTuple {
			return dst, malformed(start, fmt.Sprintf("expected a tuple, got extension type %d", typ))
		}
		payload, _ := r.next(size)
		at := extOffsets{ext: start, payload: r.off - size}
		sub = reader{buf: payload}
		id, err := sub.uint()
		if err != nil {
			return dst, at.shift(err)
		}
		f, ok := formats[id]
		if !ok || len(f) == 0 {
			return dst, noFormat(fmt.Sprintf("MP_TUPLE format %d is not in the response's IPROTO_TUPLE_FORMATS", id))
		}
		fields, tr = f, &sub
	} else if len(fields) == 0 {
		return dst, noFormat("the tuple's space has no format")
	}
	n, err := tr.arrayLen()
	if err != nil {
		return dst, shiftSub(err, isExt, start, r.off-size)
	}
	named := 0
	for i := 0; i < min(n, len(fields)); i++ {
		if fields[i].Name != "" {
			named++
		}
	}
	dst = AppendMapHeader(dst, uint32(named))
	for i := 0; i < n; i++ {
		v, err := tr.rawValue()
		if err != nil {
			return dst, shiftSub(err, isExt, start, r.off-size)
		}
		if i < len(fields) && fields[i].Name != "" {
			dst = AppendString(dst, fields[i].Name)
			dst = append(dst, v...)
		}
	}
	if isExt && sub.remaining() != 0 {
		return dst, malformed(r.off, "bytes left after the tuple extension's array")
	}
	return dst, nil
}

// shiftSub locates an error of a tuple extension's sub-reader in the
// outer buffer; errors of a plain tuple are already there.
func shiftSub(err error, isExt bool, ext, payload int) error {
	if !isExt {
		return err
	}
	return extOffsets{ext: ext, payload: payload}.shift(err)
}

// AppendPlainTuples appends to dst the msgpack value b with every MP_TUPLE
// in it (at any depth) replaced by its array, the form Decode reads into
// as_array structs: a response carries MP_TUPLE values when the client
// asked a Tarantool 3.0+ server for tuple formats. Only the first value of
// b is read. Malformed input is a *MalformedError.
//
// Cost: one pass, copying b into dst; no allocation beyond growing dst.
func AppendPlainTuples(dst, b []byte) ([]byte, error) {
	r := reader{buf: b}
	return r.appendPlain(dst, 0)
}

func (r *reader) appendPlain(dst []byte, depth int) ([]byte, error) {
	if depth >= MaxDepth {
		return dst, &MalformedError{What: "nesting too deep", Offset: r.off, Err: ErrTooDeep}
	}
	start := r.off
	c, err := r.peek()
	if err != nil {
		return dst, err
	}
	switch {
	case isArrayByte(c):
		n, err := r.arrayLen()
		if err != nil {
			return dst, err
		}
		dst = append(dst, r.buf[start:r.off]...)
		for i := 0; i < n; i++ {
			if dst, err = r.appendPlain(dst, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case c&0xf0 == 0x80 || c == mpMap16 || c == mpMap32:
		n, err := r.mapLen()
		if err != nil {
			return dst, err
		}
		dst = append(dst, r.buf[start:r.off]...)
		for i := 0; i < 2*n; i++ {
			if dst, err = r.appendPlain(dst, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	typ, size, isExt, err := r.extHeader()
	if err != nil {
		return dst, err
	}
	if isExt && typ == ExtTuple {
		payload, _ := r.next(size)
		at := extOffsets{ext: start, payload: r.off - size}
		sub := reader{buf: payload}
		if _, err := sub.uint(); err != nil {
			return dst, at.shift(err)
		}
		if c, err := sub.peek(); err != nil || !isArrayByte(c) {
			return dst, malformed(start, "MP_TUPLE without an array")
		}
		if dst, err = sub.appendPlain(dst, depth+1); err != nil {
			return dst, at.shift(err)
		}
		if sub.remaining() != 0 {
			return dst, malformed(start, "bytes left after the tuple extension's array")
		}
		return dst, nil
	}
	r.off = start
	v, err := r.rawValue()
	if err != nil {
		return dst, err
	}
	return append(dst, v...), nil
}
