package protocol

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// ErrShortBuffer reports that the input ends before the item being decoded
// is complete. DecodeFrameLength returns it when more bytes must be read
// from the connection; check for it with errors.Is.
var ErrShortBuffer = errors.New("protocol: short buffer")

// ErrSaltTooShort reports a greeting salt that decodes to fewer than
// ScrambleSize bytes. It is returned by Scramble and AppendScramble and is
// wrapped by the *GreetingError that ParseGreeting returns.
var ErrSaltTooShort = errors.New("protocol: salt shorter than 20 bytes")

// ErrTooDeep reports a value nested deeper than MaxDepth arrays, maps and
// extensions. Encoders return it as is; decoders wrap it in a
// *MalformedError.
var ErrTooDeep = errors.New("protocol: value nested deeper than " + strconv.Itoa(MaxDepth) + " levels")

// ErrNilKey is returned when encoding a Delete or Update whose Key is nil:
// they change one tuple found by an exact match, which the empty key never
// makes, so the request is refused instead of sent.
var ErrNilKey = errors.New("protocol: Delete and Update need a key (nil is the empty key, which matches no tuple)")

// ErrAfterBoth is returned when encoding a Select that sets both After
// (a position) and AfterTuple: the server takes one place to resume from.
var ErrAfterBoth = errors.New("protocol: a Select resumes after a position or after a tuple, not both")

// MalformedError reports input that is not valid MessagePack or does not
// have the shape IPROTO requires (for example a string where a SYNC number
// must be, a truncated value, or a declared length longer than the data).
type MalformedError struct {
	// What describes the problem.
	What string
	// Offset is the byte offset in the decoded input at which the problem
	// was found, or -1 when unknown.
	Offset int
	// Err is an underlying cause (such as ErrTooDeep), or nil.
	Err error
}

// Error returns "protocol: malformed input at offset N: what". It allocates.
func (e *MalformedError) Error() string {
	if e.Offset < 0 {
		return "protocol: malformed input: " + e.What
	}
	return "protocol: malformed input at offset " + strconv.Itoa(e.Offset) + ": " + e.What
}

// Unwrap returns the underlying cause, if any.
func (e *MalformedError) Unwrap() error { return e.Err }

// FrameTooLargeError reports a frame whose length exceeds the limit: a
// received length prefix above the caller's maximum (DecodeFrameLength), or
// an encoded body that does not fit the 32-bit length prefix (AppendFrame).
type FrameTooLargeError struct {
	// Size is the frame length, in bytes, without the length prefix.
	Size uint64
	// Max is the limit that Size exceeds.
	Max int
}

// Error returns a message with both sizes. It allocates.
func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("protocol: frame of %d bytes exceeds the limit of %d bytes", e.Size, e.Max)
}

// GreetingError reports a server greeting that cannot be parsed.
type GreetingError struct {
	// Reason describes the problem.
	Reason string
	// Err is the underlying cause (for example ErrShortBuffer or
	// ErrSaltTooShort), or nil.
	Err error
}

// Error returns "protocol: bad greeting: reason". It allocates.
func (e *GreetingError) Error() string {
	if e.Err != nil {
		return "protocol: bad greeting: " + e.Reason + ": " + e.Err.Error()
	}
	return "protocol: bad greeting: " + e.Reason
}

// Unwrap returns the underlying cause, if any.
func (e *GreetingError) Unwrap() error { return e.Err }

// UnsupportedTypeError reports a Go value that AppendValue cannot encode:
// channels, functions, complex numbers, unsafe pointers, and anything the
// reflection-based fallback encoder rejects.
type UnsupportedTypeError struct {
	// Type is the type of the value passed in (not necessarily the nested
	// type that failed; see Err).
	Type reflect.Type
	// Err is the fallback encoder's error, or nil.
	Err error
}

// Error names the type and, when present, the underlying error. It allocates.
func (e *UnsupportedTypeError) Error() string {
	name := "<nil>"
	if e.Type != nil {
		name = e.Type.String()
	}
	if e.Err != nil {
		return "protocol: cannot encode value of type " + name + ": " + e.Err.Error()
	}
	return "protocol: cannot encode value of type " + name
}

// Unwrap returns the underlying error, if any.
func (e *UnsupportedTypeError) Unwrap() error { return e.Err }

// InvalidOpError reports an update operation that cannot be encoded: an
// unknown operation code, a field that is neither an integer nor a string,
// or an argument of the wrong type for the operation.
type InvalidOpError struct {
	// Index is the position of the operation in the Ops slice.
	Index int
	// Code is the operation code ('=', '+', ...).
	Code byte
	// Reason describes the problem.
	Reason string
}

// Error returns a message naming the operation. It allocates.
func (e *InvalidOpError) Error() string {
	return fmt.Sprintf("protocol: invalid update operation #%d (%q): %s", e.Index, e.Code, e.Reason)
}

// UnmarshalError reports that Decode could not store a MessagePack value in the
// Go value it was given (type mismatch, malformed data, ...).
type UnmarshalError struct {
	// Type is the type of the destination passed to Decode.
	Type reflect.Type
	// Err is the underlying error from the msgpack library.
	Err error
}

// Error names the destination type and the cause. It allocates.
func (e *UnmarshalError) Error() string {
	name := "<nil>"
	if e.Type != nil {
		name = e.Type.String()
	}
	return "protocol: cannot decode into " + name + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *UnmarshalError) Unwrap() error { return e.Err }

// FieldCountError reports an array decoded into a struct marked
// `msgpack:",as_array,strict"` whose element count is not the struct's
// field count (without "strict", missing trailing fields decode as nil and
// extra elements are skipped). Decode returns it wrapped in an
// *UnmarshalError; match it with errors.As.
type FieldCountError struct {
	// Type is the struct type.
	Type reflect.Type
	// Fields is the struct's field count, as the msgpack library counts
	// them; Elements is the array's element count.
	Fields, Elements int
}

// Error names the struct and both counts. It allocates.
func (e *FieldCountError) Error() string {
	return "protocol: strict struct " + e.Type.String() + " has " + strconv.Itoa(e.Fields) +
		" fields, the array has " + strconv.Itoa(e.Elements) + " elements"
}

// ParseError reports a string that ParseUUID or ParseDecimal cannot parse.
type ParseError struct {
	// Kind is "UUID" or "decimal".
	Kind string
	// Input is the string that was parsed.
	Input string
	// Reason describes the problem.
	Reason string
}

// Error returns "protocol: invalid <kind> "input": reason". It allocates.
func (e *ParseError) Error() string {
	return "protocol: invalid " + e.Kind + " " + strconv.Quote(e.Input) + ": " + e.Reason
}

// malformed builds a *MalformedError.
func malformed(off int, what string) error {
	return &MalformedError{What: what, Offset: off}
}
