// Package protocol encodes and decodes Tarantool's binary protocol (IPROTO)
// without doing any I/O.
//
// It covers the connection greeting ([ParseGreeting]), the chap-sha1
// authentication scramble ([Scramble]), request frames ([AppendFrame] with
// one of the request types such as [Select] or [Call]), response frames
// ([DecodeFrameLength], [DecodeResponseHeader], [DecodeBody],
// [DecodeErrorBody]), server errors including the MP_ERROR extension
// ([ServerError]) and the Tarantool MessagePack extension types ([UUID],
// [Decimal], datetime as [time.Time] or [Datetime], [Interval]).
//
// # Layering
//
// Encoding follows the append style of pgx's pgproto3: every encoder has the
// form
//
//	func AppendX(dst []byte, ...) ([]byte, error)
//
// and appends to dst, so a caller that reuses its buffer (dst[:0]) encodes
// requests without allocating. Request frames get their 5-byte length prefix
// back-patched after the body is written, so a frame is built in one pass.
//
// Decoding works on complete byte slices. Decoders return sub-slices of
// their input wherever possible (for example [Body.Data]) and never allocate
// based on a length read from the wire: every declared length is checked
// against the bytes actually present first. Malformed, truncated or hostile
// input yields an error, never a panic.
//
// # Constants
//
// All IPROTO keys, request types, iterators, features and error codes come
// from github.com/tarantool/go-iproto. Constants that package lacks (the
// MP_ERROR map keys and the MessagePack extension type numbers) are defined
// here.
//
// # Integers
//
// [AppendValue] always writes integers in their most compact MessagePack
// form. Tarantool 2.6 compares a key sent as a 9-byte uint64 differently from
// the same number in compact form (selects miss keys, unique indexes accept
// duplicates), so compact integers are a correctness matter, not an
// optimisation.
//
// # Global state
//
// The package keeps no global mutable state apart from sync.Pool caches. In
// particular it never calls msgpack.RegisterExt: [UUID], [Decimal],
// [Datetime] and [Interval] implement msgpack.CustomEncoder and
// msgpack.CustomDecoder instead, so they work inside structs handled by
// github.com/vmihailenco/msgpack/v5 without touching that library's
// process-wide registry.
//
// # Related packages
//
// [github.com/txtarantool/txtarantool/client] builds on this package: it
// encodes requests with [AppendFrame] into a connection's write buffer and
// decodes responses with [DecodeResponseHeader] and [DecodeErrorBody] on its
// reader goroutine; its ServerError and ErrorCode are this package's
// [ServerError] and [ErrorCode], and its update operations are [Op] values.
// The byte streams come from [github.com/txtarantool/txtarantool/transport].
package protocol
