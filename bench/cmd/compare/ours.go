package main

import (
	"context"
	"errors"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/reconnect"
)

// ours is txtarantool, used as an application would: numeric space id,
// context.Background() (no per-request context registration), futures
// awaited with Await, results decoded with Response.First / Decode, and
// each response released once checked. pool4 is a client.Pool of 4
// connections; cluster is a cluster.Cluster of the one instance.
var ours = clientKind{
	name: "ours",
	sync: true,
	dial: func(ctx context.Context, addr string, t topology) (conn, error) {
		opts := client.Options{SkipSchema: true, Reconnect: reconnect.Never()}
		switch t {
		case pool4:
			p, err := client.DialPool(ctx, addr, poolSize, opts)
			if err != nil {
				return nil, err
			}
			return &oursConn{c: p}, nil
		case topoCluster:
			cl, err := cluster.Dial(ctx, []cluster.Instance{{Name: "bench", Addr: addr}}, cluster.Options{Client: opts})
			if err != nil {
				return nil, err
			}
			return &oursConn{c: cl}, nil
		}
		c, err := client.Dial(ctx, addr, opts)
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

// oursConn drives a *client.Client, a *client.Pool or a *cluster.Cluster
// through the interface they share.
type oursConn struct{ c client.Conn }

type oursFuture = *future.Future[*client.Response]

// The select options, in slices built once: passed through the client.Conn
// interface, a variadic argument list would escape and be allocated per
// request, which calling *client.Client's method directly does not do.
var (
	limitOne = []client.SelectOption{client.Limit(1)}
	wideOpts = []client.SelectOption{client.Iterator(client.IterAll), client.Limit(wideRows)}
)

func (o *oursConn) close() error { return o.c.Close() }

// issue sends one j request for key.
func (o *oursConn) issue(j job, key uint64) oursFuture {
	ctx := context.Background()
	switch j.w {
	case wPing:
		return o.c.Ping(ctx)
	case wSelect:
		return o.c.Select(ctx, spaceID, 0, requestValues[key].key, limitOne...)
	case wReplace:
		return o.c.Replace(ctx, spaceID, requestValues[key].tuple)
	case wCall:
		return o.c.Call(ctx, echoFunc, requestValues[key].values...)
	case wWide, wWideAny:
		return o.c.Select(ctx, wideSpaceID, 0, nil, wideOpts...)
	case wBigCall:
		return o.c.Call(ctx, bigStrFunc, bigArgs...)
	default: // wBlob
		return o.c.Select(ctx, blobSpaceID, 0, blobKeys[j.size], limitOne...)
	}
}

// oursState is per-goroutine decode state, reused across requests.
type oursState struct {
	r    row
	rows []wideRow
	blob blobRow
	s    string
}

// finish awaits f, checks its result against key, decoding into st, and
// releases the response (Response.Release, the counterpart of
// go-tarantool's Future.Release).
func (o *oursConn) finish(j job, f oursFuture, key uint64, st *oursState) error {
	resp, err := f.Await(context.Background())
	if err != nil {
		return err
	}
	defer resp.Release()
	switch j.w {
	case wPing:
		if resp == nil {
			return errors.New("ping: nil response")
		}
		return nil
	case wSelect, wReplace:
		st.r = row{}
		found, err := resp.First(&st.r)
		if err != nil {
			return err
		}
		if !found {
			return errors.New(j.w.String() + ": no tuple")
		}
		return check(j.w, key, &st.r)
	case wCall:
		// echo returns its three arguments: IPROTO_DATA is [id, name, val].
		st.r = row{}
		if err := resp.Decode(&st.r); err != nil {
			return err
		}
		return check(j.w, key, &st.r)
	case wWide:
		st.rows = st.rows[:0]
		if err := resp.Decode(&st.rows); err != nil {
			return err
		}
		return checkWide(st.rows)
	case wWideAny:
		tuples, err := resp.Values()
		if err != nil {
			return err
		}
		return checkWideAny(tuples)
	case wBigCall:
		st.s = ""
		if _, err := resp.First(&st.s); err != nil {
			return err
		}
		return checkBig(j.size, st.s)
	default: // wBlob
		st.blob = blobRow{}
		found, err := resp.First(&st.blob)
		if err != nil {
			return err
		}
		if !found {
			return errors.New(j.String() + ": no tuple")
		}
		return checkBlob(j.size, &st.blob)
	}
}

func (o *oursConn) pipelined(j job, window int, d time.Duration) (int64, error) {
	st := new(oursState)
	return pipeline(window, d,
		func(key uint64) oursFuture { return o.issue(j, key) },
		func(f oursFuture, key uint64) error { return o.finish(j, f, key, st) })
}

func (o *oursConn) worker(j job) func(uint64) error {
	st := new(oursState)
	return func(key uint64) error { return o.finish(j, o.issue(j, key), key, st) }
}
