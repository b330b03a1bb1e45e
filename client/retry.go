package client

import (
	"errors"
	"net"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// SafeToRetry reports whether the request that failed with err was
// certainly not executed, so that sending it again (on this client once it
// is connected, on another, or later) cannot execute it twice, and may
// succeed. It is true for:
//
//   - an error matching ErrNotSent that is not about the input: a
//     *ConnectionError or *ContextError with Sent false (not connected,
//     reconnect stopped, closed, broken before it was written, ctx ended
//     before it was written), an *InFlightLimitError;
//   - a *ServerError whose code says the server refused the request
//     before executing anything: ER_READONLY (a read-only instance, e.g. a
//     replica), ER_LOADING (the instance is still starting),
//     ER_WRONG_SCHEMA_VERSION (the client already resends it once by
//     itself). For a Call or Eval this holds when the server itself
//     raised the code before the function ran, or the function raised it
//     before doing anything: a function that catches and re-raises such an
//     error is on its own.
//
// It is false for nil, for a request sent whose outcome is unknown
// (ErrOutcomeUnknown, future.ErrCancelled, future.ErrTimeout), for every
// other server error (the server ran it and refused, as for
// ER_TUPLE_FOUND, or the outcome depends on the function), for bad
// input (*EncodeError, *SchemaError, *ArgumentError) and for a feature the
// server lacks (*FeatureError): nothing was sent, but the same request
// fails the same way. Cost: a few errors.Is/As walks of
// err's chain; meant for the failure path.
func SafeToRetry(err error) bool {
	if err == nil || isBadInput(err) {
		return false
	}
	if errors.Is(err, ErrNotSent) {
		return true
	}
	var se *ServerError
	if errors.As(err, &se) {
		switch se.Code {
		case iproto.ER_READONLY, iproto.ER_LOADING, iproto.ER_WRONG_SCHEMA_VERSION:
			return true
		}
	}
	return false
}

// isBadInput reports whether err is about the request's own input, or a
// feature the server lacks, which fails the same way every time.
func isBadInput(err error) bool {
	var (
		ee *EncodeError
		se *SchemaError
		ae *ArgumentError
		fe *FeatureError
	)
	return errors.As(err, &ee) || errors.As(err, &se) || errors.As(err, &ae) || errors.As(err, &fe)
}

// IsUnavailable reports whether err says there is no usable connection to
// the server, the answer to send "503 Service Unavailable" on. It is true
// for:
//
//   - a *ConnectionError, whether the request was sent or not: the
//     client was not connected (ErrNotConnected), gave up reconnecting
//     (ErrReconnectStopped), was closed (ErrClosed: a service shutting
//     down has no connection either), or the connection broke;
//   - an error of Dial, Connect, DialPool or ConnectPool that failed to
//     reach the server: a *transport.DialError (TLS handshake failures
//     included), a connection that ended during the greeting or login
//     (ErrServerClosed, a *net.OpError);
//   - any error wrapping ErrNotConnected, ErrReconnectStopped or
//     ErrClosed, as WaitConnected's do, whatever cause they carry (even
//     an *AuthError of the last attempt).
//
// It is false for nil, for server errors (the server answered: even
// ER_READONLY or ER_LOADING, for which see SafeToRetry), for an *AuthError
// (the server refused the credentials), for ctx errors (*ContextError: the
// request ran out of time, connected or not), for a
// *protocol.GreetingError (not a Tarantool) and for bad input. Cost: a few
// errors.Is/As walks of err's chain; meant for the failure path.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *ConnectionError
	if errors.As(err, &ce) || errors.Is(err, ErrNotConnected) || errors.Is(err, ErrReconnectStopped) || errors.Is(err, ErrClosed) {
		return true // whatever the last attempt's cause inside
	}
	var (
		ae *AuthError
		ge *protocol.GreetingError
		xe *ContextError
		se *ServerError
	)
	if errors.As(err, &ae) || errors.As(err, &ge) || errors.As(err, &xe) || errors.As(err, &se) {
		return false
	}
	var (
		de *transport.DialError
		oe *net.OpError
	)
	return errors.As(err, &de) || errors.As(err, &oe) || errors.Is(err, ErrServerClosed)
}
