package protocol

import (
	"strconv"
	"strings"

	"github.com/tarantool/go-iproto"
)

// ErrorCode is a Tarantool error code usable as an error target:
// errors.Is(err, ErrorCode(iproto.ER_TUPLE_FOUND)) reports whether err is
// (or wraps) a *ServerError with that code.
type ErrorCode iproto.Error

// Error returns the code's name, e.g. "ER_TUPLE_FOUND" (or "Error(N)" for a
// code go-iproto does not know). It does not allocate for known codes.
func (c ErrorCode) Error() string { return iproto.Error(c).String() }

// ServerError is an error reported by Tarantool: from an error response
// (DecodeErrorBody) or an MP_ERROR value (DecodeError, DecodeValue of
// extension 3).
type ServerError struct {
	// Code is the error code: from the response header for error
	// responses, otherwise from the first stack frame.
	Code iproto.Error
	// Message is the error message: IPROTO_ERROR_24 for error responses,
	// otherwise the first stack frame's message.
	Message string
	// Stack is the MP_ERROR stack, most recent error first; empty when the
	// server sent none (before 2.4.1).
	Stack []ErrorFrame
}

// ErrorFrame is one error of an MP_ERROR stack.
type ErrorFrame struct {
	Type    string         // error class, e.g. "ClientError", "CustomError"
	File    string         // source file
	Line    uint64         // source line
	Message string         // message
	Errno   uint64         // saved errno
	Code    uint64         // error code
	Fields  map[string]any // extra fields (nil if none were sent)
}

// Error returns e.g. `tarantool: Duplicate key exists in unique index
// "primary" in space "test" (ER_TUPLE_FOUND, code 3)`; codes unknown to
// go-iproto (such as custom error codes) show as "(code N)". It allocates.
func (e *ServerError) Error() string {
	name := e.Code.String()
	if strings.HasPrefix(name, "Error(") { // a code go-iproto does not know
		return "tarantool: " + e.Message + " (code " + strconv.Itoa(int(e.Code)) + ")"
	}
	return "tarantool: " + e.Message + " (" + name + ", code " + strconv.Itoa(int(e.Code)) + ")"
}

// Is reports whether target is ErrorCode(e.Code) or a *ServerError with the
// same Code, so errors.Is(err, ErrorCode(iproto.ER_TUPLE_FOUND)) works. It
// does not allocate.
func (e *ServerError) Is(target error) bool {
	if e == nil {
		return false
	}
	switch t := target.(type) {
	case ErrorCode:
		return iproto.Error(t) == e.Code
	case *ServerError:
		return t != nil && t.Code == e.Code
	}
	return false
}
