package client_test

// Input caught before it reaches the server: a nil or non-array tuple, a
// nil context, a negative pool size. Each is a typed error at once, never
// a panic and never a round trip.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// settledNow returns f's error, which must be there when the command
// returns.
func settledNow(t *testing.T, f *future.Future[*client.Response], what string) error {
	t.Helper()
	_, err, settled := f.Peek()
	require.True(t, settled, "%s: failed at once", what)
	return err
}

// TestTupleNilOrNotArray: Insert, Replace, Upsert and ReplaceExisting
// refuse a nil tuple and one that does not encode to an array with an
// *EncodeError, before anything is written.
func TestTupleNilOrNotArray(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap))
	ctx := testContext(t)
	type plain struct{ ID uint64 } // no as_array tag: encodes to a map
	k := keyBlock()
	for _, tc := range []struct {
		name string
		f    func() *future.Future[*client.Response]
		got  string // what it encoded to; "" for nil
	}{
		{"insert nil", func() *future.Future[*client.Response] { return c.Insert(ctx, "test", nil) }, ""},
		{"replace nil", func() *future.Future[*client.Response] { return c.Replace(ctx, "test", nil) }, ""},
		{"upsert nil", func() *future.Future[*client.Response] { return c.Upsert(ctx, "test", nil, nil) }, ""},
		{"replace-existing nil", func() *future.Future[*client.Response] { return c.ReplaceExisting(ctx, "test", nil) }, ""},
		{"insert string", func() *future.Future[*client.Response] { return c.Insert(ctx, "test", "ann") }, "string"},
		{"replace number", func() *future.Future[*client.Response] { return c.Replace(ctx, "test", k) }, "integer"},
		{"insert plain struct", func() *future.Future[*client.Response] { return c.Insert(ctx, "test", plain{ID: k}) }, "map"},
		{"upsert map", func() *future.Future[*client.Response] {
			return c.Upsert(ctx, "test", map[string]any{"id": k}, nil)
		}, "map"},
		{"replace-existing string", func() *future.Future[*client.Response] { return c.ReplaceExisting(ctx, "test", "ann") }, "string"},
	} {
		before := len(tap.Frames(t))
		err := settledNow(t, tc.f(), tc.name)
		var ee *client.EncodeError
		require.ErrorAs(t, err, &ee, tc.name)
		require.ErrorIs(t, err, client.ErrNotSent, tc.name)
		if tc.got == "" {
			require.ErrorIs(t, err, protocol.ErrNilTuple, tc.name)
		} else {
			var na *protocol.NotArrayError
			require.ErrorAs(t, err, &na, tc.name)
			require.Equal(t, tc.got, na.Got, tc.name)
		}
		badNothingSent(t, c, tap, before, tc.name)
	}
	require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k)), "no tuple was written")

	// Not connected yet: a nil tuple is still an input error, at once.
	lazy, err := client.Lazy(closedPort(t), testOptions())
	require.NoError(t, err)
	defer lazy.Close()
	err = settledNow(t, lazy.Insert(ctx, "test", nil), "lazy insert nil")
	require.ErrorIs(t, err, protocol.ErrNilTuple)
}

// TestNilContext: every command, Dial, Connect, DialPool, ConnectPool and
// WaitConnected refuse a nil context with an *ArgumentError, at once.
func TestNilContext(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	c := dialShared(t)
	p, err := client.DialPool(testContext(t), srv.Addr(), 2, testOptions())
	require.NoError(t, err)
	defer p.Close()
	var nilCtx context.Context
	requireNilCtx := func(err error, what string) {
		t.Helper()
		var ae *client.ArgumentError
		require.ErrorAs(t, err, &ae, what)
		require.Equal(t, "ctx", ae.Arg, what)
		require.ErrorIs(t, err, client.ErrNilContext, what)
		require.ErrorIs(t, err, client.ErrNotSent, what)
	}
	for _, conn := range []client.Conn{c, p} {
		for name, f := range map[string]*future.Future[*client.Response]{
			"ping":             conn.Ping(nilCtx),
			"select":           conn.Select(nilCtx, "test", nil, 1),
			"insert":           conn.Insert(nilCtx, "test", []any{1}),
			"insert nil":       conn.Insert(nilCtx, "test", nil),
			"replace":          conn.Replace(nilCtx, "test", []any{1}),
			"replace-existing": conn.ReplaceExisting(nilCtx, "test", []any{1}),
			"update":           conn.Update(nilCtx, "test", nil, 1, nil),
			"upsert":           conn.Upsert(nilCtx, "test", []any{1}, nil),
			"delete":           conn.Delete(nilCtx, "test", nil, 1),
			"call":             conn.Call(nilCtx, "echo"),
			"call16":           conn.Call16(nilCtx, "echo"),
			"eval":             conn.Eval(nilCtx, "return 1"),
			"execute":          conn.Execute(nilCtx, "SELECT 1"),
		} {
			requireNilCtx(settledNow(t, f, name), name)
		}
		_, err := await(t, conn.Prepare(nilCtx, "SELECT 1"))
		requireNilCtx(err, "prepare")
	}
	requireNilCtx(c.WaitConnected(nilCtx), "Client.WaitConnected")
	requireNilCtx(p.WaitConnected(nilCtx), "Pool.WaitConnected")

	_, err = client.Dial(nilCtx, srv.Addr(), testOptions())
	requireNilCtx(err, "Dial")
	_, err = await(t, client.Connect(nilCtx, srv.Addr(), testOptions()))
	requireNilCtx(err, "Connect")
	_, err = client.DialPool(nilCtx, srv.Addr(), 2, testOptions())
	requireNilCtx(err, "DialPool")
	_, err = await(t, client.ConnectPool(nilCtx, srv.Addr(), 2, testOptions()))
	requireNilCtx(err, "ConnectPool")
}

// TestPoolSizeNegative: a negative size is an error, not DefaultPoolSize;
// 0 still is DefaultPoolSize.
func TestPoolSizeNegative(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	ctx := testContext(t)
	requireSize := func(err error, what string) {
		t.Helper()
		var ae *client.ArgumentError
		require.ErrorAs(t, err, &ae, what)
		require.Equal(t, "size", ae.Arg, what)
		require.ErrorContains(t, err, "-1", what)
	}
	p, err := client.DialPool(ctx, addr, -1, testOptions())
	require.Nil(t, p)
	requireSize(err, "DialPool")
	p, err = await(t, client.ConnectPool(ctx, addr, -1, testOptions()))
	require.Nil(t, p)
	requireSize(err, "ConnectPool")
	p, err = client.LazyPool(addr, -1, testOptions())
	require.Nil(t, p)
	requireSize(err, "LazyPool")

	p, err = client.LazyPool(addr, 0, testOptions())
	require.NoError(t, err)
	defer p.Close()
	require.Len(t, p.Members(), client.DefaultPoolSize)
}
