package main

import (
	"context"
	"errors"
	"time"

	tarantool "github.com/tarantool/go-tarantool/v3"
)

// gotarantool is github.com/tarantool/go-tarantool/v3 v3.0.0 in its fastest
// documented configuration: a PoolAllocator for response buffers, typed
// decoding with GetTyped, and Release() after every response.
var gotarantool = clientKind{
	name: "gotarantool",
	sync: true,
	dial: func(ctx context.Context, addr string) (conn, error) {
		alloc, err := tarantool.NewPoolAllocator([]int{6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
		if err != nil {
			return nil, err
		}
		c, err := tarantool.Connect(ctx, tarantool.NetDialer{Address: addr}, tarantool.Opts{
			Allocator:  alloc,
			SkipSchema: true,
		})
		if err != nil {
			return nil, err
		}
		return &gtConn{c: c}, nil
	},
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

type gtConn struct{ c *tarantool.Connection }

func (g *gtConn) close() error { return g.c.Close() }

// issue sends one w request for key.
func (g *gtConn) issue(w workload, key uint64) tarantool.Future {
	switch w {
	case wPing:
		return g.c.Do(tarantool.NewPingRequest())
	case wSelect:
		return g.c.Do(tarantool.NewSelectRequest(spaceID).Index(0).
			Iterator(tarantool.IterEq).Limit(1).Key(gtKeys[key]))
	case wReplace:
		return g.c.Do(tarantool.NewReplaceRequest(spaceID).Tuple(requestValues[key].tuple))
	default:
		return g.c.Do(tarantool.NewCallRequest(echoFunc).Args(requestValues[key].tuple))
	}
}

// gtState is per-goroutine decode state, reused across requests.
type gtState struct {
	r    row
	rows []row
}

// finish waits for f, checks its result against key and releases f.
func (g *gtConn) finish(w workload, f tarantool.Future, key uint64, st *gtState) error {
	defer f.Release()
	switch w {
	case wPing:
		_, err := f.GetResponse()
		return err
	case wSelect, wReplace:
		st.rows = st.rows[:0]
		if err := f.GetTyped(&st.rows); err != nil {
			return err
		}
		if len(st.rows) != 1 {
			return errors.New(w.String() + ": want exactly one tuple")
		}
		return check(w, key, &st.rows[0])
	default:
		st.r = row{}
		if err := f.GetTyped(&st.r); err != nil {
			return err
		}
		return check(w, key, &st.r)
	}
}

func (g *gtConn) pipelined(w workload, window int, d time.Duration) (int64, error) {
	st := new(gtState)
	return pipeline(window, d,
		func(key uint64) tarantool.Future { return g.issue(w, key) },
		func(f tarantool.Future, key uint64) error { return g.finish(w, f, key, st) })
}

func (g *gtConn) worker(w workload) func(uint64) error {
	st := new(gtState)
	return func(key uint64) error { return g.finish(w, g.issue(w, key), key, st) }
}
