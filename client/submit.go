package client

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/wire"
	"github.com/txtarantool/txtarantool/protocol"
)

// do creates the call for one request that names no space and submits
// it. Callbacks on the future run on the client's executor.
func (c *Client) do(ctx context.Context, req protocol.Request) *future.Future[*Response] {
	return c.start(ctx, getRecord(&plainRecords), c.exec, req, nil, false)
}

// launch submits cl, whose request req is usually stored in the same
// allocation (see argCall); callbacks run on the client's executor.
func (c *Client) launch(ctx context.Context, cl *call, req protocol.Request) *future.Future[*Response] {
	return c.start(ctx, cl, c.exec, req, nil, false)
}

// launchBound is launch for a request on a space: target (usually in the
// same allocation, see callWith) receives space and index.
func (c *Client) launchBound(ctx context.Context, cl *call, req protocol.Request, target *bindTarget, space, index any) *future.Future[*Response] {
	*target = bindTarget{space, index}
	return c.start(ctx, cl, c.exec, req, target, false)
}

// doInternal sends a request of the client's own (the schema load) whose
// callbacks run inline on the reader, so that connecting never waits for
// user callbacks on the executor.
func (c *Client) doInternal(ctx context.Context, req protocol.Request) *future.Future[*Response] {
	return c.start(ctx, new(call), nil, req, nil, true)
}

// launchTuple is launchBound for a request carrying a tuple: a nil tuple
// fails the future at once with an *EncodeError (protocol.ErrNilTuple),
// even while disconnected; a tuple that is not an array fails the same way
// when the request is encoded (see protocol.NotArrayError). Cost: one
// comparison.
func (c *Client) launchTuple(ctx context.Context, cl *call, req protocol.Request, target *bindTarget, space, tuple any) *future.Future[*Response] {
	if tuple == nil {
		*target = bindTarget{space, nil}
		cl.req, cl.target = req, target
		return c.rejected(ctx, cl, &EncodeError{Err: protocol.ErrNilTuple})
	}
	return c.launchBound(ctx, cl, req, target, space, nil)
}

// rejected returns cl's future already failed with err (or, for a nil ctx,
// with the *ArgumentError saying so): bad input caught before anything is
// queued. cl.req and cl.target, if set, describe the request to the
// tracer.
func (c *Client) rejected(ctx context.Context, cl *call, err error) *future.Future[*Response] {
	cl.client = c
	f := cl.promise.InitCancellable(c.exec, cl)
	if c.opts.Tracer != nil {
		c.traceStart(ctx, cl)
	}
	if ctx == nil {
		err = nilContextError()
	}
	cl.finish(nil, err)
	return f
}

// start fills in the new call cl for one request, submits it and
// returns its future. ex runs the future's callbacks (nil: the settling
// goroutine); target is nil unless req names a space; internal marks the
// client's own requests (see doInternal), which are neither traced nor
// counted. Cost with no Options.Tracer: one nil check.
func (c *Client) start(ctx context.Context, cl *call, ex future.Executor, req protocol.Request, target *bindTarget, internal bool) *future.Future[*Response] {
	cl.ctx, cl.req, cl.target, cl.client = ctx, req, target, c
	if internal {
		cl.flags |= callInternal
	}
	f := cl.promise.InitCancellable(ex, cl)
	if c.opts.Tracer != nil && !internal {
		c.traceStart(ctx, cl)
	}
	if ctx == nil {
		cl.finish(nil, nilContextError())
		return f
	}
	if d := c.opts.RequestTimeout; d > 0 {
		if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > d {
			cl.ctx, cl.cancelTimeout = context.WithTimeoutCause(ctx, d, requestTimeoutError{})
		}
	}
	if c.limiter.slots != nil && !internal && !c.acquireSlot(cl) {
		return f // settled: no slot
	}
	c.submit(cl)
	return f
}

// submit resolves names (reloading the schema once if a name is
// unknown) and queues the call on the current connection. Every failure
// before queueing settles the call with an error saying it was not sent.
func (c *Client) submit(cl *call) {
	if cl.abandoned.Load() || cl.ctx.Err() != nil {
		cl.finish(nil, abandonedError(cl))
		return
	}
	if c.closed.Load() {
		cl.finish(nil, &ConnectionError{Addr: c.addr, Err: ErrClosed})
		return
	}
	var schemaVersion uint64
	ln := c.link.Load()
	if cl.target != nil {
		s := c.schema.Load()
		// Without a schema (SkipSchema), names go to a server that
		// resolves them (3.0+), checked on the connection as it is now;
		// with none, a name waits for one (or fails as not connected).
		byName := false
		if s == nil && c.opts.SkipSchema {
			if ln == nil && (isName(cl.target.space) || isName(cl.target.index)) {
				c.notConnected(cl)
				return
			}
			byName = ln != nil && ln.names
		}
		err := s.bind(cl.req, cl.target.space, cl.target.index, byName)
		if err != nil && !cl.is(callReloaded) && !c.opts.SkipSchema && isUnknownName(err) {
			if ln == nil {
				// No reload can succeed now (a lazy client has no schema
				// yet): the request is not connected, not unknown; if it
				// waits, the name is resolved again once connected.
				c.notConnected(cl)
				return
			}
			cl.flags |= callReloaded
			c.reloadSchema().Finally(func(s *Schema, err error) (*Schema, error) {
				c.submit(cl)
				return s, err
			})
			return
		}
		if err != nil {
			cl.finish(nil, err)
			return
		}
		if s != nil {
			schemaVersion = s.Version
		}
	}
	if cl.stream != nil {
		if err := cl.stream.pin(ln); err != nil {
			cl.finish(nil, err)
			return
		}
	}
	if ln == nil {
		c.notConnected(cl)
		return
	}
	if cl.needs != 0 {
		// An older server would ignore the feature's keys (pagination:
		// answer the first page again; is_sync: commit asynchronously):
		// never send it.
		if f := iproto.Feature(cl.needs - 1); !ln.info.Has(f) {
			info := ln.info
			info.Features = slices.Clone(info.Features)
			cl.finish(nil, &FeatureError{Missing: []iproto.Feature{f}, Server: info})
			return
		}
	}
	if err := ln.send(cl, schemaVersion); err != nil {
		if isConnectionError(err) && c.opts.WaitForReconnect > 0 && !cl.is(callInternal) {
			// The connection broke before the supervisor noticed.
			c.drop(ln)
			if c.wait(cl) {
				return
			}
		}
		if errors.Is(err, wire.ErrAbandoned) {
			err = abandonedError(cl)
		}
		cl.finish(nil, err)
	}
}

// isName reports whether a space or index is given by a non-empty name.
func isName(v any) bool {
	name, ok := v.(string)
	return ok && name != ""
}

// notConnected settles, or parks until the next connection
// (Options.WaitForReconnect), a call made without a connection. The
// client's own requests (schema loads) never wait: a load parked in the
// queue would be joined by the next connection's own load, which the queue
// waits for.
func (c *Client) notConnected(cl *call) {
	if c.opts.WaitForReconnect > 0 && !cl.is(callInternal) && c.wait(cl) {
		return
	}
	cl.finish(nil, &ConnectionError{Addr: c.addr, Err: c.notConnectedCause()})
}

// isConnectionError reports whether err is a *ConnectionError.
func isConnectionError(err error) bool {
	var ce *ConnectionError
	return errors.As(err, &ce)
}

// abandonedError is the error of a call abandoned before it was sent: its
// context's cause, or future.ErrCancelled if its future was cancelled (the
// future is then already settled and the error goes nowhere).
func abandonedError(cl *call) error {
	if cause := context.Cause(cl.ctx); cause != nil {
		return &ContextError{Sent: false, Err: cause}
	}
	return future.ErrCancelled
}
