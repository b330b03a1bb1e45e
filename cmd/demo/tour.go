package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// pair is a kv tuple decoded as an array.
type pair struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	Key      string
	Value    string
}

// tour shows each way of using a connected client, one line per step:
// a callback (Then), a blocking wait (Await) with typed decoding, a
// server error matched by code, and pipelining.
func tour(ctx context.Context, c *client.Client, pipelined int, p *printer) error {
	// Callbacks: Then runs on the client's executor when the reply arrives.
	done := c.Replace(ctx, "kv", []any{"greeting", "hello"}).
		Then(func(r *client.Response) (*client.Response, error) {
			var kv pair
			_, err := r.First(&kv)
			p.event("then", "replace kv[%q] -> %q (callback)", kv.Key, kv.Value)
			return r, err
		})
	if _, err := done.Await(ctx); err != nil {
		return err
	}

	// Blocking: Await in this goroutine, typed decoding with Tuples.
	pairs, err := client.Tuples[pair](c.Select(ctx, "kv", "primary", "greeting")).Await(ctx)
	if err != nil {
		return err
	}
	if len(pairs) != 1 {
		return fmt.Errorf("select returned %d tuples, want 1", len(pairs))
	}
	p.event("await", "select kv[%q] -> %q (typed decoding)", pairs[0].Key, pairs[0].Value)

	// Update with operations, then a server error matched by code.
	if _, err := c.Update(ctx, "kv", nil, "greeting", []protocol.Op{protocol.OpSplice(1, 0, 5, "howdy")}).Await(ctx); err != nil {
		return err
	}
	_, err = c.Insert(ctx, "kv", []any{"greeting", "again"}).Await(ctx)
	p.event("error", "insert duplicate -> ER_TUPLE_FOUND matched: %v", errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND)))

	if pipelined > 0 {
		return pipeline(ctx, c, pipelined, p)
	}
	return nil
}

// pipeline issues n requests without waiting, then waits for all of them.
func pipeline(ctx context.Context, c *client.Client, n int, p *printer) error {
	start := time.Now()
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		fs[i] = c.Call(ctx, "echo", i)
	}
	for i, f := range fs {
		r, err := f.Await(ctx)
		if err != nil {
			return err
		}
		var got []int
		if err := r.Decode(&got); err != nil || len(got) != 1 || got[0] != i {
			return fmt.Errorf("echo %d returned %v (%v)", i, got, err)
		}
	}
	elapsed := time.Since(start)
	p.event("pipeline", "%d calls on one connection in %v (%.0f calls/s), every reply checked",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	return nil
}
