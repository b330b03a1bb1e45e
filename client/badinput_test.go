package client_test

// Integration tests of bad input: arguments that cannot be encoded, invalid
// update operations, identifiers of the wrong type and oversized requests
// fail before anything is written, and the connection keeps serving. A
// wiretap on the connection checks that nothing reached the network.

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// badNothingSent checks that nothing was written since before frames: a
// ping sent now must be the only new frame.
func badNothingSent(t *testing.T, c *client.Client, tap *wiretap, before int, what string) {
	t.Helper()
	ctx := testContext(t)
	_, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err, "%s: the connection keeps serving", what)
	frames := tap.Frames(t)[before:]
	require.Len(t, frames, 1, "%s: only the ping went out", what)
	require.Equal(t, iproto.IPROTO_PING, frames[0].Type, what)
}

func TestBadInputEncodeErrors(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap))
	ctx := testContext(t)
	k := keyBlock()
	ch := make(chan int)
	fn := func() {}
	prep, err := c.Prepare(ctx, "SELECT ?").Await(ctx)
	require.NoError(t, err)

	cases := []struct {
		name string
		f    *future.Future[*client.Response]
	}{
		{"chan in a tuple", c.Insert(ctx, "test", []any{k, "ok", ch})},
		{"func in a tuple", c.Replace(ctx, "test", []any{k, fn})},
		{"chan in an upsert tuple", c.Upsert(ctx, "counters", []any{k, ch}, nil)},
		{"chan nested deep", c.Insert(ctx, "test", []any{k, map[string]any{"a": []any{1, map[string]any{"b": ch}}}})},
		{"complex key", c.Select(ctx, "test", nil, complex(1, 2))},
		{"chan in a key", c.Delete(ctx, "test", nil, []any{ch})},
		{"chan in a call argument", c.Call(ctx, "echo", 1, ch)},
		{"chan in a call16 argument", c.Call16(ctx, "echo", ch)},
		{"func in an eval argument", c.Eval(ctx, "return ...", fn)},
		{"chan in a bind", c.Execute(ctx, "SELECT ?", ch)},
		{"chan in a named bind", c.Execute(ctx, "SELECT :x", map[string]any{":x": ch})},
		{"chan in a prepared bind", prep.Execute(ctx, ch)},
		{"chan as a replace-existing tuple", c.ReplaceExisting(ctx, "test", []any{k, ch})},
		{"chan in an update operand", c.Update(ctx, "test", nil, k, []protocol.Op{protocol.OpAssign(1, ch)})},
	}
	for _, tc := range cases {
		before := len(tap.Frames(t))
		_, err := tc.f.Await(ctx)
		require.Error(t, err, tc.name)
		var eerr *client.EncodeError
		require.ErrorAs(t, err, &eerr, tc.name)
		require.ErrorIs(t, err, client.ErrNotSent, tc.name)
		require.NotErrorIs(t, err, client.ErrOutcomeUnknown, tc.name)
		var uerr *protocol.UnsupportedTypeError
		require.ErrorAs(t, err, &uerr, tc.name)
		require.Contains(t, err.Error(), "cannot encode", tc.name)
		badNothingSent(t, c, tap, before, tc.name)
	}
	require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k)), "no tuple was written")

	// A nil key where an exact match is needed is refused the same way.
	for _, tc := range []struct {
		name string
		f    *future.Future[*client.Response]
	}{
		{"nil delete key", c.Delete(ctx, "test", nil, nil)},
		{"nil update key", c.Update(ctx, "test", nil, nil, []protocol.Op{protocol.OpAssign(2, "x")})},
	} {
		before := len(tap.Frames(t))
		_, err := tc.f.Await(ctx)
		var eerr *client.EncodeError
		require.ErrorAs(t, err, &eerr, tc.name)
		require.ErrorIs(t, err, protocol.ErrNilKey, tc.name)
		require.ErrorIs(t, err, client.ErrNotSent, tc.name)
		badNothingSent(t, c, tap, before, tc.name)
	}
}

func TestBadInputInvalidUpdateOps(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap))
	ctx := testContext(t)
	k := keyBlock()
	_, err := c.Insert(ctx, "test", []any{k, "name", 5}).Await(ctx)
	require.NoError(t, err)

	cases := []struct {
		name  string
		ops   []protocol.Op
		index int
		code  byte
	}{
		{"unknown code", []protocol.Op{{Code: 'x', Field: 1, Arg: 1}}, 0, 'x'},
		{"zero code", []protocol.Op{protocol.OpAssign(1, "ok"), {Field: 1, Arg: 1}}, 1, 0},
		{"float field", []protocol.Op{protocol.OpAssign(1.5, "x")}, 0, '='},
		{"nil field", []protocol.Op{protocol.OpAssign(nil, "x")}, 0, '='},
		{"add a string", []protocol.Op{protocol.OpAdd(2, "1")}, 0, '+'},
		{"subtract nothing", []protocol.Op{protocol.OpSub(2, nil)}, 0, '-'},
		{"and a negative", []protocol.Op{protocol.OpAnd(2, -1)}, 0, '&'},
		{"or a float", []protocol.Op{protocol.OpOr(2, 1.5)}, 0, '|'},
		{"xor a string", []protocol.Op{protocol.OpXor(2, "1")}, 0, '^'},
		{"delete zero fields", []protocol.Op{protocol.OpDelete(2, 0)}, 0, '#'},
		{"delete negative fields", []protocol.Op{protocol.OpAssign(1, "ok"), protocol.OpDelete(2, -1)}, 1, '#'},
	}
	for _, tc := range cases {
		for _, cmd := range []string{"update", "upsert"} {
			before := len(tap.Frames(t))
			var f *future.Future[*client.Response]
			if cmd == "update" {
				f = c.Update(ctx, "test", nil, k, tc.ops)
			} else {
				f = c.Upsert(ctx, "test", []any{k}, tc.ops)
			}
			_, err := f.Await(ctx)
			var eerr *client.EncodeError
			require.ErrorAs(t, err, &eerr, "%s %s", cmd, tc.name)
			require.ErrorIs(t, err, client.ErrNotSent)
			var operr *protocol.InvalidOpError
			require.ErrorAs(t, err, &operr, "%s %s", cmd, tc.name)
			require.Equal(t, tc.index, operr.Index, "%s %s", cmd, tc.name)
			require.Equal(t, tc.code, operr.Code, "%s %s", cmd, tc.name)
			badNothingSent(t, c, tap, before, cmd+" "+tc.name)
		}
	}
	// Valid operations still apply, and nothing else changed the tuple.
	require.Equal(t, []any{[]any{int64(k), "name", int64(6)}},
		awaitValues(t, c.Update(ctx, "test", nil, k, []protocol.Op{protocol.OpAdd(2, 1)})))
}

func TestBadInputIdentifiers(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap))
	ctx := testContext(t)
	k := keyBlock()

	cases := []struct {
		name         string
		f            func() *future.Future[*client.Response]
		space, index any
	}{
		{"float64 space", func() *future.Future[*client.Response] { return c.Select(ctx, float64(512), nil, k) }, float64(512), nil},
		{"float64 space insert", func() *future.Future[*client.Response] { return c.Insert(ctx, 512.0, []any{k}) }, 512.0, nil},
		{"float64 index", func() *future.Future[*client.Response] { return c.Select(ctx, 512, float64(0), k) }, 512, float64(0)},
		{"negative space", func() *future.Future[*client.Response] { return c.Delete(ctx, -1, nil, k) }, -1, nil},
		{"space above uint32", func() *future.Future[*client.Response] { return c.Replace(ctx, uint64(1)<<32, []any{k}) }, uint64(1) << 32, nil},
		{"negative index of a named space", func() *future.Future[*client.Response] { return c.Update(ctx, "test", int8(-1), k, nil) }, "test", int8(-1)},
		{"index above uint32", func() *future.Future[*client.Response] { return c.Select(ctx, "test", int64(math.MaxUint32)+1, k) }, "test", int64(math.MaxUint32) + 1},
		{"nil space", func() *future.Future[*client.Response] { return c.Upsert(ctx, nil, []any{k}, nil) }, nil, nil},
		{"bytes space", func() *future.Future[*client.Response] { return c.Select(ctx, []byte("test"), nil, k) }, []byte("test"), nil},
		{"bool index", func() *future.Future[*client.Response] { return c.Delete(ctx, "test", true, k) }, "test", true},
	}
	for _, tc := range cases {
		before := len(tap.Frames(t))
		_, err := tc.f().Await(ctx)
		var serr *client.SchemaError
		require.ErrorAs(t, err, &serr, tc.name)
		require.ErrorIs(t, err, client.ErrNotSent, tc.name)
		require.Equal(t, tc.space, serr.Space, tc.name)
		require.Equal(t, tc.index, serr.Index, tc.name)
		require.Contains(t, serr.Reason, "named by a string or a number", tc.name)
		// Not a name: no schema reload either, nothing at all was sent.
		badNothingSent(t, c, tap, before, tc.name)
	}

	// A nil context is refused at once.
	var nilCtx context.Context
	_, err := c.Ping(nilCtx).Await(ctx)
	require.Error(t, err)
	require.Contains(t, err.Error(), "nil context")
}

// TestBadInputPipelined interleaves bad requests with good ones without
// waiting: a request that fails to encode halfway leaves no bytes behind,
// and its neighbours are sent and answered intact.
func TestBadInputPipelined(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap))
	ctx := testContext(t)
	k := keyBlock()
	before := len(tap.Frames(t))

	const n = 200
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		switch i % 4 {
		case 0, 2:
			fs[i] = c.Insert(ctx, "test", []any{k + uint64(i), strings.Repeat("v", i)})
		case 1: // fails after its header and first fields were encoded
			fs[i] = c.Insert(ctx, "test", []any{k + uint64(i), strings.Repeat("x", 100), make(chan int)})
		case 3:
			fs[i] = c.Update(ctx, "test", nil, k+uint64(i-1), []protocol.Op{protocol.OpAssign(1, "ok"), {Code: '?', Field: 1}})
		}
	}
	for i, f := range fs {
		resp, err := f.Await(ctx)
		if i%4 == 1 || i%4 == 3 {
			require.ErrorIs(t, err, client.ErrNotSent, "request %d", i)
			var eerr *client.EncodeError
			require.ErrorAs(t, err, &eerr)
			continue
		}
		require.NoError(t, err, "request %d", i)
		values, err := resp.Values()
		require.NoError(t, err)
		require.Equal(t, []any{[]any{int64(k + uint64(i)), strings.Repeat("v", i)}}, values)
	}
	frames := tap.Frames(t)[before:]
	require.Len(t, frames, n/2, "only the good requests were written")
	for _, f := range frames {
		require.Equal(t, iproto.IPROTO_INSERT, f.Type)
	}
	for i := 1; i < n; i += 2 {
		require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k+uint64(i))))
	}
}

func TestBadInputFrameTooLarge(t *testing.T) {
	t.Parallel()
	// Without the schema, whose load would need frames above the limit.
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap), func(o *client.Options) {
		o.MaxFrameSize = 4096
		o.SkipSchema = true
	})
	ctx := testContext(t)
	k := keyBlock()
	before := len(tap.Frames(t))

	_, err := c.Insert(ctx, 512, []any{k, strings.Repeat("x", 8192)}).Await(ctx)
	var eerr *client.EncodeError
	require.ErrorAs(t, err, &eerr)
	require.ErrorIs(t, err, client.ErrNotSent)
	var big *protocol.FrameTooLargeError
	require.ErrorAs(t, err, &big)
	require.Equal(t, 4096, big.Max)
	require.Greater(t, big.Size, uint64(8192))
	badNothingSent(t, c, tap, before, "oversized insert")

	// Requests under the limit work.
	require.Equal(t, []any{[]any{int64(k), strings.Repeat("y", 1000)}},
		awaitValues(t, c.Insert(ctx, 512, []any{k, strings.Repeat("y", 1000)})))

	// A response over the limit breaks the connection: the request was
	// sent, its outcome is unknown to the client.
	_, err = c.Eval(ctx, "return string.rep('z', 8192)").Await(ctx)
	var cerr *client.ConnectionError
	require.ErrorAs(t, err, &cerr)
	require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	require.ErrorAs(t, err, &big)
}
