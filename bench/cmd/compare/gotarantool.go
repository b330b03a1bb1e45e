package main

import (
	"context"
	"sync/atomic"
	"time"

	tarantool "github.com/tarantool/go-tarantool/v3"
	"github.com/tarantool/go-tarantool/v3/pool"
)

// gotarantool is github.com/tarantool/go-tarantool/v3 v3.0.2 in its fastest
// documented configuration: a PoolAllocator for response buffers, typed
// decoding with GetTyped, and Release() after every response. pool4 is
// round robin over 4 Connections (cheaper than its pool package, which
// checks every instance's role); cluster is its pool package over the one
// instance, in ModeAny.
var gotarantool = clientKind{
	name: "gotarantool",
	sync: true,
	dial: func(ctx context.Context, addr string, t topology) (conn, error) {
		alloc, err := tarantool.NewPoolAllocator([]int{6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21})
		if err != nil {
			return nil, err
		}
		opts := tarantool.Opts{Allocator: alloc, SkipSchema: true}
		dialer := tarantool.NetDialer{Address: addr}
		if t == topoCluster {
			p, err := pool.New(ctx, []pool.Instance{{Name: "bench", Dialer: dialer, Opts: opts}})
			if err != nil {
				return nil, err
			}
			return &gtConn{do: func(r tarantool.Request) tarantool.Future { return p.Do(r, pool.ModeAny) }, closeFn: p.Close}, nil
		}
		n := 1
		if t == pool4 {
			n = poolSize
		}
		cs := make([]*tarantool.Connection, n)
		for i := range cs {
			if cs[i], err = tarantool.Connect(ctx, dialer, opts); err != nil {
				closeAll(cs[:i])
				return nil, err
			}
		}
		if n == 1 {
			return &gtConn{do: cs[0].Do, closeFn: cs[0].Close}, nil
		}
		var next atomic.Uint32
		return &gtConn{
			do:      func(r tarantool.Request) tarantool.Future { return cs[next.Add(1)%uint32(n)].Do(r) },
			closeFn: func() error { return closeAll(cs) },
		}, nil
	},
}

// closeAll closes every connection and returns the first error.
func closeAll[C interface{ Close() error }](cs []C) error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// gtKeys[id] is id as go-tarantool's select key, built once like
// requestValues.
var gtKeys = func() []any {
	keys := make([]any, numKeys+1)
	for id := 1; id <= numKeys; id++ {
		keys[id] = tarantool.UintKey{I: uint(id)}
	}
	return keys
}()

// gtBlobKeys are the keys of space 'blob', built once.
var gtBlobKeys = func() map[int]any {
	m := map[int]any{}
	for _, n := range blobSizes {
		m[n] = tarantool.UintKey{I: uint(n)}
	}
	return m
}()

// gtConn sends through do: one Connection's Do, round robin over several,
// or the pool package's.
type gtConn struct {
	do      func(tarantool.Request) tarantool.Future
	closeFn func() error
}

// issue sends one j request for key.
func (g *gtConn) issue(j job, key uint64) tarantool.Future {
	switch j.w {
	case wPing:
		return g.do(tarantool.NewPingRequest())
	case wSelect:
		return g.do(tarantool.NewSelectRequest(spaceID).Index(0).
			Iterator(tarantool.IterEq).Limit(1).Key(gtKeys[key]))
	case wReplace:
		return g.do(tarantool.NewReplaceRequest(spaceID).Tuple(requestValues[key].tuple))
	case wCall:
		return g.do(tarantool.NewCallRequest(echoFunc).Args(requestValues[key].tuple))
	case wWide, wWideAny:
		return g.do(tarantool.NewSelectRequest(wideSpaceID).Index(0).
			Iterator(tarantool.IterAll).Limit(wideRows))
	case wBigCall:
		return g.do(tarantool.NewCallRequest(bigStrFunc).Args(bigArgs))
	default: // wBlob
		return g.do(tarantool.NewSelectRequest(blobSpaceID).Index(0).
			Iterator(tarantool.IterEq).Limit(1).Key(gtBlobKeys[j.size]))
	}
}

// finish waits for f, checks its result against key and releases f.
func (g *gtConn) finish(j job, f tarantool.Future, key uint64, st *typedState) error {
	defer f.Release()
	if j.w == wPing {
		_, err := f.GetResponse()
		return err
	}
	return finishTyped(j, f, key, st)
}

func (g *gtConn) close() error { return g.closeFn() }

func (g *gtConn) pipelined(j job, window int, d time.Duration) (int64, error) {
	st := new(typedState)
	return pipeline(window, d,
		func(key uint64) tarantool.Future { return g.issue(j, key) },
		func(f tarantool.Future, key uint64) error { return g.finish(j, f, key, st) })
}

func (g *gtConn) worker(j job) func(uint64) error {
	st := new(typedState)
	return func(key uint64) error { return g.finish(j, g.issue(j, key), key, st) }
}
