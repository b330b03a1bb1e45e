package client

import (
	"sync/atomic"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// Push is one box.session.push message: a value a Lua function sent to the
// caller while it was still running, before its final response. It is kept
// as raw msgpack, like a Response, and decoded by its methods in the
// caller's goroutine (the client's executor, where listeners run), never on
// the network reader. A Push is immutable and may be kept after the
// listener returns; small ones share a 16 KiB slab with responses.
type Push struct {
	body []byte // the IPROTO_CHUNK body: {IPROTO_DATA: [value]}
}

// Data returns the raw msgpack of the pushed value. The slice aliases the
// Push: do not modify it. A body without IPROTO_DATA or whose data is not
// a one-element array is a *protocol.MalformedError.
func (p *Push) Data() (protocol.RawMsgpack, error) {
	body, err := protocol.DecodeBody(p.body)
	if err != nil {
		return nil, err
	}
	n, rest, err := protocol.DecodeArrayHeader(body.Data)
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, &protocol.MalformedError{What: "push data is not an array of one value", Offset: -1}
	}
	return rest, nil
}

// Decode decodes the pushed value into v, a pointer, with the rules of
// Response.Decode.
func (p *Push) Decode(v any) error {
	data, err := p.Data()
	if err != nil {
		return err
	}
	return protocol.Decode(data, v)
}

// Value decodes the pushed value into generic Go values (see
// protocol.DecodeValue): box.session.push(7) gives int64(7), a Lua table
// {1, 'a'} gives []any{int64(1), "a"}.
func (p *Push) Value() (any, error) {
	data, err := p.Data()
	if err != nil {
		return nil, err
	}
	v, _, err := protocol.DecodeValue(data)
	return v, err
}

// pushListener is the listener of one request given to CallWithPush or
// EvalWithPush. over is set when the request's future settles: a push
// queued on the executor before a cancellation then finds it set and is
// dropped, so that the listener never runs after the future settled.
type pushListener struct {
	fn   func(*Push)
	exec *future.Serial // the client's executor, where fn runs
	over atomic.Bool
	// queued counts the pushes queued on the executor whose listener call
	// has not returned yet.
	queued atomic.Int64
}

// Push implements wire.Pusher: it hands a box.session.push message of the
// request to its listener, on the client's executor. The engine drops the
// messages of a request without a listener (or no longer pending:
// cancelled, timed out). Runs on the reader. Cost: two allocations (the
// Push and the closure queued on the executor).
func (pl *pushListener) Push(body []byte) {
	p := &Push{body: body}
	pl.queued.Add(1)
	pl.exec.Execute(func() {
		defer pl.queued.Add(-1)
		if !pl.over.Load() {
			pl.fn(p)
		}
	})
}

// settle is finish as the reader (or a broken connection) calls it: for a
// request with a push listener whose pushes have not all been handed over
// yet, the future settles on the client's executor, after them, so that
// whoever awaits it has seen every push when Await returns. Pushes are
// queued by the reader, which calls settle after them: when queued is
// zero, every listener call has returned. Cost for other requests: one nil
// check.
func (cl *call) settle(resp *Response, err error) {
	if cl.push == nil || cl.push.queued.Load() == 0 {
		cl.finish(resp, err)
		return
	}
	cl.client.exec.Execute(func() { cl.finish(resp, err) })
}
