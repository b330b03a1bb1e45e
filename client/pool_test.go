package client_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// exercise runs one sequence of commands through the client.Conn
// interface, checking every result, then closes conn. The keys from base
// to base+9 belong to the caller.
func exercise(t *testing.T, conn client.Conn, base uint64) {
	t.Helper()
	ctx := testContext(t)
	k := int64(base)
	values := func(f *future.Future[*client.Response]) []any {
		t.Helper()
		r, err := await(t, f)
		require.NoError(t, err)
		return responseValues(t, r)
	}

	require.True(t, conn.Connected())
	_, err := await(t, conn.Ping(ctx))
	require.NoError(t, err)
	require.Equal(t, []any{[]any{k, "a"}}, values(conn.Insert(ctx, "test", []any{base, "a"})))
	require.Equal(t, []any{[]any{k + 1, "b"}}, values(conn.Replace(ctx, "test", []any{base + 1, "b"})))
	require.Equal(t, []any{[]any{k + 1, "c"}}, values(conn.ReplaceExisting(ctx, "test", []any{base + 1, "c"})))
	require.Equal(t, []any{[]any{k, "a"}}, values(conn.Select(ctx, "test", "primary", base)))
	require.Equal(t, []any{[]any{k, "A"}}, values(conn.Update(ctx, "test", "primary", base, []protocol.Op{protocol.OpAssign(1, "A")})))
	require.Empty(t, values(conn.Upsert(ctx, "test", []any{base + 2, "u", 1}, []protocol.Op{protocol.OpAdd(2, 1)})))
	require.Empty(t, values(conn.Upsert(ctx, "test", []any{base + 2, "u", 1}, []protocol.Op{protocol.OpAdd(2, 1)})))
	require.Equal(t, []any{[]any{k + 2, "u", int64(2)}}, values(conn.Select(ctx, 512, 0, base+2)))
	require.Equal(t, []any{[]any{k + 1, "c"}}, values(conn.Delete(ctx, "test", "primary", base+1)))
	require.Empty(t, values(conn.Select(ctx, "test", nil, base+1)))
	require.Equal(t, []any{"x", int64(1)}, values(conn.Call(ctx, "echo", "x", 1)))
	require.Equal(t, []any{[]any{int64(1), "a"}}, values(conn.Call16(ctx, "tuple_of", 1, "a")))
	require.Equal(t, []any{int64(3)}, values(conn.Eval(ctx, "local a, b = ... return a + b", 1, 2)))
	require.Equal(t, []any{[]any{int64(42)}}, values(conn.Execute(ctx, "SELECT ? + 1", 41)))
	prep, err := await(t, conn.Prepare(ctx, "SELECT ? || 'x'"))
	require.NoError(t, err)
	require.NotNil(t, prep)
	require.Equal(t, []any{[]any{"ax"}}, values(prep.Execute(ctx, "a")))
	require.Equal(t, []any{[]any{"bx"}}, values(prep.Execute(ctx, "b")))
	_, err = await(t, prep.Unprepare(ctx))
	require.NoError(t, err)

	require.NoError(t, conn.Close())
	require.False(t, conn.Connected())
	r, err := await(t, conn.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrClosed)
	require.NoError(t, conn.Close(), "Close is idempotent")
}

// TestConnInterface runs the same code on a Client and on a Pool.
func TestConnInterface(t *testing.T) {
	t.Parallel()
	addr := requireServer(t).Addr()
	opts := client.Options{User: testUser, Password: testPassword}
	t.Run("client", func(t *testing.T) {
		t.Parallel()
		c, err := client.Dial(testContext(t), addr, opts)
		require.NoError(t, err)
		exercise(t, c, keyBlock())
	})
	t.Run("pool", func(t *testing.T) {
		t.Parallel()
		p, err := client.DialPool(testContext(t), addr, 3, opts)
		require.NoError(t, err)
		exercise(t, p, keyBlock())
	})
}

// TestDialPool: DialPool returns once all members are up; size 0 means
// DefaultPoolSize; ConnectPool is the same as a future; a dead address
// fails with a *transport.DialError and leaves no pool.
func TestDialPool(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	ctx := testContext(t)

	rec := newEventRecorder()
	p, err := client.DialPool(ctx, inst.Addr(), 4, testOptions(fastReconnect, withEvents(rec)))
	require.NoError(t, err)
	defer p.Close()
	require.Len(t, p.Members(), 4)
	seen := map[*client.Client]bool{}
	for _, m := range p.Members() {
		require.True(t, m.Connected())
		require.NotNil(t, m.Schema())
		require.Equal(t, inst.Addr(), m.Addr())
		seen[m] = true
	}
	require.Len(t, seen, 4, "distinct members")
	for _, e := range rec.Wait(t, "connected", 4) {
		require.True(t, seen[e.Client])
	}

	p0, err := client.DialPool(ctx, inst.Addr(), 0, testOptions(fastReconnect))
	require.NoError(t, err)
	defer p0.Close()
	require.Len(t, p0.Members(), client.DefaultPoolSize)
	require.True(t, allConnected(p0.Members()))

	fp := client.ConnectPool(ctx, inst.Addr(), 3, testOptions(fastReconnect))
	fired := make(chan bool, 1)
	watched := future.Map(fp, func(p *client.Pool) (*client.Pool, error) {
		fired <- allConnected(p.Members())
		return p, nil
	})
	p3, err := await(t, watched)
	require.NoError(t, err)
	defer p3.Close()
	require.True(t, <-fired, "ConnectPool fired before every member was up")
	require.Len(t, p3.Members(), 3)
	r, err := await(t, p3.Call(ctx, "echo", 3))
	require.NoError(t, err)
	require.Equal(t, []any{int64(3)}, responseValues(t, r))

	require.NoError(t, inst.Kill())
	dead, err := client.DialPool(ctx, inst.Addr(), 3, testOptions(fastReconnect))
	require.Nil(t, dead)
	var de *transport.DialError
	require.ErrorAs(t, err, &de)
	require.Equal(t, inst.Addr(), de.Address)
	dp, err := await(t, client.ConnectPool(ctx, inst.Addr(), 3, testOptions(fastReconnect)))
	require.Nil(t, dp)
	require.ErrorAs(t, err, &de)
}

// sleepBatch issues n calls of sleep(30) on conn with a context the
// caller cancels, and makes sure they reached the members.
func sleepBatch(t *testing.T, conn client.Conn, members []*client.Client, n int) (context.CancelFunc, []*future.Future[*client.Response]) {
	t.Helper()
	ctx, cancel := context.WithCancel(testContext(t))
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		fs[i] = conn.Call(ctx, "sleep", 30)
	}
	for _, m := range members {
		if m.Connected() {
			requireHanded(t, m)
		}
	}
	return cancel, fs
}

// requireAllCancelled checks that every future of a cancelled batch failed
// with its context, as sent.
func requireAllCancelled(t *testing.T, fs []*future.Future[*client.Response]) {
	t.Helper()
	for _, f := range fs {
		r, err := await(t, f)
		xe := requireCtxError(t, r, err, context.Canceled)
		require.True(t, xe.Sent)
	}
}

// TestPoolSpreadsRequests: the pool sends each request to the live member
// with the fewest in flight, so a batch of long calls spreads evenly and
// many pipelined requests use several connections.
func TestPoolSpreadsRequests(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	d := newCountingDialer(t, inst.Addr())
	const size = 4
	conn, members := dialClientOrPool(t, inst.Addr(), true, size, fastReconnect, withDialer(d))
	require.Len(t, d.Conns(), size)
	ctx := testContext(t)

	cancel, fs := sleepBatch(t, conn, members, 10*size)
	for i, m := range members {
		require.Equal(t, 10, m.InFlight(), "member %d", i)
	}
	require.Equal(t, 10*size, conn.InFlight())
	cancel()
	requireAllCancelled(t, fs)

	before := make([]int64, size)
	for i, c := range d.Conns() {
		before[i] = c.written.Load()
	}
	const n = 2000
	calls := make([]*future.Future[*client.Response], n)
	for i := range calls {
		calls[i] = conn.Call(ctx, "echo", i)
	}
	for i, f := range calls {
		r, err := await(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{int64(i)}, responseValues(t, r))
	}
	used := 0
	for i, c := range d.Conns() {
		if c.written.Load() > before[i] {
			used++
		}
	}
	require.Greater(t, used, 1, "every request went to one connection")
	require.Len(t, d.Conns(), size, "no reconnection happened")
}

// TestPoolSurvivesBrokenMember breaks one member's connection (and keeps
// it from reconnecting): requests go to the live members and succeed; once
// it may reconnect, it takes its share again.
func TestPoolSurvivesBrokenMember(t *testing.T) {
	t.Parallel()
	inst := startServer(t, true)
	d := newCountingDialer(t, inst.Addr())
	rec := newEventRecorder()
	const size = 4
	conn, members := dialClientOrPool(t, inst.Addr(), true, size, fastReconnect, withEvents(rec), withDialer(d))
	ctx := testContext(t)

	d.refuse.Store(true)
	require.NoError(t, d.Conns()[0].Conn.Close())
	lost := rec.Wait(t, "disconnected", 1)
	broken := lost[0].Client
	require.NotNil(t, lost[0].Cause)
	rec.Wait(t, "reconnecting", 2) // a refused attempt was made
	require.False(t, broken.Connected())
	live := 0
	for _, m := range members {
		if m != broken {
			require.True(t, m.Connected())
			live++
		}
	}
	require.Equal(t, size-1, live)
	require.True(t, conn.Connected())

	cancel, fs := sleepBatch(t, conn, members, 10*live)
	for _, m := range members {
		want := 10
		if m == broken {
			want = 0
		}
		require.Equal(t, want, m.InFlight())
	}
	cancel()
	requireAllCancelled(t, fs)
	const n = 500
	calls := make([]*future.Future[*client.Response], n)
	for i := range calls {
		calls[i] = conn.Call(ctx, "echo", i)
	}
	for i, f := range calls {
		r, err := await(t, f)
		require.NoError(t, err, "request %d", i)
		require.Equal(t, []any{int64(i)}, responseValues(t, r))
	}
	require.Len(t, rec.Kind("disconnected"), 1)
	require.False(t, broken.Connected())

	d.refuse.Store(false)
	back := rec.Wait(t, "reconnected", 1)
	require.Same(t, broken, back[0].Client)
	require.True(t, allConnected(members))
	cancel, fs = sleepBatch(t, conn, members, 10*size)
	for i, m := range members {
		require.Equal(t, 10, m.InFlight(), "member %d", i)
	}
	cancel()
	requireAllCancelled(t, fs)
}

// TestPoolAllMembersDown: with every member down, a pool request fails
// fast as not connected (no member is live to take it).
func TestPoolAllMembersDown(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	rec := newEventRecorder()
	conn, members := dialClientOrPool(t, inst.Addr(), true, 3, fastReconnect, withEvents(rec))
	ctx := testContext(t)
	require.NoError(t, inst.Kill())
	rec.Wait(t, "disconnected", len(members))
	require.False(t, conn.Connected())
	for i := range 2 * len(members) {
		r, err := await(t, conn.Call(ctx, "echo", i))
		requireConnError(t, r, err, false, client.ErrNotConnected)
	}
	var ce *client.ConnectionError
	_, err := await(t, conn.Ping(ctx))
	require.True(t, errors.As(err, &ce))
	require.Equal(t, inst.Addr(), ce.Addr)
}
