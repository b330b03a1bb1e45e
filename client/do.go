package client

import (
	"context"
	"errors"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// ErrNilRequest is the cause of the *ArgumentError a nil request to Do
// fails with.
var ErrNilRequest = errors.New("txtarantool: nil request")

// Do sends req, any protocol.Request (one the client does not wrap, or a
// type of the caller's own implementing it), and returns its future, as
// the box commands do: the same errors (an AppendBody failure is an
// *EncodeError, nothing sent), the same recycling (Response.Release), the
// same Options.Tracer calls (Kind is req.Type(); no space or function is
// filled in). On a Pool it goes to the member Ping would use; on a Stream
// it carries the stream's id. The response is not interpreted beyond its
// header: a request the server never answers (IPROTO_WATCH) waits until
// ctx ends. A nil req fails at once with an *ArgumentError
// (ErrNilRequest). Cost: a Ping's, plus the boxing of req if it is not
// already an interface value.
func (c *commands) Do(ctx context.Context, req protocol.Request) *future.Future[*Response] {
	on := c.target()
	if req == nil {
		return on.rejected(ctx, getRecord(&plainRecords), &ArgumentError{Arg: "req", Err: ErrNilRequest})
	}
	return on.do(ctx, req)
}
