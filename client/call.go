package client

import (
	"context"
	"runtime"
	"sync/atomic"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/wire"
	"github.com/txtarantool/txtarantool/protocol"
)

// call is one request from the moment a command is issued until its
// future settles. It may be sent more than once (a transparent retry after
// ER_WRONG_SCHEMA_VERSION), each time with a new sync id.
//
// Ownership: while a call sits in a connection's pending table, whoever
// deletes it from the table (under the wire.Conn's mutex) settles it.
// Fields marked "conn.mu" are written under the mutex of the wire.Conn
// that holds the call; the call is the engine's wire.Request.
type call struct {
	// promise settles the request's future (which it contains) and resp
	// is its response, embedded so that a request costs one allocation for
	// all three. The call is the future's canceller (FutureCancelled).
	promise future.Promise[*Response]
	resp    Response
	ctx     context.Context

	// req is the request. One that names a space (target is not nil) is
	// a pointer to a protocol struct whose space and index numbers are
	// filled in, in place, from target before every send.
	req    protocol.Request
	target *bindTarget

	// push is the request's box.session.push listener (CallWithPush,
	// EvalWithPush), nil for every other request.
	push *pushListener
	// stream is the stream the request runs in (its id goes in the
	// header), nil for a request outside one.
	stream *Stream

	// flags are the call's marks (callInternal, callReloaded, callRetried,
	// callSlot), one byte: with needs, watched, abandoned and ctxAbandon
	// they fill one word, so that the trace pointer below costs the record
	// no size class.
	flags callFlags
	// needs is 1 + the IPROTO feature the request needs (0: none), which
	// submit refuses to send it without: a select with a pagination field
	// (After, AfterTuple, FetchPos) needs IPROTO_FEATURE_PAGINATION, a
	// synchronous Begin or Commit IPROTO_FEATURE_IS_SYNC.
	needs uint8
	// watched is set when the context watcher (context.AfterFunc) could
	// not be stopped: it may still use the call, which must not be reused.
	watched bool

	abandoned atomic.Bool // ctx done or future cancelled (packed with the flags above)
	// ctxAbandon is the progress of abandoning the call because its
	// context is done, which the context watcher and a waiter whose own
	// context ended (FutureWaitEnded) may both attempt: 0 not begun, 1 under
	// way, 2 done. The first to begin acts; the other waits for it. Packed
	// with abandoned: no extra memory.
	ctxAbandon atomic.Uint32

	// recycle zeroes the call's record and returns it to its pool (see
	// Response.Release); nil for records not from a pool.
	recycle func()

	// ws is the engine's bookkeeping of the current send (conn.mu): its
	// sync id and where its frame lies in the write queue.
	ws   wire.Slot
	stop func() bool // conn.mu: stops the context.AfterFunc, nil if none

	cancelTimeout context.CancelFunc // Options.RequestTimeout's, nil if none

	client *Client                   // for requests waiting for a connection
	conn   atomic.Pointer[wire.Conn] // the connection of the current send

	// trace is the request's record for Options.Tracer (see tracing.go),
	// nil when the client has no tracer or the request is internal.
	trace *traced
}

// callFlags are a call's marks, written only by whoever owns the call.
type callFlags uint8

const (
	// callInternal marks the client's own requests (schema loads): they
	// never wait for a connection (Options.WaitForReconnect), are not
	// traced and not counted in Stats.
	callInternal callFlags = 1 << iota
	// callReloaded is set once a schema reload was done for an unknown
	// name; callRetried once the request was resent after
	// ER_WRONG_SCHEMA_VERSION.
	callReloaded
	callRetried
	// callSlot is set while the call holds an Options.MaxInFlight slot;
	// release gives it back.
	callSlot
)

// is reports whether every flag of f is set on the call.
func (cl *call) is(f callFlags) bool { return cl.flags&f == f }

// need is the call.needs value of a request that needs feature f when
// cond holds, 0 otherwise.
func need(cond bool, f iproto.Feature) uint8 {
	if !cond {
		return 0
	}
	return uint8(f) + 1
}

// finish releases the call's context resources and settles its future.
// The caller must own the call (see the type's comment).
func (cl *call) finish(resp *Response, err error) {
	if cl.push != nil {
		cl.push.over.Store(true)
	}
	cl.release()
	cl.ended(err)
	cl.promise.Complete(resp, err)
}

// release stops the context watcher and the request timeout timer, and
// gives back the call's MaxInFlight slot.
func (cl *call) release() {
	if cl.stop != nil && !cl.stop() {
		cl.watched = true
	}
	if cl.cancelTimeout != nil {
		cl.cancelTimeout()
	}
	if cl.is(callSlot) {
		cl.releaseSlot()
	}
}

// abandon is run when the call's context is done (err is the error to fail
// with) or its future is cancelled (err is nil: Cancel rejects it). The
// call is forgotten by its connection: a late response is discarded.
func (cl *call) abandon(err error) {
	// Store the flag before loading conn; WireQueued stores conn before
	// loading the flag, so one of the two always sees the other.
	cl.abandoned.Store(true)
	var sent, found bool
	if conn := cl.conn.Load(); conn != nil {
		sent, found = conn.Forget(cl)
	}
	if !found && cl.client != nil {
		found = cl.client.unwait(cl) // waiting for a connection: not sent
	}
	if !found {
		return // not queued yet (submit sees the flag), settled, or failed
	}
	if err == nil {
		cl.release()
		cl.ended(future.ErrCancelled) // Cancel rejects the future next
		return
	}
	cl.finish(nil, &ContextError{Sent: sent, Err: err})
}

// onAbandon is the context.AfterFunc callback and, through
// FutureCancelled, the future's canceller: when the context is done the
// call fails with its cause, otherwise the future is being cancelled and
// Cancel rejects it.
func (cl *call) onAbandon() {
	if cl.ctx.Err() != nil {
		cl.abandonCtx()
		return
	}
	cl.abandon(nil)
}

// abandonCtx abandons the call because its context is done, once: the
// first caller acts; a later one (the watcher and a waiter may race)
// returns once the future is settled or the first caller is done, so
// that a waiter sees the outcome the first one gave. The wait is a
// spin: abandon only takes a mutex and settles the future.
func (cl *call) abandonCtx() {
	if cl.ctxAbandon.CompareAndSwap(0, 1) {
		cl.abandon(context.Cause(cl.ctx))
		cl.ctxAbandon.Store(2)
		return
	}
	f := cl.promise.Future()
	for cl.ctxAbandon.Load() != 2 {
		if _, _, settled := f.Peek(); settled {
			return
		}
		runtime.Gosched()
	}
}

// FutureCancelled implements future.Canceller: the call's future is being
// cancelled (or its context ended first; see onAbandon).
func (cl *call) FutureCancelled() { cl.onAbandon() }

// FutureWaitEnded implements future.WaitEnder: an Await on the call's
// future (or on a future derived from it) gave up because its context
// ctx ended. If the request's own context is done too, the call is
// abandoned now, exactly as its context watcher would a moment later
// (whichever of the two finds the call in its table settles it, once), so
// that the Await returns the *ContextError saying whether the request was
// sent, not a bare ctx.Err(). Otherwise nothing happens.
func (cl *call) FutureWaitEnded(ctx context.Context) {
	// Cause locks a cancelled context of the standard library until it has
	// cancelled its children: if ctx is an ancestor of the request's
	// context (Options.RequestTimeout derives one), that one is done once
	// Cause returns.
	_ = context.Cause(ctx)
	if cl.ctx == nil || cl.ctx.Err() == nil {
		return
	}
	cl.abandonCtx()
}

// The call is the wire engine's Request (see wire.Request): the engine
// keeps its bookkeeping in ws and settles the call through these methods.

// WireSlot implements wire.Request: the call's bookkeeping in the engine.
func (cl *call) WireSlot() *wire.Slot { return &cl.ws }

// WireQueued implements wire.Request: under c's mutex, the call is about
// to be registered as pending on c. It refuses a call abandoned meanwhile
// and watches the call's context (context.AfterFunc never calls its
// function synchronously, so this is safe under the mutex; the function
// takes it itself).
func (cl *call) WireQueued(c *wire.Conn) bool {
	// Store conn before loading the flag; abandon does the reverse.
	cl.conn.Store(c)
	if cl.abandoned.Load() {
		return false
	}
	if cl.stop == nil && cl.ctx.Done() != nil {
		cl.stop = context.AfterFunc(cl.ctx, cl.onAbandon)
	}
	return true
}

// WireRespond implements wire.Request: it settles the call with its
// response, or with the server's error; ER_WRONG_SCHEMA_VERSION sends a
// call that names a space back to the client, which reloads the schema
// and resubmits it once. size is the response frame's size (for the
// tracer). Runs on the reader.
func (cl *call) WireRespond(header protocol.ResponseHeader, body []byte, size int) {
	if cl.trace != nil {
		cl.trace.received = size
	}
	if !header.IsError() {
		cl.resp = Response{owner: cl, sync: header.Sync, schemaVersion: header.SchemaVersion, body: body}
		cl.settle(&cl.resp, nil)
		return
	}
	serr, err := protocol.DecodeErrorBody(header, body)
	if err != nil {
		cl.settle(nil, err)
		return
	}
	if serr.Code == iproto.ER_WRONG_SCHEMA_VERSION && cl.target != nil && !cl.is(callRetried) {
		cl.flags |= callRetried
		if cl.trace != nil {
			cl.trace.sent += cl.ws.TakeFrameSize() // the resend adds its own
		}
		cl.client.retryAfterSchemaReload(cl)
		return
	}
	cl.settle(nil, serr)
}

// WireFail implements wire.Request: the connection broke with the call
// pending; err is a *ConnectionError.
func (cl *call) WireFail(err error) { cl.settle(nil, err) }

// WirePusher implements wire.Request: the call's box.session.push
// listener, nil if it has none.
func (cl *call) WirePusher() wire.Pusher {
	if cl.push == nil {
		return nil
	}
	return cl.push
}
