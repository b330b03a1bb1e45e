package protocol

import (
	"encoding/binary"

	"github.com/tarantool/go-iproto"
)

// ResponseHeader is the header of a response frame.
type ResponseHeader struct {
	// Code is the raw IPROTO_REQUEST_TYPE value: iproto.IPROTO_OK,
	// iproto.IPROTO_CHUNK for pushes, or iproto.IPROTO_TYPE_ERROR|code for
	// errors.
	Code uint32
	// Sync is the Sync of the request being answered.
	Sync uint64
	// SchemaVersion is the server's schema version (0 if not sent).
	SchemaVersion uint64
	// StreamID is the stream of the request (0 if not sent).
	StreamID uint64
}

// IsError reports whether the response is an error (the
// iproto.IPROTO_TYPE_ERROR bit is set in Code). It does not allocate.
func (h ResponseHeader) IsError() bool {
	return h.Code&uint32(iproto.IPROTO_TYPE_ERROR) != 0
}

// ErrorCode returns the error code of an error response (Code without the
// iproto.IPROTO_TYPE_ERROR bit). It does not allocate.
func (h ResponseHeader) ErrorCode() iproto.Error {
	return iproto.Error(h.Code & (uint32(iproto.IPROTO_TYPE_ERROR) - 1))
}

// DecodeResponseHeader decodes the header map at the start of frame (the
// bytes after the length prefix) and returns it with the rest of the frame,
// the body (possibly empty).
//
// IPROTO_REQUEST_TYPE and IPROTO_SYNC are required; IPROTO_SCHEMA_VERSION
// and IPROTO_STREAM_ID are optional; other keys are skipped. Missing
// required keys, values of the wrong type and truncated input yield a
// *MalformedError. It does not allocate on success. The layout Tarantool
// writes for every response (code, sync and schema version, each in its
// widest encoding) costs a few byte comparisons; any other layout is read
// key by key.
func DecodeResponseHeader(frame []byte) (ResponseHeader, []byte, error) {
	if h, ok := decodeFixedResponseHeader(frame); ok {
		return h, frame[fixedResponseHeaderSize:], nil
	}
	return decodeResponseHeaderMap(frame)
}

// decodeResponseHeaderMap is DecodeResponseHeader for any layout of the
// header map.
func decodeResponseHeaderMap(frame []byte) (ResponseHeader, []byte, error) {
	var h ResponseHeader
	r := reader{buf: frame}
	n, err := r.mapLen()
	if err != nil {
		return h, nil, err
	}
	var haveType, haveSync bool
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return ResponseHeader{}, nil, err
		}
		valOff := r.off
		switch keyOf(key) {
		case iproto.IPROTO_REQUEST_TYPE:
			var code uint64
			if code, err = r.uint(); err == nil {
				if code > 1<<32-1 {
					return ResponseHeader{}, nil, malformed(valOff, "response code overflows uint32")
				}
				h.Code, haveType = uint32(code), true
			}
		case iproto.IPROTO_SYNC:
			h.Sync, err = r.uint()
			haveSync = err == nil
		case iproto.IPROTO_SCHEMA_VERSION:
			h.SchemaVersion, err = r.uint()
		case iproto.IPROTO_STREAM_ID:
			h.StreamID, err = r.uint()
		default:
			err = r.skip()
		}
		if err != nil {
			return ResponseHeader{}, nil, err
		}
	}
	if !haveType {
		return ResponseHeader{}, nil, malformed(-1, "response header has no IPROTO_REQUEST_TYPE")
	}
	if !haveSync {
		return ResponseHeader{}, nil, malformed(-1, "response header has no IPROTO_SYNC")
	}
	return h, frame[r.off:], nil
}

// fixedResponseHeaderSize is the size of the header map Tarantool writes
// for every response: {REQUEST_TYPE: uint32, SYNC: uint64,
// SCHEMA_VERSION: uint32}, each value in its widest encoding.
const fixedResponseHeaderSize = 23

// decodeFixedResponseHeader decodes the header if it has exactly the layout
// Tarantool writes (its fixed-size header struct): 0x83, then key 0x00 with
// a 0xce value, key 0x01 with a 0xcf value and key 0x05 with a 0xce value.
// ok is false for any other layout, which the general decoder then reads;
// both give the same result for this one. Cost: a few byte comparisons.
func decodeFixedResponseHeader(frame []byte) (h ResponseHeader, ok bool) {
	if len(frame) < fixedResponseHeaderSize {
		return h, false
	}
	b := frame[:fixedResponseHeaderSize]
	if b[0] != 0x83 ||
		b[1] != byte(iproto.IPROTO_REQUEST_TYPE) || b[2] != mpUint32 ||
		b[7] != byte(iproto.IPROTO_SYNC) || b[8] != mpUint64 ||
		b[17] != byte(iproto.IPROTO_SCHEMA_VERSION) || b[18] != mpUint32 {
		return h, false
	}
	h.Code = binary.BigEndian.Uint32(b[3:])
	h.Sync = binary.BigEndian.Uint64(b[9:])
	h.SchemaVersion = uint64(binary.BigEndian.Uint32(b[19:]))
	return h, true
}

// Body is the decoded body of an OK response.
type Body struct {
	// Data is the raw MessagePack of IPROTO_DATA, a sub-slice of the body
	// (nil if absent). Decode it with Decode or DecodeValue.
	Data []byte
	// Metadata describes result columns (IPROTO_METADATA, SQL).
	Metadata []ColumnMeta
	// BindMetadata describes the parameters of a prepared statement
	// (IPROTO_BIND_METADATA).
	BindMetadata []ColumnMeta
	// BindCount is the number of parameters of a prepared statement
	// (IPROTO_BIND_COUNT).
	BindCount uint64
	// StmtID is the prepared statement's ID (IPROTO_STMT_ID).
	StmtID uint64
	// SQLInfo is the result of a data-changing SQL statement
	// (IPROTO_SQL_INFO), nil if absent.
	SQLInfo *SQLInfo
	// Position is the opaque position of the last tuple of a select sent
	// with FetchPosition (IPROTO_POSITION, Tarantool 2.10+), a sub-slice
	// of the body; nil if absent (the server sends none for an empty
	// page). Pass it back as Select.After for the next page.
	Position []byte
	// TupleFormats is the raw IPROTO_TUPLE_FORMATS (Tarantool 3.0+), the
	// formats of the MP_TUPLE values in Data, sent when the client asked
	// for tuple extensions; a sub-slice of the body, nil if absent.
	// Decode it with DecodeTupleFormats.
	TupleFormats []byte
}

// DecodeBody decodes the body of an OK response. An empty body (as for
// ping) gives the zero Body. Unknown keys are skipped; malformed input
// yields a *MalformedError. It does not allocate when only IPROTO_DATA is
// present; metadata and SQL info are allocated when present.
func DecodeBody(body []byte) (Body, error) {
	var b Body
	if len(body) == 0 {
		return b, nil
	}
	r := reader{buf: body}
	n, err := r.mapLen()
	if err != nil {
		return b, err
	}
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return Body{}, err
		}
		switch keyOf(key) {
		case iproto.IPROTO_DATA:
			b.Data, err = r.rawValue()
		case iproto.IPROTO_METADATA:
			b.Metadata, err = r.columnMetas()
		case iproto.IPROTO_BIND_METADATA:
			b.BindMetadata, err = r.columnMetas()
		case iproto.IPROTO_BIND_COUNT:
			b.BindCount, err = r.uint()
		case iproto.IPROTO_STMT_ID:
			b.StmtID, err = r.uint()
		case iproto.IPROTO_SQL_INFO:
			b.SQLInfo, err = r.sqlInfo()
		case iproto.IPROTO_POSITION:
			b.Position, err = r.strBytes()
		case iproto.IPROTO_TUPLE_FORMATS:
			b.TupleFormats, err = r.rawValue()
		default:
			err = r.skip()
		}
		if err != nil {
			return Body{}, err
		}
	}
	return b, nil
}

// DecodeErrorBody decodes the body of an error response into a
// *ServerError: Code from h (h.ErrorCode()), Message from IPROTO_ERROR_24,
// and Stack from IPROTO_ERROR (the MP_ERROR map Tarantool 2.4.1+ sends).
// When IPROTO_ERROR_24 is absent, the first stack frame's message is used.
// The second result is a *MalformedError for an undecodable body. It
// allocates the result.
func DecodeErrorBody(h ResponseHeader, body []byte) (*ServerError, error) {
	e := &ServerError{Code: h.ErrorCode()}
	if len(body) == 0 {
		return e, nil
	}
	r := reader{buf: body}
	n, err := r.mapLen()
	if err != nil {
		return nil, err
	}
	haveMsg := false
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return nil, err
		}
		switch keyOf(key) {
		case iproto.IPROTO_ERROR_24:
			e.Message, err = r.optStr()
			haveMsg = err == nil
		case iproto.IPROTO_ERROR:
			var se *ServerError
			if se, err = r.serverError(0); err == nil {
				e.Stack = se.Stack
			}
		default:
			err = r.skip()
		}
		if err != nil {
			return nil, err
		}
	}
	if !haveMsg && len(e.Stack) > 0 {
		e.Message = e.Stack[0].Message
	}
	return e, nil
}

// keyOf converts a decoded map key to iproto.Key; keys too large for any
// IPROTO key map to -1, which matches nothing.
func keyOf(u uint64) iproto.Key {
	if u > 1<<31-1 {
		return -1
	}
	return iproto.Key(u)
}
