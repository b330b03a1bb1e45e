package main

import (
	"context"
	"errors"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/reconnect"
)

// ours is txtarantool, used as an application would: numeric space id,
// context.Background() (no per-request context registration), futures
// awaited with Await, results decoded with Response.First / Decode, and
// each response released once checked.
var ours = clientKind{
	name: "ours",
	sync: true,
	dial: func(ctx context.Context, addr string) (conn, error) {
		c, err := client.Dial(ctx, addr, client.Options{SkipSchema: true, Reconnect: reconnect.Never()})
		if err != nil {
			return nil, err
		}
		return &oursConn{c: c}, nil
	},
}

// oursControl is ours again under another name, for an A/A comparison:
// with -clients ours,ours-control the two alternate like any two clients,
// and how far their ratio strays from 1.00 is the noise of a ratio on this
// machine. It never runs unless named.
var oursControl = clientKind{name: "ours-control", sync: ours.sync, dial: ours.dial}

type oursConn struct{ c *client.Client }

type oursFuture = *future.Future[*client.Response]

func (o *oursConn) close() error { return o.c.Close() }

// issue sends one w request for key.
func (o *oursConn) issue(w workload, key uint64) oursFuture {
	ctx := context.Background()
	switch w {
	case wPing:
		return o.c.Ping(ctx)
	case wSelect:
		return o.c.Select(ctx, spaceID, 0, requestValues[key].key, client.Limit(1))
	case wReplace:
		return o.c.Replace(ctx, spaceID, requestValues[key].tuple)
	default:
		return o.c.Call(ctx, echoFunc, requestValues[key].values...)
	}
}

// finish awaits f, checks its result against key, decoding into r, and
// releases the response (Response.Release, the counterpart of
// go-tarantool's Future.Release).
func (o *oursConn) finish(w workload, f oursFuture, key uint64, r *row) error {
	resp, err := f.Await(context.Background())
	if err != nil {
		return err
	}
	defer resp.Release()
	*r = row{}
	switch w {
	case wPing:
		if resp == nil {
			return errors.New("ping: nil response")
		}
		return nil
	case wSelect, wReplace:
		found, err := resp.First(r)
		if err != nil {
			return err
		}
		if !found {
			return errors.New(w.String() + ": no tuple")
		}
	default:
		// echo returns its three arguments: IPROTO_DATA is [id, name, val].
		if err := resp.Decode(r); err != nil {
			return err
		}
	}
	return check(w, key, r)
}

func (o *oursConn) pipelined(w workload, window int, d time.Duration) (int64, error) {
	r := new(row)
	return pipeline(window, d,
		func(key uint64) oursFuture { return o.issue(w, key) },
		func(f oursFuture, key uint64) error { return o.finish(w, f, key, r) })
}

func (o *oursConn) worker(w workload) func(uint64) error {
	r := new(row)
	return func(key uint64) error { return o.finish(w, o.issue(w, key), key, r) }
}
