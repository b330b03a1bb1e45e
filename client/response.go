package client

import (
	"fmt"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/wire"
	"github.com/txtarantool/txtarantool/protocol"
)

// Response is a successful IPROTO response, kept as raw msgpack until the
// caller decodes it. Decoding runs in the goroutine that calls a method
// (the caller after Await, or the connection's callback executor inside
// Then), never in the connection's reader goroutine.
//
// A Response is immutable and safe for concurrent use. Its bytes are a
// read-only copy that stays valid as long as the Response is referenced;
// small bodies share 16 KiB slabs with other responses of the same
// connection (one allocation for hundreds of responses), so a Response kept
// for long pins up to 16 KiB.
type Response struct {
	owner               *call // the request, for Release; nil once released
	sync, schemaVersion uint64
	body                []byte
}

// SchemaVersion returns the server's schema version when it answered.
func (r *Response) SchemaVersion() uint64 { return r.schemaVersion }

// Sync returns the request's sync id.
func (r *Response) Sync() uint64 { return r.sync }

// Body decodes the whole response body: IPROTO_DATA as raw msgpack and, for
// SQL, the column metadata, SQL info and prepared statement fields. Cost:
// one pass over the body; allocations only for SQL metadata.
func (r *Response) Body() (protocol.Body, error) {
	return protocol.DecodeBody(r.body)
}

// Data returns the raw msgpack of IPROTO_DATA (an array: the tuples of a
// select or DML, the values returned by a call), or nil if the body has
// none; with Options.TupleFormats its tuples are MP_TUPLE values
// (protocol.AppendPlainTuples strips them). The slice aliases the
// response: do not modify it.
func (r *Response) Data() (protocol.RawMsgpack, error) {
	body, err := protocol.DecodeBody(r.body)
	if err != nil {
		return nil, err
	}
	return body.Data, nil
}

// Position returns the position of the last tuple of a select made with
// FetchPos (IPROTO_POSITION, Tarantool 2.10+), to pass to After for the
// next page, and whether the response has one: the server sends none for
// an empty page, nor without FetchPos. The slice aliases the response: do
// not modify it. Cost: one pass over the body, no allocation.
func (r *Response) Position() ([]byte, bool) {
	body, err := protocol.DecodeBody(r.body)
	if err != nil || body.Position == nil {
		return nil, false
	}
	return body.Position, true
}

// dataValue is Data for decoders that read one value from the start of
// what it returns: for the usual body, a map holding only IPROTO_DATA,
// it returns the rest of the body without first walking over the value
// (the decoder checks it as it reads). Other bodies go through
// DecodeBody; one with tuple formats (Options.TupleFormats) has its
// MP_TUPLE values replaced by plain arrays, in a copy.
func (r *Response) dataValue() ([]byte, error) {
	if b := r.body; len(b) > 2 && b[0] == 0x81 && b[1] == byte(iproto.IPROTO_DATA) {
		return b[2:], nil
	}
	body, err := protocol.DecodeBody(r.body)
	if err != nil {
		return nil, err
	}
	if body.TupleFormats != nil && body.Data != nil {
		return protocol.AppendPlainTuples(nil, body.Data)
	}
	return body.Data, nil
}

// Decode decodes IPROTO_DATA into v, which must be a pointer: usually to a
// slice of structs tagged `msgpack:",as_array"` (one per tuple or returned
// value), or to []any. Uses github.com/vmihailenco/msgpack/v5 rules, except
// that a tuple may have more or fewer fields than an as_array struct (see
// protocol.Decode: extra ones are skipped, missing ones zero). A
// response without IPROTO_DATA (such as a ping's) or with malformed data
// is a *protocol.MalformedError; data of the wrong Go type a
// *protocol.UnmarshalError. Cost: the decoding; a string field (or a
// *string) of more than 256 bytes that fills at least half of a response
// over 2 KiB is not copied but shares the response's memory, which it then
// keeps alive (see protocol.DecodeShared), so a 1 MiB result costs one
// megabyte, not two.
func (r *Response) Decode(v any) error {
	data, err := r.dataValue()
	if err != nil {
		return err
	}
	if data == nil {
		return &protocol.MalformedError{What: "response has no IPROTO_DATA to decode", Offset: -1}
	}
	return r.decode(data, v)
}

// decode decodes data, a part of the body, into v. A body with an
// allocation of its own (over 2 KiB) is never written again, so a large
// string filling most of it may alias it instead of being copied
// (protocol.DecodeShared): a 1 MiB string costs no second megabyte, and
// keeps only this body alive.
func (r *Response) decode(data []byte, v any) error {
	if wire.PrivateBody(r.body) {
		return protocol.DecodeShared(data, v)
	}
	return protocol.Decode(data, v)
}

// Values decodes IPROTO_DATA into generic Go values (see protocol.DecodeValue
// for the mapping): one element per tuple, each tuple a []any. It returns
// nil when the response has no IPROTO_DATA, and a *protocol.MalformedError
// when the data is malformed or not an array.
func (r *Response) Values() ([]any, error) {
	data, err := r.dataValue()
	if err != nil || data == nil {
		return nil, err
	}
	v, _, err := protocol.DecodeValue(data)
	if err != nil {
		return nil, err
	}
	values, ok := v.([]any)
	if !ok {
		return nil, &protocol.MalformedError{What: fmt.Sprintf("response data is %T, not an array", v), Offset: -1}
	}
	return values, nil
}

// First decodes the first element of IPROTO_DATA (the tuple returned by
// Insert, Replace, Update or Delete, or the first tuple of a Select) into
// v, a pointer. found is false, and v untouched, when there is none (e.g.
// Delete of a missing key).
func (r *Response) First(v any) (found bool, err error) {
	data, err := r.dataValue()
	if err != nil || data == nil {
		return false, err
	}
	n, rest, err := protocol.DecodeArrayHeader(data)
	if err != nil || n == 0 {
		return false, err
	}
	// Decode reads only the first value of rest: no need to find its end.
	return true, r.decode(rest, v)
}

// Tuples turns a response future into a future of decoded tuples (or
// returned values) of type T, decoded on the connection's callback
// executor, or by whoever awaits the result first (see future.Convert): so
// awaiting it inside a Then callback works. Cost: one extra future and the
// decoding.
func Tuples[T any](f *future.Future[*Response]) *future.Future[[]T] {
	return future.Convert(f, func(r *Response) ([]T, error) {
		var out []T
		if err := r.Decode(&out); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// One turns a response future into a future of its first tuple decoded as
// T, and whether there was one; decoded like Tuples'.
func One[T any](f *future.Future[*Response]) *future.Future[Optional[T]] {
	return future.Convert(f, func(r *Response) (Optional[T], error) {
		var out Optional[T]
		found, err := r.First(&out.Value)
		out.Found = found
		return out, err
	})
}

// Optional is a value that may be absent, e.g. the tuple found by a
// Select by primary key, or the tuple removed by Delete.
type Optional[T any] struct {
	Value T    // the value; the zero T if not found
	Found bool // whether there was a value
}
