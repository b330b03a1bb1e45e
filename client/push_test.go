package client_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
)

// TestSessionPushIgnored checks that box.session.push messages (IPROTO_CHUNK,
// same sync as the request) do not settle the request: its future gets the
// final response.
func TestSessionPushIgnored(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	r, err := c.Eval(ctx, "box.session.push('early') box.session.push({1, 2}) return 'final'").Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{"final"}, values)

	r, err = c.Call(ctx, "echo", 42).Await(ctx)
	require.NoError(t, err)
	values, err = r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(42)}, values)
	require.Zero(t, c.InFlight())
}

// TestPushReachesListener checks, on a real server, that every push of an
// Eval reaches its listener, in order, before the future settles: got is
// written by the listener on the executor and read after Await (and in a
// Then callback) with no lock, which the race detector accepts only if
// every listener call happens before the settlement.
func TestPushReachesListener(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	var got []any
	listener := func(p *client.Push) {
		v, err := p.Value()
		require.NoError(t, err)
		got = append(got, v)
	}
	const lua = "local n = ... for i = 1, n do box.session.push(i) end box.session.push({'last', n}) return 'final'"
	var seenInThen int
	f := c.EvalWithPush(ctx, listener, lua, 10).Then(func(r *client.Response) (*client.Response, error) {
		seenInThen = len(got)
		return r, nil
	})
	r, err := f.Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{"final"}, values)
	want := []any{}
	for i := 1; i <= 10; i++ {
		want = append(want, int64(i))
	}
	want = append(want, []any{"last", int64(10)})
	require.Equal(t, want, got)
	require.Equal(t, 11, seenInThen)
	require.Zero(t, c.InFlight())
}

// TestCallWithPush checks CallWithPush on a Lua function, Push.Decode and
// Push.Data, and that a nil listener behaves as Call.
func TestCallWithPush(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	_, err := c.Eval(ctx, "rawset(_G, 'txt_push_n', function(n) for i = 1, n do box.session.push(i * 10) end return n end)").Await(ctx)
	require.NoError(t, err)

	var got []int
	var raw [][]byte
	r, err := c.CallWithPush(ctx, func(p *client.Push) {
		var v int
		require.NoError(t, p.Decode(&v))
		got = append(got, v)
		data, err := p.Data()
		require.NoError(t, err)
		raw = append(raw, data)
	}, "txt_push_n", 3).Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(3)}, values)
	require.Equal(t, []int{10, 20, 30}, got)
	require.Equal(t, [][]byte{{10}, {20}, {30}}, raw) // positive fixints

	r, err = c.CallWithPush(ctx, nil, "txt_push_n", 2).Await(ctx)
	require.NoError(t, err)
	values, err = r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(2)}, values)

	// A function that pushes then raises: the pushes, then the error.
	var pushes int
	_, err = c.EvalWithPush(ctx, func(*client.Push) { pushes++ }, "box.session.push(1) box.session.push(2) error('boom')").Await(ctx)
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
	require.Equal(t, 2, pushes)
}

// TestPushManyConcurrent runs many pushing requests at once, their pushes
// interleaved on the wire (each function yields between pushes), with
// requests without a listener among them: every listener gets exactly its
// own request's pushes, in order, and requests without one are unaffected.
func TestPushManyConcurrent(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	const requests, pushes = 64, 40
	const lua = `local id, n = ...
for i = 1, n do
    box.session.push({id, i})
    if i % 5 == 0 then require('fiber').yield() end
end
return id`
	type progress struct{ next int }
	states := make([]*progress, requests)
	var wrong atomic.Int64
	var futures []func() (any, error)
	for id := range requests {
		st := &progress{next: 1}
		states[id] = st
		var f func() (any, error)
		switch id % 4 {
		case 3: // no listener: the pushes are dropped
			fut := c.Eval(ctx, lua, id, pushes)
			f = func() (any, error) { r, err := fut.Await(ctx); return r, err }
		default:
			fut := c.EvalWithPush(ctx, func(p *client.Push) {
				var v [2]int
				if err := p.Decode(&v); err != nil || v[0] != id || v[1] != st.next {
					wrong.Add(1)
					return
				}
				st.next++
			}, lua, id, pushes)
			f = func() (any, error) { r, err := fut.Await(ctx); return r, err }
		}
		futures = append(futures, f)
	}
	for id, f := range futures {
		v, err := f()
		require.NoError(t, err)
		values, err := v.(*client.Response).Values()
		require.NoError(t, err)
		require.Equal(t, []any{int64(id)}, values)
		if id%4 != 3 {
			require.Equal(t, pushes+1, states[id].next, "request %d", id)
		} else {
			require.Equal(t, 1, states[id].next)
		}
	}
	require.Zero(t, wrong.Load())
	require.Zero(t, c.InFlight())
}

// TestPushCancelled checks that a cancelled request's listener is never
// called again: neither for pushes the server sends after the
// cancellation, nor for pushes already queued on the (blocked) executor
// when the future settled; and that nothing stays pending.
func TestPushCancelled(t *testing.T) {
	requireNoLeaks(t)
	c := dialShared(t)
	ctx := testContext(t)

	// Later pushes: the server pushes once, sleeps, pushes again.
	var calls atomic.Int64
	first := make(chan struct{}, 1)
	rctx, cancel := context.WithCancel(ctx)
	f := c.EvalWithPush(rctx, func(*client.Push) {
		calls.Add(1)
		first <- struct{}{}
	}, "box.session.push(1) require('fiber').sleep(0.3) box.session.push(2) box.session.push(3) return 4")
	select {
	case <-first:
	case <-ctx.Done():
		t.Fatal("no push")
	}
	cancel()
	_, err := f.Await(ctx)
	var cerr *client.ContextError
	require.ErrorAs(t, err, &cerr)
	require.True(t, cerr.Sent)
	require.True(t, errors.Is(err, context.Canceled))
	time.Sleep(500 * time.Millisecond) // the later pushes and the final response arrive
	_, err = c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), calls.Load())
	require.Zero(t, c.InFlight())

	// Queued pushes: block the executor, let two pushes queue behind
	// the blocking callback, then cancel; once the executor runs again
	// the listener must not see them.
	block, blocked := make(chan struct{}), make(chan struct{})
	c.Ping(ctx).Then(func(r *client.Response) (*client.Response, error) {
		close(blocked)
		<-block
		return r, nil
	})
	<-blocked
	calls.Store(0)
	rctx, cancel = context.WithCancel(ctx)
	defer cancel()
	f = c.EvalWithPush(rctx, func(*client.Push) { calls.Add(1) },
		"box.session.push(1) box.session.push(2) require('fiber').sleep(0.3) return 3")
	time.Sleep(150 * time.Millisecond) // both pushes reach the reader and queue
	cancel()
	_, err = f.Await(ctx)
	require.ErrorAs(t, err, &cerr)
	close(block)
	_, err = c.Ping(ctx).Then(func(r *client.Response) (*client.Response, error) { return r, nil }).Await(ctx)
	require.NoError(t, err)
	require.Zero(t, calls.Load())
	time.Sleep(300 * time.Millisecond) // the final response to the forgotten request
	require.Zero(t, c.InFlight())
}

// TestPushThenConnectionBreaks drives a fake server through a pipe: two
// pushes, a malformed one, then the connection breaks. The listener gets
// all three, in order, before the future fails with a *ConnectionError
// (got is read without a lock after Await: the race detector checks the
// order), and Push.Data reports the malformed one.
func TestPushThenConnectionBreaks(t *testing.T) {
	c, srv := dialPipe(t)
	ctx := testContext(t)
	var got []any
	var bad error
	f := c.CallWithPush(ctx, func(p *client.Push) {
		v, err := p.Value()
		if err != nil {
			bad = err
			return
		}
		got = append(got, v)
	}, "job")
	req, _ := readCall(t, srv)
	chunk := func(values ...any) {
		body, err := fakeiproto.OKBody(values...)
		require.NoError(t, err)
		require.NoError(t, srv.Write(fakeiproto.Frame(fakeiproto.ResponseHeader(uint32(iproto.IPROTO_CHUNK), req.Sync), body)))
	}
	chunk("a")
	chunk([]any{int64(1), "b"})
	chunk("two", "values") // not one value: malformed
	require.NoError(t, srv.Close())
	_, err := f.Await(ctx)
	var cerr *client.ConnectionError
	require.ErrorAs(t, err, &cerr)
	require.True(t, cerr.Sent)
	require.Equal(t, []any{"a", []any{int64(1), "b"}}, got)
	var merr *client.MalformedError
	require.ErrorAs(t, bad, &merr)
}

// TestPushThroughPool checks EvalWithPush on a Pool (a member's pushes
// reach the listener on the pool's executor).
func TestPushThroughPool(t *testing.T) {
	conn, _ := dialClientOrPool(t, requireServer(t).Addr(), true, 2)
	ctx := testContext(t)
	var got []any
	r, err := conn.EvalWithPush(ctx, func(p *client.Push) {
		v, err := p.Value()
		require.NoError(t, err)
		got = append(got, v)
	}, "box.session.push('x') box.session.push('y') return 1").Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, values)
	require.Equal(t, []any{"x", "y"}, got)
}

// TestPushAwaitOnExecutor checks that a push request that pushed nothing
// settles at once, as any request: awaiting it inside a callback (on the
// executor) works. One that pushed settles behind its pushes on the
// executor, so such an Await ends only with its context (documented on
// CallWithPush).
func TestPushAwaitOnExecutor(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	f := c.Ping(ctx).Then(func(r *client.Response) (*client.Response, error) {
		inner, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return c.EvalWithPush(inner, func(*client.Push) {}, "return 1").Await(inner)
	})
	r, err := f.Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, values)

	f = c.Ping(ctx).Then(func(r *client.Response) (*client.Response, error) {
		inner, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		return c.EvalWithPush(inner, func(*client.Push) {}, "box.session.push(1) return 1").Await(inner)
	})
	_, err = f.Await(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
