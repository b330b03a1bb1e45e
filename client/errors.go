package client

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// ErrClosed is the cause carried by every request failed because the
// caller closed the client. Match it with errors.Is.
var ErrClosed = errors.New("txtarantool: client closed")

// ErrNotConnected is returned for requests made while the client has no
// live connection. Such a request was never sent, so it is safe to retry.
var ErrNotConnected = errors.New("txtarantool: not connected")

// ErrRequestTimeout is the cause of a request that ran longer than
// Options.RequestTimeout. It is wrapped in a *ContextError, which also
// matches context.DeadlineExceeded.
var ErrRequestTimeout = errors.New("txtarantool: request timeout")

// ErrNotSent matches (errors.Is) every error of a request that never left
// the client: retrying it cannot execute it twice.
var ErrNotSent = errors.New("txtarantool: request not sent")

// ErrOutcomeUnknown matches (errors.Is) every error of a request that was
// handed to the network before the failure: the server may or may not have
// executed it.
var ErrOutcomeUnknown = errors.New("txtarantool: request sent, outcome unknown")

// ErrReconnectStopped is the cause of requests failed because the
// reconnect policy gave up (or is reconnect.Never): the client stays
// disconnected until it is closed.
var ErrReconnectStopped = errors.New("txtarantool: reconnecting stopped")

// ErrTooManyInFlight matches (errors.Is) the error of a request refused
// because Options.MaxInFlight requests were outstanding and
// Options.WhenFull is FailWhenFull. Nothing was sent: it is safe to retry
// later.
var ErrTooManyInFlight = errors.New("txtarantool: too many requests in flight")

// ErrorCode is the error value of one Tarantool error code, so that
// errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND)) matches a server
// error with that code. It is protocol.ErrorCode, repeated here so that
// user code needs to import only this package.
type ErrorCode = protocol.ErrorCode

// ServerError is an error returned by Tarantool: its code (go-iproto's
// iproto.Error), message and, from Tarantool 2.4.1 on, the whole MP_ERROR
// stack. It is protocol.ServerError.
type ServerError = protocol.ServerError

// ConnectionError fails a request whose connection broke (or was closed)
// before its response arrived. Sent tells whether the request had been
// handed to the network: if false it was never sent and is safe to retry;
// if true the server may or may not have executed it.
//
// errors.Is(err, ErrNotSent) and errors.Is(err, ErrOutcomeUnknown) match
// the two cases; Unwrap gives the underlying cause (a net error, ErrServerClosed,
// ErrClosed, a *protocol.MalformedError, ...).
type ConnectionError struct {
	// Addr is the server address of the broken connection.
	Addr string
	// Sent reports whether the request had been handed to the network.
	Sent bool
	// Err is the cause of the failure.
	Err error
}

// Error describes the failure, the address and whether the request was sent.
func (e *ConnectionError) Error() string {
	return fmt.Sprintf("txtarantool: connection to %s failed (request %s): %v", e.Addr, sentState(e.Sent), e.Err)
}

// Unwrap returns the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// Is matches ErrNotSent or ErrOutcomeUnknown according to Sent.
func (e *ConnectionError) Is(target error) bool { return matchesSent(e.Sent, target) }

// ContextError fails a request whose context was cancelled or expired, or
// that exceeded Options.RequestTimeout, before its response arrived. The
// connection forgets the request: a late response is discarded.
//
// Err is context.Cause of the request's context, so errors.Is(err,
// context.DeadlineExceeded) and errors.Is(err, context.Canceled) work; for
// the client's own request timeout Err matches both ErrRequestTimeout and
// context.DeadlineExceeded.
type ContextError struct {
	// Sent reports whether the request had been handed to the network.
	Sent bool
	// Err is the context's cause.
	Err error
}

// Error describes the abandonment.
func (e *ContextError) Error() string {
	return fmt.Sprintf("txtarantool: request abandoned (%s): %v", sentState(e.Sent), e.Err)
}

// Unwrap returns the context's cause.
func (e *ContextError) Unwrap() error { return e.Err }

// Is matches ErrNotSent or ErrOutcomeUnknown according to Sent.
func (e *ContextError) Is(target error) bool { return matchesSent(e.Sent, target) }

// sentState describes whether a failed request had been sent.
func sentState(sent bool) string {
	if sent {
		return "sent, outcome unknown"
	}
	return "not sent"
}

// matchesSent makes an error with a Sent flag match ErrOutcomeUnknown
// (sent) or ErrNotSent (not sent).
func matchesSent(sent bool, target error) bool {
	return (target == ErrNotSent && !sent) || (target == ErrOutcomeUnknown && sent)
}

// requestTimeoutError is the cause installed by Options.RequestTimeout: it
// matches both ErrRequestTimeout and context.DeadlineExceeded.
type requestTimeoutError struct{}

func (requestTimeoutError) Error() string { return ErrRequestTimeout.Error() }

func (requestTimeoutError) Is(target error) bool {
	return target == ErrRequestTimeout || target == context.DeadlineExceeded
}

// AuthError fails Dial when Tarantool refuses the credentials. It names
// the user, never the password; Unwrap gives the *ServerError, so
// errors.Is(err, ErrorCode(iproto.ER_CREDS_MISMATCH)) matches a wrong
// password (code 47, which Tarantool 2.6 calls ER_PASSWORD_MISMATCH) and
// ErrorCode(iproto.ER_NO_SUCH_USER) an unknown user.
type AuthError struct {
	// User is the user name that was refused.
	User string
	// Err is the server's error.
	Err error
}

// Error names the user and the server's reason.
func (e *AuthError) Error() string {
	return fmt.Sprintf("txtarantool: authentication as %q failed: %v", e.User, e.Err)
}

// Unwrap returns the server's error.
func (e *AuthError) Unwrap() error { return e.Err }

// SchemaError fails a request that names a space or index the server does
// not have (after a schema reload), gives an empty name, passes an
// identifier of a type that cannot name one, or gives a name without a
// schema (Options.SkipSchema) to a server that cannot resolve names
// (before 3.0). Nothing was sent.
//
// The same mistake made with a number reaches the server, which answers
// with a *ServerError; both match the same code, so one check covers both:
// an unknown or empty space name matches ErrorCode(iproto.ER_NO_SUCH_SPACE),
// the code of an unknown space number. An unknown or empty index name
// matches ErrorCode(iproto.ER_NO_SUCH_INDEX_NAME), what Tarantool says of
// an index name, and ErrorCode(iproto.ER_NO_SUCH_INDEX_ID), what Tarantool
// 2.6 answers for an unknown index number. Code holds the first.
type SchemaError struct {
	// Space is the space as the caller gave it.
	Space any
	// Index is the index as the caller gave it, or nil if the space
	// itself is unknown.
	Index any
	// Reason says what is wrong.
	Reason string
	// Code is the server error code the same mistake gets by number
	// (ER_NO_SUCH_SPACE, ER_NO_SUCH_INDEX_NAME), or 0 for an identifier
	// of the wrong type.
	Code iproto.Error
}

// Error names the space, the index and the reason.
func (e *SchemaError) Error() string {
	if e.Index != nil {
		return fmt.Sprintf("txtarantool: space %v index %v: %s", e.Space, e.Index, e.Reason)
	}
	return fmt.Sprintf("txtarantool: space %v: %s", e.Space, e.Reason)
}

// Is makes every SchemaError match ErrNotSent (nothing was sent) and, if
// Code is set, ErrorCode(Code) (and an index name's ER_NO_SUCH_INDEX_ID),
// as the server's error for the same mistake does.
func (e *SchemaError) Is(target error) bool {
	if target == ErrNotSent {
		return true
	}
	code, ok := target.(ErrorCode)
	if !ok || e.Code == 0 {
		return false
	}
	return iproto.Error(code) == e.Code ||
		(e.Code == iproto.ER_NO_SUCH_INDEX_NAME && iproto.Error(code) == iproto.ER_NO_SUCH_INDEX_ID)
}

// ErrServerClosed is the cause of a connection the server closed cleanly
// (end of stream between two responses, or before its greeting): it reads
// "server closed the connection" and wraps io.EOF, so errors.Is(err,
// io.EOF) still holds.
var ErrServerClosed error = serverClosedError{}

// serverClosedError is ErrServerClosed's type: a message of its own over
// io.EOF.
type serverClosedError struct{}

func (serverClosedError) Error() string { return "txtarantool: server closed the connection" }
func (serverClosedError) Unwrap() error { return io.EOF }

// serverClosed turns a bare io.EOF from the connection into ErrServerClosed
// and returns any other error unchanged.
func serverClosed(err error) error {
	if err == io.EOF {
		return ErrServerClosed
	}
	return err
}

// ErrNilContext is the error (inside an *ArgumentError) of a command,
// Dial, Connect, DialPool or ConnectPool given a nil context. It is
// future.ErrNilContext, which Await gives for a nil context, so one
// errors.Is check covers a nil context wherever it was passed.
var ErrNilContext = future.ErrNilContext

// ArgumentError fails a call given an argument no request can be made of
// (a nil context, a negative pool size). From a command it is the
// future's error, already set when the command returns, and it matches
// ErrNotSent: nothing was sent.
type ArgumentError struct {
	// Arg names the argument ("ctx", "size").
	Arg string
	// Err says what is wrong, e.g. ErrNilContext.
	Err error
}

// Error names the argument and the problem.
func (e *ArgumentError) Error() string {
	return fmt.Sprintf("txtarantool: invalid argument %s: %v", e.Arg, e.Err)
}

// Unwrap returns Err.
func (e *ArgumentError) Unwrap() error { return e.Err }

// Is makes every ArgumentError match ErrNotSent: nothing was sent.
func (e *ArgumentError) Is(target error) bool { return target == ErrNotSent }

// nilContextError is the *ArgumentError of a nil context (a new one each
// time: the caller may keep and change it).
func nilContextError() error { return &ArgumentError{Arg: "ctx", Err: ErrNilContext} }

// EncodeError fails a request whose arguments cannot be encoded (an
// unsupported Go type, an invalid update operation, a request larger than
// the maximum frame). Nothing was sent and the connection keeps serving.
type EncodeError struct {
	// Err is the encoder's error, e.g. a *protocol.UnsupportedTypeError.
	Err error
}

// Error describes the encoding failure.
func (e *EncodeError) Error() string { return "txtarantool: cannot encode request: " + e.Err.Error() }

// Unwrap returns the encoder's error.
func (e *EncodeError) Unwrap() error { return e.Err }

// Is makes every EncodeError match ErrNotSent: nothing was sent.
func (e *EncodeError) Is(target error) bool { return target == ErrNotSent }

// InFlightLimitError fails a request made while Options.MaxInFlight
// requests of the client were outstanding, with Options.WhenFull set to
// FailWhenFull. It matches ErrTooManyInFlight and ErrNotSent.
type InFlightLimitError struct {
	// Limit is Options.MaxInFlight.
	Limit int
}

// Error names the limit.
func (e *InFlightLimitError) Error() string {
	return fmt.Sprintf("%v (limit %d; request not sent)", ErrTooManyInFlight, e.Limit)
}

// Is matches ErrTooManyInFlight and ErrNotSent.
func (e *InFlightLimitError) Is(target error) bool {
	return target == ErrTooManyInFlight || target == ErrNotSent
}
