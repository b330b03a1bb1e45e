package protocol

import "github.com/tarantool/go-iproto"

// Header is the header of a request frame.
type Header struct {
	// Sync identifies the request; the response carries the same value.
	Sync uint64
	// SchemaVersion, when non-zero, makes the server reject the request
	// with ER_WRONG_SCHEMA_VERSION if its schema version differs.
	SchemaVersion uint64
	// StreamID, when non-zero, runs the request in that stream (Tarantool
	// 2.10+; older servers ignore it).
	StreamID uint64
}

// AppendHeader appends the header map of a request of type t:
// {IPROTO_REQUEST_TYPE: t, IPROTO_SYNC: h.Sync} plus IPROTO_SCHEMA_VERSION
// and IPROTO_STREAM_ID when non-zero. AppendFrame calls it; use it directly
// only to build frames by hand. It does not allocate unless dst grows.
func AppendHeader(dst []byte, h Header, t iproto.Type) []byte {
	n := uint32(2)
	if h.SchemaVersion != 0 {
		n++
	}
	if h.StreamID != 0 {
		n++
	}
	dst = AppendMapHeader(dst, n)
	dst = AppendUint(dst, uint64(iproto.IPROTO_REQUEST_TYPE))
	dst = AppendUint(dst, uint64(t))
	dst = AppendUint(dst, uint64(iproto.IPROTO_SYNC))
	dst = AppendUint(dst, h.Sync)
	if h.SchemaVersion != 0 {
		dst = AppendUint(dst, uint64(iproto.IPROTO_SCHEMA_VERSION))
		dst = AppendUint(dst, h.SchemaVersion)
	}
	if h.StreamID != 0 {
		dst = AppendUint(dst, uint64(iproto.IPROTO_STREAM_ID))
		dst = AppendUint(dst, h.StreamID)
	}
	return dst
}

// Request is a request body encoder. The request types of this package
// (Ping, Auth, Select, ...) implement it with value receivers, so both
// values and pointers work.
type Request interface {
	// Type returns the IPROTO request type.
	Type() iproto.Type
	// AppendBody appends the body map of the request. On error it returns
	// dst unchanged and the error.
	AppendBody(dst []byte) ([]byte, error)
}
