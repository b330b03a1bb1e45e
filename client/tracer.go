package client

import (
	"context"
	"time"

	"github.com/tarantool/go-iproto"
)

// Tracer observes every request a Client sends on the caller's behalf
// (Options.Tracer): its start and its end. It is the hook for tracing
// (contrib/otel), metrics (contrib/prometheus) and request logging
// (SlogTracer). The client's own requests (schema loads, watchers, pings
// of the dead-peer watchdog) are not traced.
//
// Cost: with no tracer, one nil check per request. With one, a clock read
// at the start and at the end of each request plus the tracer's own work;
// the request's description (TraceRequest) lives in a pooled record the
// request holds until it ends, and costs no allocation once the pool is
// warm.
type Tracer interface {
	// TraceRequestStart is called once per request, on the caller's
	// goroutine, before the request is queued or rejected. The context
	// it returns is handed to TraceRequestEnd (a tracer keeps its span
	// there); it does not replace the request's own context, which still
	// decides its cancellation. Return ctx when there is nothing to keep.
	TraceRequestStart(ctx context.Context, req *TraceRequest) context.Context
	// TraceRequestEnd is called once per request, when its future settles
	// and before its callbacks run, on the goroutine settling it (often
	// the connection's reader): it must not block. req is the pointer
	// given to TraceRequestStart; neither it nor end may be kept after
	// the call returns (the record is reused).
	TraceRequestEnd(ctx context.Context, req *TraceRequest, end TraceEnd)
}

// TraceRequest describes one request to a Tracer.
type TraceRequest struct {
	// Kind is the IPROTO request type: IPROTO_SELECT, IPROTO_CALL, ...
	// (Do: the request's own Type).
	Kind iproto.Type
	// Space is the space's name as the caller gave it, or, for a space
	// given by number, its name from the loaded schema ("" if unknown);
	// SpaceID is the number when the caller gave one. Both are zero for a
	// request on no space.
	Space   string
	SpaceID uint32
	// Index is the index's name (as given, or from the schema), "" for
	// the primary key given by number 0 or for a request on no index.
	Index string
	// Function is the function called (Call, Call16, CallWithPush), ""
	// for other requests.
	Function string
	// Query is the text the server runs: the SQL of Execute and Prepare,
	// the Lua of Eval. It may carry literal values: a tracer should
	// record it only when its user asked for that.
	Query string
	// StreamID is the stream the request runs in (Stream), 0 outside one.
	StreamID uint64
	// Addr is the client's server address, as given to Dial.
	Addr string
	// Start is when the request was issued.
	Start time.Time
}

// TraceEnd is how a request ended, as told to Tracer.TraceRequestEnd.
type TraceEnd struct {
	// Err is the error the future settles with, nil on success.
	Err error
	// Outcome classifies Err (OutcomeOf).
	Outcome Outcome
	// Code is the server's error code for OutcomeServerError, else 0.
	Code iproto.Error
	// Duration is the time from the request's Start to its end.
	Duration time.Duration
	// BytesSent is the size of the frames written for the request (more
	// than one when it was resent after a schema change); 0 if it was not
	// handed to a connection.
	BytesSent int
	// BytesReceived is the size of the response's frame (header and
	// body), 0 when none arrived.
	BytesReceived int
}

// Outcome is how a request ended, in the classes a metric or span needs:
// the label values of contrib/prometheus, the status of contrib/otel.
type Outcome uint8

const (
	// OutcomeOK: the server executed the request and answered.
	OutcomeOK Outcome = iota
	// OutcomeServerError: the server answered with an error
	// (*ServerError; TraceEnd.Code has its code).
	OutcomeServerError
	// OutcomeNotSent: the request never reached the server: no connection
	// (*ConnectionError with Sent false, ErrNotSent), no in-flight slot,
	// a closed client. Safe to retry.
	OutcomeNotSent
	// OutcomeUnknown: the connection broke after the request was sent
	// (ErrOutcomeUnknown): it may or may not have been executed.
	OutcomeUnknown
	// OutcomeCanceled: the request's context ended or its future was
	// cancelled (*ContextError, context.Canceled).
	OutcomeCanceled
	// OutcomeInvalid: bad input caught before sending (*EncodeError,
	// *SchemaError, *ArgumentError, *FeatureError), or a response that
	// could not be decoded.
	OutcomeInvalid
)

// NumOutcomes is the number of Outcome values, for arrays indexed by
// Outcome.
const NumOutcomes = int(OutcomeInvalid) + 1

// String returns the outcome's label: "ok", "server_error", "not_sent",
// "unknown", "canceled" or "invalid". It does not allocate.
func (o Outcome) String() string {
	switch o {
	case OutcomeOK:
		return "ok"
	case OutcomeServerError:
		return "server_error"
	case OutcomeNotSent:
		return "not_sent"
	case OutcomeUnknown:
		return "unknown"
	case OutcomeCanceled:
		return "canceled"
	case OutcomeInvalid:
		return "invalid"
	}
	return "invalid"
}
