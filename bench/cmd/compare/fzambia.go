package main

import (
	"context"
	"sync/atomic"
	"time"

	fz "github.com/FZambia/tarantool"
)

// fzambia is github.com/FZambia/tarantool v0.3.1 (the client Centrifugo
// uses) in its fastest documented configuration: no request timeout (its
// README: the non-context methods are the fast ones), ExecAsync and
// GetTyped into structs, numeric space and index ids, no schema loading.
// pool4 is round robin over 4 Connections; it has no replica-set client.
var fzambia = clientKind{
	name: "fzambia",
	sync: true,
	dial: func(ctx context.Context, addr string, t topology) (conn, error) {
		if t == topoCluster {
			return nil, errNotApplicable
		}
		n := 1
		if t == pool4 {
			n = poolSize
		}
		opts := fz.Opts{SkipSchema: true}
		if dl, ok := ctx.Deadline(); ok {
			opts.ConnectTimeout = time.Until(dl)
		}
		cs := make([]*fz.Connection, n)
		for i := range cs {
			var err error
			if cs[i], err = fz.Connect(addr, opts); err != nil {
				closeAll(cs[:i])
				return nil, err
			}
		}
		return &fzConn{cs: cs}, nil
	},
}

// The spaces' and the index's ids as fzambia takes them.
const (
	fzSpace     = uint32(spaceID)
	fzWideSpace = uint32(wideSpaceID)
	fzBlobSpace = uint32(blobSpaceID)
	fzPrimary   = uint32(0)
)

// fzKeys[id] is id as fzambia's select key (an array) and fzTuples[id]
// the tuple {id, name, val}, built once like requestValues; fzBlobKeys
// the same for space 'blob'. The integers are Go ints: fzambia encodes a
// uint64 always in 9 bytes (msgpack 0xcf), and Tarantool 2.6's HASH index
// then misses the key (a select finds nothing, a replace adds a second
// tuple with the same id), where an int is encoded in its shortest form.
var (
	fzKeys = func() []any {
		keys := make([]any, numKeys+1)
		for id := 1; id <= numKeys; id++ {
			keys[id] = []any{id}
		}
		return keys
	}()
	fzTuples = func() []any {
		ts := make([]any, numKeys+1)
		for id := 1; id <= numKeys; id++ {
			ts[id] = []any{id, names[id], id * valMul}
		}
		return ts
	}()
	fzBlobKeys = func() map[int]any {
		m := map[int]any{}
		for _, n := range blobSizes {
			m[n] = []any{n}
		}
		return m
	}()
	fzNoKey any = []any{}
)

// fzConn sends over one connection, or round robin over several.
type fzConn struct {
	cs   []*fz.Connection
	next atomic.Uint32
}

func (c *fzConn) close() error { return closeAll(c.cs) }

func (c *fzConn) pick() *fz.Connection {
	if len(c.cs) == 1 {
		return c.cs[0]
	}
	return c.cs[c.next.Add(1)%uint32(len(c.cs))]
}

// issue sends one j request for key.
func (c *fzConn) issue(j job, key uint64) fz.Future {
	var req *fz.Request
	switch j.w {
	case wPing:
		req = fz.Ping()
	case wSelect:
		req = fz.Select(fzSpace, fzPrimary, 0, 1, fz.IterEq, fzKeys[key])
	case wReplace:
		req = fz.Replace(fzSpace, fzTuples[key])
	case wCall:
		req = fz.Call(echoFunc, fzTuples[key])
	case wWide, wWideAny:
		req = fz.Select(fzWideSpace, fzPrimary, 0, wideRows, fz.IterAll, fzNoKey)
	case wBigCall:
		req = fz.Call(bigStrFunc, bigArgs)
	default: // wBlob
		req = fz.Select(fzBlobSpace, fzPrimary, 0, 1, fz.IterEq, fzBlobKeys[j.size])
	}
	return c.pick().ExecAsync(req)
}

// finish waits for f and checks its result against key.
func (c *fzConn) finish(j job, f fz.Future, key uint64, st *typedState) error {
	if j.w == wPing {
		_, err := f.Get()
		return err
	}
	return finishTyped(j, f, key, st)
}

func (c *fzConn) pipelined(j job, window int, d time.Duration) (int64, error) {
	st := new(typedState)
	return pipeline(window, d,
		func(key uint64) fz.Future { return c.issue(j, key) },
		func(f fz.Future, key uint64) error { return c.finish(j, f, key, st) })
}

func (c *fzConn) worker(j job) func(uint64) error {
	st := new(typedState)
	return func(key uint64) error { return c.finish(j, c.issue(j, key), key, st) }
}
