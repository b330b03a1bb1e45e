package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// pair is a kv tuple decoded as an array.
type pair struct {
	_msgpack struct{} `msgpack:",as_array"`
	Key      string
	Value    string
}

// tour connects and shows each feature, one line per step.
func tour(ctx context.Context, cfg config, out io.Writer) error {
	start := time.Now()
	c, err := client.Dial(ctx, cfg.addr, client.Options{User: cfg.user, Password: cfg.password})
	if err != nil {
		return err
	}
	defer func() {
		_ = c.Close()
		fmt.Fprintln(out, "client    closed")
	}()
	fmt.Fprintf(out, "connect   %s as %q: Tarantool %s, %d spaces visible, in %v\n",
		c.Addr(), cfg.user, c.Greeting().Version, c.Schema().Spaces(), since(start))

	// Callbacks: Then runs on the client's executor when the reply arrives.
	done := c.Replace(ctx, "kv", []any{"greeting", "hello"}).
		Then(func(r *client.Response) (*client.Response, error) {
			var p pair
			_, err := r.First(&p)
			fmt.Fprintf(out, "then      replace kv[%q] -> %q (callback)\n", p.Key, p.Value)
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
	fmt.Fprintf(out, "await     select kv[%q] -> %q (typed decoding)\n", pairs[0].Key, pairs[0].Value)

	// Update with operations, then a server error matched by code.
	if _, err := c.Update(ctx, "kv", nil, "greeting", []protocol.Op{protocol.OpSplice(1, 0, 5, "howdy")}).Await(ctx); err != nil {
		return err
	}
	_, err = c.Insert(ctx, "kv", []any{"greeting", "again"}).Await(ctx)
	fmt.Fprintf(out, "error     insert duplicate -> ER_TUPLE_FOUND matched: %v\n", errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND)))

	if err := pipeline(ctx, c, cfg.pipeline, out); err != nil {
		return err
	}
	return requestLoop(ctx, c, cfg, out)
}

// pipeline issues n requests without waiting, then waits for all of them.
func pipeline(ctx context.Context, c *client.Client, n int, out io.Writer) error {
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
	fmt.Fprintf(out, "pipeline  %d calls on one connection in %v (%.0f calls/s), every reply checked\n",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	return nil
}

// requestLoop pings a few times per second and prints each outcome.
func requestLoop(ctx context.Context, c *client.Client, cfg config, out io.Writer) error {
	tick := time.NewTicker(cfg.interval)
	defer tick.Stop()
	for i := 1; i <= cfg.requests; i++ {
		start := time.Now()
		reqCtx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := c.Ping(reqCtx).Await(reqCtx)
		cancel()
		if err != nil {
			fmt.Fprintf(out, "request   #%d failed (%s): %v\n", i, errorKind(err), err)
		} else {
			fmt.Fprintf(out, "request   #%d ok in %v\n", i, since(start))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
	return nil
}

// errorKind names the class of a request error.
func errorKind(err error) string {
	var server *client.ServerError
	switch {
	case errors.As(err, &server):
		return "server error " + server.Code.String()
	case errors.Is(err, client.ErrNotSent):
		return "not sent"
	case errors.Is(err, client.ErrOutcomeUnknown):
		return "sent, outcome unknown"
	default:
		return "other"
	}
}

// since returns the time since start, rounded for display.
func since(start time.Time) time.Duration {
	return time.Since(start).Round(10 * time.Microsecond)
}
