package cluster_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/reconnect"
)

// fake is a fake instance: it answers the discovery eval with its role
// (ro), refuses writes with ER_READONLY while ro, and answers selects and
// accepted writes with a one-field tuple: its name.
type fake struct {
	name     string
	ro       atomic.Bool
	writes   atomic.Int32 // writes accepted
	refused  atomic.Int32 // writes refused (ER_READONLY)
	reads    atomic.Int32
	polls    atomic.Int32
	denyEval atomic.Bool       // refuse the discovery eval (no execute privilege)
	board    *fakeiproto.Board // set: a 2.10+ server with watchers
	srv      *fakeiproto.Server
}

// watchAnnounce is what a watching fake answers to IPROTO_ID.
var watchAnnounce = protocol.ID{Version: 6, Features: fakeiproto.WatchFeatures}

func startFake(t *testing.T, name string, ro, watchers bool) *fake {
	t.Helper()
	f := &fake{name: name}
	f.ro.Store(ro)
	if watchers {
		f.board = fakeiproto.NewBoard()
		f.setStatus()
	}
	srv, err := fakeiproto.Start(f.handle)
	require.NoError(t, err)
	f.srv = srv
	t.Cleanup(func() { _ = srv.Close() })
	return f
}

// setRole changes the fake's role (and, with watchers, broadcasts it).
func (f *fake) setRole(ro bool) {
	f.ro.Store(ro)
	if f.board != nil {
		f.setStatus()
	}
}

func (f *fake) setStatus() {
	_ = f.board.Set("box.status", map[string]any{"is_ro": f.ro.Load(), "is_ro_cfg": f.ro.Load(), "status": "running"})
}

func (f *fake) handle(c *fakeiproto.Conn) error {
	greeting := fakeiproto.Greeting()
	if f.board != nil {
		c.ServeWatchers(f.board)
		c.AnswerID(watchAnnounce)
		greeting = fakeiproto.ModernGreeting()
	}
	if err := c.Write(greeting); err != nil {
		return err
	}
	for {
		req, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if handled, err := c.ServeWatch(req); handled {
			if err != nil {
				return err
			}
			continue
		}
		switch req.Type {
		case iproto.IPROTO_ID:
			if f.board == nil {
				err = c.RejectID(req)
			} else {
				err = c.ReplyID(req, watchAnnounce)
			}
		case iproto.IPROTO_EVAL:
			expr, _ := req.Field(iproto.IPROTO_EXPR)
			if s, _ := expr.(string); len(s) > 0 && s[:13] == "local i = box" {
				f.polls.Add(1)
				if f.denyEval.Load() {
					err = c.ReplyError(req, iproto.ER_ACCESS_DENIED, "Execute access to universe '' is denied for user 'guest'")
				} else {
					err = c.ReplyOK(req, f.ro.Load(), "running", "")
				}
			} else {
				err = c.ReplyOK(req, f.name)
			}
		case iproto.IPROTO_CALL:
			if f.ro.Load() {
				f.refused.Add(1)
				err = c.ReplyError(req, iproto.ER_READONLY, "Can't modify data on a read-only instance")
			} else {
				f.writes.Add(1)
				err = c.ReplyOK(req, f.name)
			}
		case iproto.IPROTO_SELECT:
			f.reads.Add(1)
			err = c.ReplyOK(req, []any{f.name})
		case iproto.IPROTO_INSERT, iproto.IPROTO_REPLACE, iproto.IPROTO_UPDATE,
			iproto.IPROTO_DELETE, iproto.IPROTO_UPSERT:
			if f.ro.Load() {
				f.refused.Add(1)
				err = c.ReplyError(req, iproto.ER_READONLY, "Can't modify data on a read-only instance")
			} else {
				f.writes.Add(1)
				err = c.ReplyOK(req, []any{f.name})
			}
		default: // AUTH, PING
			err = c.ReplyOK(req)
		}
		if err != nil {
			return err
		}
	}
}

// instances returns the fakes as cluster instances.
func instances(fs ...*fake) []cluster.Instance {
	out := make([]cluster.Instance, len(fs))
	for i, f := range fs {
		out[i] = cluster.Instance{Name: f.name, Addr: f.srv.Addr()}
	}
	return out
}

// fakeOptions are cluster options for fakes: no schema (space 512 by
// number), quick reconnection.
func fakeOptions() cluster.Options {
	return cluster.Options{
		Client: client.Options{
			SkipSchema: true,
			Reconnect:  reconnect.Constant{Delay: 20 * time.Millisecond},
		},
		PollInterval: 20 * time.Millisecond,
	}
}

// who returns the name in the response: the first value, or the first
// field of the first tuple.
func who(t *testing.T, f *future.Future[*client.Response]) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := f.Await(ctx)
	require.NoError(t, err)
	vs, err := resp.Values()
	require.NoError(t, err)
	require.NotEmpty(t, vs)
	switch v := vs[0].(type) {
	case string:
		return v
	case []any:
		require.NotEmpty(t, v)
		s, _ := v[0].(string)
		return s
	}
	t.Fatalf("unexpected response %v", vs)
	return ""
}

// goroutinesBack waits (bounded) for the goroutine count to come back to
// n and fails the test if it does not.
func goroutinesBack(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitMaster waits until the cluster routes writes to want.
func waitMaster(t *testing.T, c *cluster.Cluster, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for c.Master() != want {
		select {
		case <-ctx.Done():
			t.Fatalf("master is %q, want %q: %+v", c.Master(), want, c.Instances())
		case <-time.After(5 * time.Millisecond):
		}
	}
}
