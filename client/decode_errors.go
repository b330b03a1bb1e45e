package client

import "github.com/txtarantool/txtarantool/protocol"

// The errors of decoding a Response (Decode, First, Values, Tuples, One,
// DecodeSQL), repeated from protocol so that errors.As needs no other
// import.

// MalformedError reports a response body that is not valid MessagePack or
// lacks what was asked for (such as IPROTO_DATA): protocol.MalformedError.
type MalformedError = protocol.MalformedError

// UnmarshalError reports data that does not fit the Go value it is decoded
// into: protocol.UnmarshalError.
type UnmarshalError = protocol.UnmarshalError

// FieldCountError reports an array decoded into a struct marked
// `msgpack:",as_array,strict"` whose element count is not the struct's
// field count (Fields, Elements); it comes wrapped in an *UnmarshalError.
// It is protocol.FieldCountError.
type FieldCountError = protocol.FieldCountError
