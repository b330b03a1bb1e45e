package cluster

import (
	"context"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// Do sends req, any protocol.Request (see client.Client.Do), routed as a
// call is: by Options.CallMode on the Cluster, by the view's mode on a
// Mode view. As a write, it is sent again on the new master once if the
// first instance refused it unexecuted (ER_READONLY, not sent). A nil
// req fails at once with the client's *client.ArgumentError
// (client.ErrNilRequest). Cost: a Call's.
func (v View) Do(ctx context.Context, req protocol.Request) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.Do(ctx, req)
	})
}
