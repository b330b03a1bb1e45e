package cluster

import (
	"context"

	"github.com/txtarantool/txtarantool/client"
)

// NewStream returns a stream (Tarantool 2.10+) on the master's client,
// waiting for a master as a ModeRW request does (Options.WaitForMaster,
// ctx). The stream stays pinned to that instance: after a failover its
// requests fail (client.ErrStreamLost, or the old master's ER_READONLY),
// never move. Cost: a client.Client.NewStream.
func (c *Cluster) NewStream(ctx context.Context) (*client.Stream, error) {
	if ctx == nil {
		return nil, nilContextError()
	}
	m, err := c.waitMaster(ctx, nil)
	if err != nil {
		return nil, err
	}
	return m.c.NewStream(), nil
}

// Tx runs fn in an interactive transaction on the master, as
// client.Client.Tx does, waiting for a master first as NewStream does. The
// transaction is pinned to that master and never resent: if it fails, fn's
// writes are rolled back or lost with the connection, and the caller
// decides whether to run it again.
func (c *Cluster) Tx(ctx context.Context, fn func(tx *client.Stream) error) error {
	if ctx == nil {
		return nilContextError()
	}
	m, err := c.waitMaster(ctx, nil)
	if err != nil {
		return err
	}
	return m.c.Tx(ctx, fn)
}
