package fake

import (
	"fmt"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/internal/fakeiproto"
)

// Request is one request as a Handler gets it, decoded from its body.
// Fields the request does not carry are zero.
type Request struct {
	// Kind is the IPROTO request type (IPROTO_SELECT, IPROTO_CALL, ...).
	Kind iproto.Type
	// Space and SpaceID name the request's space; Index and IndexID its
	// index (select, update, delete).
	Space   string
	SpaceID uint32
	Index   string
	IndexID uint32
	// Key is the key of a select, update or delete.
	Key []any
	// Tuple is the tuple of an insert, replace or upsert; Args the
	// arguments of a call, eval or SQL statement.
	Tuple []any
	Args  []any
	// Ops are the update or upsert operations, each as sent:
	// [op, field, arg...].
	Ops []any
	// Limit, Offset and Iterator are a select's.
	Limit, Offset uint32
	Iterator      iproto.Iterator
	// Function is the function of a call; Expr the Lua of an eval; SQL
	// the statement of an execute.
	Function string
	Expr     string
	SQL      string
	// StreamID is the request's stream, 0 outside one.
	StreamID uint64

	hasSpace, hasIndex bool
}

// describe names the request in error messages.
func (r *Request) describe() string {
	s := r.Kind.String()
	switch {
	case r.Function != "":
		s += " of " + r.Function
	case r.Space != "":
		s += " on space " + r.Space
	case r.hasSpace:
		s += fmt.Sprintf(" on space %d", r.SpaceID)
	}
	return s
}

// decode reads raw's body into a Request.
func (s *Server) decode(raw fakeiproto.Request) (*Request, error) {
	req := &Request{Kind: raw.Type, StreamID: raw.StreamID}
	fields, err := raw.Fields()
	if err != nil {
		return nil, err
	}
	for key, v := range fields {
		if err := req.set(key, v); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// set stores one body field.
func (r *Request) set(key iproto.Key, v any) error {
	var ok bool
	switch key {
	case iproto.IPROTO_SPACE_ID:
		r.SpaceID, ok = uint32Of(v)
		r.hasSpace = true
	case iproto.IPROTO_INDEX_ID:
		r.IndexID, ok = uint32Of(v)
		r.hasIndex = true
	case iproto.IPROTO_LIMIT:
		r.Limit, ok = uint32Of(v)
	case iproto.IPROTO_OFFSET:
		r.Offset, ok = uint32Of(v)
	case iproto.IPROTO_ITERATOR:
		var it uint32
		it, ok = uint32Of(v)
		r.Iterator = iproto.Iterator(it)
	case iproto.IPROTO_KEY:
		r.Key, ok = arrayOf(v)
	case iproto.IPROTO_OPS:
		r.Ops, ok = arrayOf(v)
	case iproto.IPROTO_TUPLE:
		r.Tuple, ok = arrayOf(v)
		switch r.Kind {
		case iproto.IPROTO_CALL, iproto.IPROTO_CALL_16, iproto.IPROTO_EVAL:
			r.Args, r.Tuple = r.Tuple, nil
		case iproto.IPROTO_UPDATE: // an update's operations travel as its tuple
			r.Ops, r.Tuple = r.Tuple, nil
		}
	case iproto.IPROTO_SQL_BIND:
		r.Args, ok = arrayOf(v)
	case iproto.IPROTO_FUNCTION_NAME:
		r.Function, ok = v.(string)
	case iproto.IPROTO_EXPR:
		r.Expr, ok = v.(string)
	case iproto.IPROTO_SQL_TEXT:
		r.SQL, ok = v.(string)
	default:
		return nil // a key the fake does not read (options, pagination)
	}
	if !ok {
		return fmt.Errorf("%v is %T, not of its type", key, v)
	}
	return nil
}

// uint32Of converts a decoded msgpack integer.
func uint32Of(v any) (uint32, bool) {
	switch n := v.(type) {
	case int64:
		return uint32(n), n >= 0 && n <= 1<<32-1
	case uint64:
		return uint32(n), n <= 1<<32-1
	}
	return 0, false
}

// arrayOf converts a decoded msgpack array; nil is an empty one.
func arrayOf(v any) ([]any, bool) {
	if v == nil {
		return nil, true
	}
	a, ok := v.([]any)
	return a, ok
}
