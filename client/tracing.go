package client

import (
	"context"
	"sync"
	"time"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// traced is what the client keeps for one traced request: its description
// (given to the tracer by pointer), the context the tracer returned, and
// the frame sizes counted so far. The records are pooled (tracedRecords),
// so that tracing costs no allocation once warm; they are kept off the
// call record itself so that a client without a tracer pays nothing for
// them in memory (the call record stays in its allocation size class).
type traced struct {
	req      TraceRequest
	ctx      context.Context
	tracer   Tracer
	sent     int // sizes of the frames of earlier sends (resends)
	received int // size of the response frame
}

// tracedRecords are the traced records not in use.
var tracedRecords = sync.Pool{New: func() any { return new(traced) }}

// traceStart describes cl's request (cl.req, cl.target, cl.stream) to
// the client's tracer and calls its TraceRequestStart, on the caller's
// goroutine. A nil ctx (which fails the request at once) is given to the
// tracer as context.Background(). Cost: a pool Get, a clock read, a type
// switch and, for a space given by number, a schema lookup.
func (c *Client) traceStart(ctx context.Context, cl *call) {
	t := tracedRecords.Get().(*traced)
	t.tracer = c.opts.Tracer
	t.req = TraceRequest{Addr: c.addr}
	if cl.req != nil {
		describeRequest(&t.req, cl.req)
	}
	if cl.target != nil {
		describeTarget(&t.req, c.schema.Load(), cl.target)
	}
	if cl.stream != nil {
		t.req.StreamID = cl.stream.id
	}
	if ctx == nil {
		ctx = context.Background()
	}
	t.req.Start = time.Now()
	t.ctx = t.tracer.TraceRequestStart(ctx, &t.req)
	if t.ctx == nil {
		t.ctx = ctx
	}
	cl.trace = t
}

// describeRequest fills in the kind, function and query of req, for the
// request types as the commands send them.
func describeRequest(tr *TraceRequest, req protocol.Request) {
	tr.Kind = req.Type()
	switch r := req.(type) {
	case *protocol.Call:
		tr.Function = r.Function
	case *protocol.Call16:
		tr.Function = r.Function
	case *protocol.Eval:
		tr.Query = r.Expr
	case protocol.Execute:
		tr.Query = r.SQL
	case protocol.Prepare:
		tr.Query = r.SQL
	}
}

// describeTarget fills in the space and index a request names: names as
// given, numbers with their names from s (if loaded and known). The
// primary index given by number 0 or nil has no name here.
func describeTarget(tr *TraceRequest, s *Schema, t *bindTarget) {
	var sp *Space
	switch v := t.space.(type) {
	case string:
		tr.Space = v
		if s != nil {
			sp, _ = s.SpaceByName(v)
		}
	default:
		if id, ok := numericID(v); ok {
			tr.SpaceID = id
			if s != nil {
				if sp, _ = s.SpaceByID(id); sp != nil {
					tr.Space = sp.Name
				}
			}
		}
	}
	switch v := t.index.(type) {
	case string:
		tr.Index = v
	case nil:
	default:
		if id, ok := numericID(v); ok && id != 0 && sp != nil {
			if ix := sp.IndexesByID[id]; ix != nil {
				tr.Index = ix.Name
			}
		}
	}
}

// ended counts the request's outcome in the client's Stats and, for a
// traced request, calls TraceRequestEnd, once, by whoever settles the
// call, before its future settles. Internal requests are neither counted
// nor traced. Cost with no tracer: a flag test and one atomic add (in a
// cache line of its own, see counters).
func (cl *call) ended(err error) {
	if cl.is(callInternal) || cl.client == nil {
		return
	}
	o, by := classify(err)
	cl.client.counters.requests[o].Add(1)
	t := cl.trace
	if t == nil {
		return
	}
	cl.trace = nil
	end := TraceEnd{
		Err:           err,
		Outcome:       o,
		Duration:      time.Since(t.req.Start),
		BytesSent:     t.sent + cl.ws.TakeFrameSize(),
		BytesReceived: t.received,
	}
	if serr, ok := by.(*ServerError); ok {
		end.Code = serr.Code
	}
	t.tracer.TraceRequestEnd(t.ctx, &t.req, end)
	*t = traced{}
	tracedRecords.Put(t)
}

// OutcomeOf classifies the error a request's future settled with (nil:
// OutcomeOK). It walks err's chain (Unwrap, and errors.Join's lists
// depth first) and the first error it knows decides, so that the client's
// own wrapper, outermost, wins over its cause:
//
//   - *ServerError: OutcomeServerError;
//   - *ContextError, future.ErrCancelled, context.Canceled,
//     context.DeadlineExceeded: OutcomeCanceled;
//   - *ConnectionError: OutcomeUnknown if the request had been sent
//     (ErrOutcomeUnknown), else OutcomeNotSent;
//   - *InFlightLimitError, ErrNotSent, ErrClosed, ErrNotConnected,
//     ErrTooManyInFlight: OutcomeNotSent; ErrOutcomeUnknown:
//     OutcomeUnknown;
//   - bad input caught before sending (*EncodeError, *SchemaError,
//     *ArgumentError, *FeatureError) and a response that could not be
//     decoded (*MalformedError, *UnmarshalError, *FieldCountError):
//     OutcomeInvalid.
//
// Any other error is OutcomeUnknown (the request may have been
// executed). Cost: type switches along the chain; no allocation.
func OutcomeOf(err error) Outcome {
	o, _ := classify(err)
	return o
}

// classify is OutcomeOf, also returning the error of err's chain that
// decided (nil if none did).
func classify(err error) (Outcome, error) {
	if err == nil {
		return OutcomeOK, nil
	}
	if o, by := outcomeIn(err); by != nil {
		return o, by
	}
	return OutcomeUnknown, nil
}

// outcomeIn is OutcomeOf's walk: the outcome of the first error of err's
// chain that has one, and that error (nil if none).
func outcomeIn(err error) (Outcome, error) {
	for err != nil {
		if o, ok := outcomeOfOne(err); ok {
			return o, err
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if o, by := outcomeIn(e); by != nil {
					return o, by
				}
			}
			return 0, nil
		default:
			return 0, nil
		}
	}
	return 0, nil
}

// outcomeOfOne is the outcome of err itself (not of what it wraps), if it
// is one OutcomeOf knows.
func outcomeOfOne(err error) (Outcome, bool) {
	switch e := err.(type) {
	case *ServerError:
		return OutcomeServerError, true
	case *ContextError:
		return OutcomeCanceled, true
	case *ConnectionError:
		if e.Sent {
			return OutcomeUnknown, true
		}
		return OutcomeNotSent, true
	case *InFlightLimitError:
		return OutcomeNotSent, true
	case *EncodeError, *SchemaError, *ArgumentError, *FeatureError,
		*MalformedError, *UnmarshalError, *FieldCountError:
		return OutcomeInvalid, true
	}
	switch err {
	case ErrNotSent, ErrClosed, ErrNotConnected, ErrTooManyInFlight:
		return OutcomeNotSent, true
	case ErrOutcomeUnknown:
		return OutcomeUnknown, true
	case future.ErrCancelled, context.Canceled, context.DeadlineExceeded:
		return OutcomeCanceled, true
	}
	return 0, false
}
