package client

import (
	"fmt"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// Field is one field of a space's format (Space.Fields): its name, type
// and whether it may be nil.
type Field = protocol.Field

// DecodeNamed decodes IPROTO_DATA into v like Decode, except that each
// tuple's fields are matched to v's by name instead of by position: the
// tuple is read as a map from the space's field names to its values, so a
// struct with `msgpack:"name"` tags decodes right whatever the order of
// its fields and of the space's (fields of the space the struct lacks are
// skipped, fields the tuple lacks keep their zero value). v is usually a
// pointer to a slice of such structs, or to a []map[string]any.
//
// The names come from the tuples' own formats when the response carries
// them (Options.TupleFormats, Tarantool 3.0+), else from the space the
// request named, as the client's schema snapshot describes it (space
// formats from _vspace; see Space.Fields). A response with neither, such
// as a call's without tuple formats, or a space without a format, gives
// an error matching protocol.ErrNoFormat; so does a response already
// released (Release). Cost: one copy of the data with the names added,
// then Decode's.
func (r *Response) DecodeNamed(v any) error {
	data, formats, fields, err := r.namedInputs()
	if err != nil {
		return err
	}
	buf, err := protocol.AppendNamed(nil, data, fields, formats)
	if err != nil {
		return err
	}
	return protocol.Decode(buf, v)
}

// FirstNamed is First with the fields matched by name, as DecodeNamed
// does: it decodes the first tuple into v and reports whether there was
// one.
func (r *Response) FirstNamed(v any) (found bool, err error) {
	data, formats, fields, err := r.namedInputs()
	if err != nil {
		return false, err
	}
	n, rest, err := protocol.DecodeArrayHeader(data)
	if err != nil || n == 0 {
		return false, err
	}
	buf, err := protocol.AppendNamedTuple(nil, rest, fields, formats)
	if err != nil {
		return false, err
	}
	return true, protocol.Decode(buf, v)
}

// Maps decodes every tuple of IPROTO_DATA into a map from field name to
// value, with the names DecodeNamed uses and the Go values of
// protocol.DecodeValue (the same as Values gives). Cost: as DecodeNamed,
// plus a map per tuple.
func (r *Response) Maps() ([]map[string]any, error) {
	data, formats, fields, err := r.namedInputs()
	if err != nil {
		return nil, err
	}
	buf, err := protocol.AppendNamed(nil, data, fields, formats)
	if err != nil {
		return nil, err
	}
	v, _, err := protocol.DecodeValue(buf)
	if err != nil {
		return nil, err
	}
	rows, _ := v.([]any)
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		out[i], _ = row.(map[string]any)
	}
	return out, nil
}

// namedInputs gathers what naming the tuples takes: the data, the
// response's tuple formats (if any) and the format of the request's space
// (if the request named one the schema knows).
func (r *Response) namedInputs() (data []byte, formats protocol.TupleFormats, fields []Field, err error) {
	body, err := protocol.DecodeBody(r.body)
	if err != nil {
		return nil, nil, nil, err
	}
	if body.Data == nil {
		return nil, nil, nil, &protocol.MalformedError{What: "response has no IPROTO_DATA to decode", Offset: -1}
	}
	if body.TupleFormats != nil {
		if formats, err = protocol.DecodeTupleFormats(body.TupleFormats); err != nil {
			return nil, nil, nil, err
		}
	}
	cl := r.owner
	if cl == nil {
		if formats == nil {
			return nil, nil, nil, fmt.Errorf("txtarantool: %w: the response was released", protocol.ErrNoFormat)
		}
		return body.Data, formats, nil, nil
	}
	if id, ok := spaceOf(cl.req); ok && cl.client != nil {
		if s := cl.client.schema.Load(); s != nil {
			if sp, ok := s.SpaceByID(id); ok {
				fields = sp.Fields
			}
		}
	}
	return body.Data, formats, fields, nil
}

// spaceOf returns the space number a request names, if it names one.
func spaceOf(req protocol.Request) (uint32, bool) {
	switch r := req.(type) {
	case *protocol.Select:
		return r.Space, true
	case *protocol.Insert:
		return r.Space, true
	case *protocol.Replace:
		return r.Space, true
	case *protocol.Update:
		return r.Space, true
	case *protocol.Delete:
		return r.Space, true
	case *protocol.Upsert:
		return r.Space, true
	}
	return 0, false
}

// Named turns a response future into a future of its tuples decoded as T
// with the fields matched by name (see Response.DecodeNamed); decoded like
// Tuples'. T is usually a struct with `msgpack:"name"` tags, or
// map[string]any.
func Named[T any](f *future.Future[*Response]) *future.Future[[]T] {
	return future.Convert(f, func(r *Response) ([]T, error) {
		var out []T
		if err := r.DecodeNamed(&out); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// OneNamed turns a response future into a future of its first tuple
// decoded as T with the fields matched by name (see Response.FirstNamed),
// and whether there was one.
func OneNamed[T any](f *future.Future[*Response]) *future.Future[Optional[T]] {
	return future.Convert(f, func(r *Response) (Optional[T], error) {
		var out Optional[T]
		found, err := r.FirstNamed(&out.Value)
		out.Found = found
		return out, err
	})
}
