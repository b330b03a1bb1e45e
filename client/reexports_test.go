package client_test

// Tests of what client repeats from protocol and go-iproto so that common
// code needs no other import: update operations, iterators, error codes
// and decode errors, used against the server.

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
)

func TestReexportedOps(t *testing.T) {
	// The same values as protocol's constructors.
	require.Equal(t, []protocol.Op{
		protocol.OpAssign(1, "a"), protocol.OpAdd(2, 1), protocol.OpSub(2, 1), protocol.OpAnd(2, 1),
		protocol.OpOr(2, 1), protocol.OpXor(2, 1), protocol.OpInsert(-1, "x"), protocol.OpDelete(3, 1),
		protocol.OpSplice(1, 0, 1, "b"),
	}, []client.Op{
		client.OpAssign(1, "a"), client.OpAdd(2, 1), client.OpSub(2, 1), client.OpAnd(2, 1),
		client.OpOr(2, 1), client.OpXor(2, 1), client.OpInsert(-1, "x"), client.OpDelete(3, 1),
		client.OpSplice(1, 0, 1, "b"),
	})

	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	_, err := c.Replace(ctx, "test", []any{k, "ann", 5}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Update(ctx, "test", "primary", k, []client.Op{
		client.OpAssign(1, "bob"), client.OpAdd(2, 10), client.OpInsert(-1, "tail"),
	}).Await(ctx)
	require.NoError(t, err)
	r, err := c.Update(ctx, "test", "primary", k, []client.Op{client.OpSplice(1, 0, 1, "R")}).Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(k), "Rob", int64(15), "tail"}}, values)
	_, err = c.Delete(ctx, "test", nil, k).Await(ctx)
	require.NoError(t, err)
}

func TestReexportedIterators(t *testing.T) {
	require.Equal(t, iproto.ITER_GE, client.IterGE)
	for it, want := range map[iproto.Iterator]iproto.Iterator{
		client.IterEq: iproto.ITER_EQ, client.IterReq: iproto.ITER_REQ, client.IterAll: iproto.ITER_ALL,
		client.IterLT: iproto.ITER_LT, client.IterLE: iproto.ITER_LE, client.IterGT: iproto.ITER_GT,
		client.IterBitsAllSet: iproto.ITER_BITS_ALL_SET, client.IterBitsAnySet: iproto.ITER_BITS_ANY_SET,
		client.IterBitsAllNotSet: iproto.ITER_BITS_ALL_NOT_SET, client.IterOverlaps: iproto.ITER_OVERLAPS,
		client.IterNeighbor: iproto.ITER_NEIGHBOR,
	} {
		require.Equal(t, want, it)
	}

	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock() // keys of space tree (primary: TREE) no other test uses
	for i := range uint64(5) {
		_, err := c.Replace(ctx, "tree", []any{k + i, "it", i}).Await(ctx)
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		for i := range uint64(5) {
			c.Delete(ctx, "tree", nil, k+i)
		}
	})
	ids := func(opts ...client.SelectOption) []uint64 {
		rows, err := client.Tuples[[]any](c.Select(ctx, "tree", "primary", k+2, opts...)).Await(ctx)
		require.NoError(t, err)
		var out []uint64
		for _, row := range rows {
			id := row[0].(int64)
			if uint64(id) >= k && uint64(id) < k+5 {
				out = append(out, uint64(id)-k)
			}
		}
		return out
	}
	require.Equal(t, []uint64{2, 3, 4}, ids(client.Iterator(client.IterGE), client.Limit(3)))
	require.Equal(t, []uint64{1, 0}, ids(client.Iterator(client.IterLT), client.Limit(2)))
	require.Equal(t, []uint64{2}, ids(client.Iterator(client.IterEq)))
}

func TestReexportedErrorCodes(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	_, err := c.Insert(ctx, "test", []any{k, "dup"}).Await(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { c.Delete(ctx, "test", nil, k) })

	_, err = c.Insert(ctx, "test", []any{k, "dup"}).Await(ctx)
	require.ErrorIs(t, err, client.CodeTupleFound)
	require.NotErrorIs(t, err, client.CodeTupleNotFound)
	require.NotErrorIs(t, err, client.ErrNotSent)
	require.Equal(t, client.ErrorCode(iproto.ER_TUPLE_FOUND), client.CodeTupleFound)

	_, err = c.Select(ctx, 99_999, 0, 1).Await(ctx)
	require.ErrorIs(t, err, client.CodeNoSuchSpace)
	_, err = c.Select(ctx, "lc_no_such_space", nil, 1).Await(ctx) // by name: a *SchemaError, the same code
	require.ErrorIs(t, err, client.CodeNoSuchSpace)
	_, err = c.Select(ctx, "test", 77, 1).Await(ctx)
	require.ErrorIs(t, err, client.CodeNoSuchIndex)
	_, err = c.Call(ctx, "lc_no_such_function").Await(ctx)
	require.ErrorIs(t, err, client.CodeNoSuchProc)
	_, err = c.Eval(ctx, "error('boom')").Await(ctx)
	require.ErrorIs(t, err, client.CodeProcLua)
	_, err = c.Update(ctx, "test", nil, k, []client.Op{client.OpAssign("lc_no_such_field", 1)}).Await(ctx)
	require.ErrorIs(t, err, client.CodeNoSuchFieldName)
	_, err = c.Insert(ctx, "test", []any{"not a number"}).Await(ctx)
	require.ErrorIs(t, err, client.CodeFieldType)
	_, err = c.Execute(ctx, "SELEKT 1").Await(ctx)
	require.ErrorIs(t, err, client.CodeSQLSyntax)
	_, err = c.Execute(ctx, "SELECT * FROM lc_no_such_table").Await(ctx)
	require.ErrorIs(t, err, client.CodeNoSuchSpace)

	_, err = client.Dial(ctx, srv.Addr(), client.Options{User: testUser, Password: "wrong"})
	require.ErrorIs(t, err, client.CodeCredsMismatch)
	_, err = client.Dial(ctx, srv.Addr(), client.Options{User: "lc-no-such-user", Password: "x"})
	switch {
	case serverAtLeast(t, "2.11"): // measured on 2.11.9 and 3.8.0: the user's existence is not disclosed
		require.ErrorIs(t, err, client.CodeCredsMismatch)
	case serverAtLeast(t, "2.10"): // not measured
		require.True(t, errors.Is(err, client.CodeNoSuchUser) || errors.Is(err, client.CodeCredsMismatch), "%v", err)
	default:
		require.ErrorIs(t, err, client.CodeNoSuchUser)
	}
	noperm := dial(t, srv.Addr(), func(o *client.Options) { o.User, o.Password = "noperm", "noperm" })
	_, err = noperm.Select(ctx, 512, 0, 1).Await(ctx)
	require.ErrorIs(t, err, client.CodeAccessDenied)
}

func TestReexportedDecodeErrors(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	r, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	var rows []User
	var me *client.MalformedError
	require.ErrorAs(t, r.Decode(&rows), &me)

	r, err = c.Eval(ctx, "return {1, 'a', 2}").Await(ctx)
	require.NoError(t, err)
	type strict struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array,strict"`
		ID       uint64
		Name     string
	}
	var s strict
	_, err = r.First(&s)
	var ue *client.UnmarshalError
	require.ErrorAs(t, err, &ue)
	var fc *client.FieldCountError
	require.ErrorAs(t, err, &fc)
	require.Equal(t, [2]int{2, 3}, [2]int{fc.Fields, fc.Elements})
}
