package fakeiproto

import (
	"slices"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// rowFormatID is the tuple format id the fake gives the ServeRows space's
// tuples. Tarantool's ids are small numbers of runtime formats, as opaque
// to the client as this one.
const rowFormatID = 17

// ServeFormat gives the ServeRows space a format (its field names and
// types). A client that announced IPROTO_FEATURE_DML_TUPLE_EXTENSION in
// its ID request then gets the space's tuples as MP_TUPLE values (format
// id, then the tuple) with IPROTO_TUPLE_FORMATS in the body (a map from
// format id to the format: an array of {"name", "type"} maps), as
// Tarantool 3.0+ sends them; the body has the formats even for an empty
// page. Other clients get plain tuples.
func (c *Conn) ServeFormat(fields []protocol.Field) { c.format = fields }

// noteID records what the client announced in an ID request (ReadRequest
// calls it for every ID request).
func (c *Conn) noteID(req Request) {
	if id, err := protocol.DecodeIDBody(req.Body); err == nil {
		c.announced = id.Features
	}
}

// tupleExt reports whether selects on the row set answer with MP_TUPLE.
func (c *Conn) tupleExt() bool {
	return c.format != nil && slices.Contains(c.announced, iproto.IPROTO_FEATURE_DML_TUPLE_EXTENSION)
}

// appendRow appends one tuple of the row set, as an MP_TUPLE if tupleExt.
func (c *Conn) appendRow(b []byte, row []any) ([]byte, error) {
	if !c.tupleExt() {
		return protocol.AppendValue(b, row)
	}
	payload, err := protocol.AppendValue(protocol.AppendUint(nil, rowFormatID), row)
	if err != nil {
		return b, err
	}
	b = protocol.AppendExtHeader(b, protocol.ExtTuple, uint32(len(payload)))
	return append(b, payload...), nil
}

// appendFormats appends the IPROTO_TUPLE_FORMATS key and value for the
// row set's format.
func (c *Conn) appendFormats(b []byte) []byte {
	b = protocol.AppendUint(b, uint64(iproto.IPROTO_TUPLE_FORMATS))
	b = protocol.AppendMapHeader(b, 1)
	b = protocol.AppendUint(b, rowFormatID)
	b = protocol.AppendArrayHeader(b, uint32(len(c.format)))
	for _, f := range c.format {
		b = protocol.AppendMapHeader(b, 2)
		b = protocol.AppendString(b, "name")
		b = protocol.AppendString(b, f.Name)
		b = protocol.AppendString(b, "type")
		b = protocol.AppendString(b, f.Type)
	}
	return b
}
