package client_test

// Integration tests of the transports: every command group over a Unix
// socket (a second Tarantool instance of the test's own), with each
// spelling of a Unix address, and the TCP address forms.

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

func TestTransportUnixAddressForms(t *testing.T) {
	t.Parallel()
	requireServer(t)
	inst := tarantooltest.Start(t, serverOptions(true))
	require.True(t, strings.HasPrefix(inst.Addr(), "unix:/"), inst.Addr())
	path := strings.TrimPrefix(inst.Addr(), "unix:")

	for _, addr := range []string{inst.Addr(), path, "unix://" + path, "unix/:" + path} {
		c := dial(t, addr)
		require.Equal(t, "unix:"+path, c.Addr(), addr)
		ctx := testContext(t)
		_, err := c.Ping(ctx).Await(ctx)
		require.NoError(t, err, addr)
		require.Equal(t, []any{"over " + addr}, awaitValues(t, c.Call(ctx, "echo", "over "+addr)))
		require.NotZero(t, c.Greeting().Version)
		require.NoError(t, c.Close())
	}
}

func TestTransportTCPAddressForms(t *testing.T) {
	t.Parallel()
	addr := requireServer(t).Addr()
	for _, a := range []string{addr, "tcp://" + addr} {
		c := dial(t, a)
		require.Equal(t, addr, c.Addr(), a)
		ctx := testContext(t)
		require.Equal(t, []any{int64(3)}, awaitValues(t, c.Call(ctx, "sum", 1, 2)), a)
	}
}

// TestTransportUnixEveryCommand runs every command group over a Unix
// socket. The instance is the test's own, so keys and schema changes need
// no care.
func TestTransportUnixEveryCommand(t *testing.T) {
	t.Parallel()
	requireServer(t)
	inst := tarantooltest.Start(t, serverOptions(true))
	path := strings.TrimPrefix(inst.Addr(), "unix:")
	c := dial(t, path) // the bare path form
	other := dial(t, inst.Addr())
	ctx := testContext(t)

	// Ping, schema.
	_, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	sp, ok := c.Schema().SpaceByName("tree")
	require.True(t, ok)
	require.Equal(t, uint32(513), sp.ID)

	// DML.
	require.Equal(t, []any{[]any{int64(1), "ann", int64(30)}}, awaitValues(t, c.Insert(ctx, "tree", []any{1, "ann", 30})))
	require.Equal(t, []any{[]any{int64(2), "bob", int64(25)}}, awaitValues(t, c.Replace(ctx, 513, []any{2, "bob", 25})))
	_, err = c.Insert(ctx, "tree", []any{1, "dup", 1}).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_FOUND)
	require.Equal(t, []any{[]any{int64(1), "ann", int64(31)}},
		awaitValues(t, c.Update(ctx, "tree", "primary", 1, []protocol.Op{protocol.OpAdd(2, 1)})))
	_, err = c.Upsert(ctx, "counters", []any{1, 1}, []protocol.Op{protocol.OpAdd(1, 1)}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, "counters", []any{1, 1}, []protocol.Op{protocol.OpAdd(1, 1)}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(1), int64(2)}}, awaitValues(t, c.Select(ctx, "counters", nil, 1)))
	require.Equal(t, []any{[]any{int64(2), "bob", int64(26)}}, awaitValues(t, c.ReplaceExisting(ctx, "tree", []any{2, "bob", 26})))
	_, err = c.ReplaceExisting(ctx, "tree", []any{3, "nobody", 1}).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_NOT_FOUND)

	// Select: iterators, multi-part keys, typed decoding.
	rows, err := client.Tuples[treeRow](c.Select(ctx, "tree", nil, nil, client.Iterator(iproto.ITER_ALL))).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []treeRow{{ID: 1, Name: "ann", Age: 31}, {ID: 2, Name: "bob", Age: 26}}, rows)
	one, err := client.One[treeRow](c.Select(ctx, "tree", "by_name_age", nameAgeKey{Name: "bob", Age: 26})).Await(ctx)
	require.NoError(t, err)
	require.True(t, one.Found)
	require.Equal(t, uint64(2), one.Value.ID)
	require.Equal(t, []uint64{2, 1}, selectedIDs(t, c.Select(ctx, "tree", nil, 2, client.Iterator(iproto.ITER_LE))))
	require.Equal(t, []any{[]any{int64(2), "bob", int64(26)}}, awaitValues(t, c.Delete(ctx, "tree", nil, 2)))

	// Calls.
	require.Equal(t, []any{int64(1), "a"}, awaitValues(t, c.Call(ctx, "echo", 1, "a")))
	require.Equal(t, []any{[]any{int64(5)}}, awaitValues(t, c.Call16(ctx, "sum", 2, 3)))
	require.Equal(t, []any{int64(6)}, awaitValues(t, c.Eval(ctx, "local a, b = ... return a * b", 2, 3)))
	_, err = c.Call(ctx, "fail", "unix failure").Await(ctx)
	require.Equal(t, "unix failure", requireServerError(t, err, iproto.ER_PROC_LUA).Message)
	u, err := protocol.ParseUUID("11111111-2222-3333-4444-555555555555")
	require.NoError(t, err)
	require.Equal(t, []any{u}, awaitValues(t, c.Call(ctx, "uuid_of", u.String())))

	// SQL.
	resp, err := c.Execute(ctx, "INSERT INTO sqltest (name) VALUES (?), (?)", "x", "y").Await(ctx)
	require.NoError(t, err)
	body, err := resp.Body()
	require.NoError(t, err)
	require.Equal(t, []int64{1, 2}, body.SQLInfo.AutoIncrementIDs)
	p, err := c.Prepare(ctx, "SELECT name FROM sqltest WHERE id = ?").Await(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), p.ParamCount)
	for id, name := range map[int]string{1: "x", 2: "y"} {
		require.Equal(t, []any{[]any{name}}, awaitValues(t, p.Execute(ctx, id)))
	}
	_, err = p.Unprepare(ctx).Await(ctx)
	require.NoError(t, err)
	_, err = p.Execute(ctx, 1).Await(ctx)
	requireServerError(t, err, iproto.ER_WRONG_QUERY_ID)

	// Schema changes by another client: a new space by name, and a stale
	// request retried.
	v0 := c.Schema().Version
	evalValues(t, other, `local s = box.schema.space.create('unix_new') s:create_index('primary')`)
	require.Equal(t, []any{[]any{int64(7)}}, awaitValues(t, c.Insert(ctx, "unix_new", []any{7})))
	v1 := c.Schema().Version
	require.Greater(t, v1, v0)
	evalValues(t, other, `box.space.unix_new:create_index('second', {parts = {1, 'unsigned'}})`)
	// The schema version of c is stale: the select is refused and retried.
	require.Equal(t, []any{[]any{int64(1), "ann", int64(31)}}, awaitValues(t, c.Select(ctx, "tree", nil, 1)))
	require.Greater(t, c.Schema().Version, v1)
	require.Equal(t, []any{[]any{int64(7)}}, awaitValues(t, c.Select(ctx, "unix_new", "second", 7)))

	// Bad input fails before sending; the connection keeps serving.
	_, err = c.Insert(ctx, "tree", []any{9, make(chan int)}).Await(ctx)
	var eerr *client.EncodeError
	require.ErrorAs(t, err, &eerr)
	require.ErrorIs(t, err, client.ErrNotSent)
	_, err = c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	require.Zero(t, c.InFlight())
}
