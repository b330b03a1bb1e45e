package client_test

// Integration tests of the data commands against the shared server: Ping,
// Insert, Replace, Update (every operation), Upsert, Delete,
// ReplaceExisting, Call, Call16 and Eval. Every test owns a block of keys
// (keyBlock), so they run in parallel with each other and with other files.

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

func TestCommandPing(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	r1, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	require.NotNil(t, r1)
	r2, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)

	// A ping answers with an empty body: no data.
	data, err := r1.Data()
	require.NoError(t, err)
	require.Nil(t, data)
	values, err := r1.Values()
	require.NoError(t, err)
	require.Nil(t, values)
	found, err := r1.First(new(any))
	require.NoError(t, err)
	require.False(t, found)
	require.Error(t, r1.Decode(new([]any)), "decoding a response without data")

	require.Greater(t, r2.Sync(), r1.Sync(), "every request has a new sync id")
	require.Equal(t, c.Schema().Version, r1.SchemaVersion())
}

func TestCommandInsert(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()

	resp, err := c.Insert(ctx, "test", []any{k, "first", 42}).Await(ctx)
	require.NoError(t, err)
	values, err := resp.Values()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(k), "first", int64(42)}}, values, "the response carries the inserted tuple")
	var got any
	found, err := resp.First(&got)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, []any{int64(k), "first", int64(42)}, got)

	// A duplicate primary key fails with ER_TUPLE_FOUND and a stack.
	_, err = c.Insert(ctx, "test", []any{k, "second"}).Await(ctx)
	serr := requireServerError(t, err, iproto.ER_TUPLE_FOUND)
	require.Contains(t, serr.Message, "Duplicate key exists")
	require.Contains(t, serr.Error(), "ER_TUPLE_FOUND")
	require.NotEmpty(t, serr.Stack, "Tarantool 2.6 sends the MP_ERROR stack")
	require.Equal(t, uint64(iproto.ER_TUPLE_FOUND), serr.Stack[0].Code)
	require.Equal(t, "ClientError", serr.Stack[0].Type)
	require.Equal(t, serr.Message, serr.Stack[0].Message)
	require.NotErrorIs(t, err, client.ErrorCode(iproto.ER_TUPLE_NOT_FOUND))

	// The failed insert changed nothing.
	require.Equal(t, []any{[]any{int64(k), "first", int64(42)}}, awaitValues(t, c.Select(ctx, "test", "primary", k)))

	// By space number too.
	require.Equal(t, []any{[]any{int64(k + 1)}}, awaitValues(t, c.Insert(ctx, 512, []any{k + 1})))
}

func TestCommandReplace(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()

	// Replace of a new key inserts.
	require.Equal(t, []any{[]any{int64(k), "one"}}, awaitValues(t, c.Replace(ctx, "test", []any{k, "one"})))
	// Replace of an existing key replaces the whole tuple.
	require.Equal(t, []any{[]any{int64(k), "two", true}}, awaitValues(t, c.Replace(ctx, "test", []any{k, "two", true})))
	require.Equal(t, []any{[]any{int64(k), "two", true}}, awaitValues(t, c.Select(ctx, "test", nil, k)))

	// A tuple breaking the space format is refused by the server.
	_, err := c.Replace(ctx, "test", []any{k, 12345}).Await(ctx)
	requireServerError(t, err, iproto.ER_FIELD_TYPE)
	require.Equal(t, []any{[]any{int64(k), "two", true}}, awaitValues(t, c.Select(ctx, 512, 0, k)))
}

func TestCommandUpdateEveryOperation(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	base := keyBlock()

	// Field numbers are 0-based; field 0 is the primary key.
	cases := []struct {
		name  string
		start []any // after the key
		ops   []protocol.Op
		want  []any // after the key
	}{
		{"assign", []any{"a", 1}, []protocol.Op{protocol.OpAssign(2, "x")}, []any{"a", "x"}},
		{"assign by field name", []any{"a"}, []protocol.Op{protocol.OpAssign("name", "renamed")}, []any{"renamed"}},
		{"assign last by negative number", []any{"a", 1, 2}, []protocol.Op{protocol.OpAssign(-1, "end")}, []any{"a", 1, "end"}},
		{"add int", []any{"a", 10}, []protocol.Op{protocol.OpAdd(2, 5)}, []any{"a", 15}},
		{"add negative", []any{"a", 10}, []protocol.Op{protocol.OpAdd(2, -25)}, []any{"a", -15}},
		{"add float", []any{"a", 10}, []protocol.Op{protocol.OpAdd(2, 0.5)}, []any{"a", 10.5}},
		{"add decimal", []any{"a", 10}, []protocol.Op{protocol.OpAdd(2, protocol.MustParseDecimal("1.25"))}, []any{"a", protocol.MustParseDecimal("11.25")}},
		{"subtract", []any{"a", 10}, []protocol.Op{protocol.OpSub(2, 3)}, []any{"a", 7}},
		{"and", []any{"a", 0b1100}, []protocol.Op{protocol.OpAnd(2, 0b1010)}, []any{"a", 0b1000}},
		{"or", []any{"a", 0b1100}, []protocol.Op{protocol.OpOr(2, 0b1010)}, []any{"a", 0b1110}},
		{"xor", []any{"a", 0b1100}, []protocol.Op{protocol.OpXor(2, 0b1010)}, []any{"a", 0b0110}},
		{"splice", []any{"hello"}, []protocol.Op{protocol.OpSplice(1, 2, 3, "ipp")}, []any{"heipp"}},
		{"splice insert only", []any{"abc"}, []protocol.Op{protocol.OpSplice(1, 1, 0, "XY")}, []any{"aXYbc"}},
		// A negative offset counts from the end, -1 being past the last
		// character: -3 is the second last.
		{"splice from the end", []any{"abcdef"}, []protocol.Op{protocol.OpSplice(1, -3, 2, "!")}, []any{"abcd!"}},
		{"splice append", []any{"abc"}, []protocol.Op{protocol.OpSplice(1, -1, 0, "def")}, []any{"abcdef"}},
		{"insert before", []any{"a", "c"}, []protocol.Op{protocol.OpInsert(2, "b")}, []any{"a", "b", "c"}},
		{"insert append", []any{"a"}, []protocol.Op{protocol.OpInsert(-1, "z")}, []any{"a", "z"}},
		{"delete", []any{"a", 1, 2, 3, "keep"}, []protocol.Op{protocol.OpDelete(2, 3)}, []any{"a", "keep"}},
		{"several at once", []any{"a", 1, 2}, []protocol.Op{
			protocol.OpAssign(1, "b"), protocol.OpAdd(2, 1), protocol.OpSub(3, 1), protocol.OpInsert(4, "new"),
		}, []any{"b", 2, 1, "new"}},
	}
	for i, tc := range cases {
		k := base + uint64(i)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t)
			_, err := c.Insert(ctx, "test", append([]any{k}, tc.start...)).Await(ctx)
			require.NoError(t, err)

			resp, err := c.Update(ctx, "test", "primary", k, tc.ops).Await(ctx)
			require.NoError(t, err)
			want := []any{int64(k)}
			for _, v := range tc.want {
				if n, ok := v.(int); ok {
					v = int64(n)
				}
				want = append(want, v)
			}
			var got any
			found, err := resp.First(&got)
			require.NoError(t, err)
			require.True(t, found, "the response carries the updated tuple")
			require.Equal(t, want, widenFloats(got))
			// The stored tuple is the returned one.
			resp, err = c.Select(ctx, "test", nil, k).Await(ctx)
			require.NoError(t, err)
			var stored any
			found, err = resp.First(&stored)
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, want, widenFloats(stored))
		})
	}

	t.Run("missing key", func(t *testing.T) {
		t.Parallel()
		ctx := testContext(t)
		k := base + 9_000
		resp, err := c.Update(ctx, "test", nil, k, []protocol.Op{protocol.OpAssign(1, "x")}).Await(ctx)
		require.NoError(t, err)
		values, err := resp.Values()
		require.NoError(t, err)
		require.Empty(t, values, "no tuple for a missing key")
		found, err := resp.First(new([]any))
		require.NoError(t, err)
		require.False(t, found)
		require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k)), "update does not insert")
	})

	t.Run("server rejects a bad operand", func(t *testing.T) {
		t.Parallel()
		ctx := testContext(t)
		k := base + 9_001
		_, err := c.Insert(ctx, "test", []any{k, "a", "text"}).Await(ctx)
		require.NoError(t, err)
		_, err = c.Update(ctx, "test", nil, k, []protocol.Op{protocol.OpAdd(2, 1)}).Await(ctx)
		requireServerError(t, err, iproto.ER_UPDATE_ARG_TYPE)
		_, err = c.Update(ctx, "test", nil, k, []protocol.Op{protocol.OpAssign(0, k+1)}).Await(ctx)
		requireServerError(t, err, iproto.ER_CANT_UPDATE_PRIMARY_KEY)
		require.Equal(t, []any{[]any{int64(k), "a", "text"}}, awaitValues(t, c.Select(ctx, "test", nil, k)))
	})
}

func TestCommandUpsert(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	ops := []protocol.Op{protocol.OpAdd(1, 5), protocol.OpAssign(2, "updated")}

	// Insert path: the key is new, the tuple is inserted, the ops ignored.
	resp, err := c.Upsert(ctx, "counters", []any{k, 10, "inserted"}, ops).Await(ctx)
	require.NoError(t, err)
	values, err := resp.Values()
	require.NoError(t, err)
	require.Empty(t, values, "upsert returns no tuple")
	require.Equal(t, []any{[]any{int64(k), int64(10), "inserted"}}, awaitValues(t, c.Select(ctx, "counters", nil, k)))

	// Update path: the key exists, the ops apply and the tuple is ignored.
	_, err = c.Upsert(ctx, "counters", []any{k, 999, "ignored"}, ops).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(k), int64(15), "updated"}}, awaitValues(t, c.Select(ctx, "counters", nil, k)))

	// Many pipelined upserts of one counter all count.
	const n = 50
	pending := make([]*future.Future[*client.Response], n)
	for i := range pending {
		pending[i] = c.Upsert(ctx, 516, []any{k + 1, 1}, []protocol.Op{protocol.OpAdd(1, 1)})
	}
	for _, f := range pending {
		_, err := f.Await(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, []any{[]any{int64(k + 1), int64(n)}}, awaitValues(t, c.Select(ctx, "counters", nil, k+1)))
}

func TestCommandDelete(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()

	_, err := c.Insert(ctx, "test", []any{k, "doomed"}).Await(ctx)
	require.NoError(t, err)

	resp, err := c.Delete(ctx, "test", "primary", k).Await(ctx)
	require.NoError(t, err)
	var deleted any
	found, err := resp.First(&deleted)
	require.NoError(t, err)
	require.True(t, found, "the response carries the deleted tuple")
	require.Equal(t, []any{int64(k), "doomed"}, deleted)
	require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k)))

	// Deleting it again finds nothing.
	resp, err = c.Delete(ctx, "test", nil, k).Await(ctx)
	require.NoError(t, err)
	var none []any
	found, err = resp.First(&none)
	require.NoError(t, err)
	require.False(t, found)
	require.Nil(t, none, "First leaves v untouched")
	opt, err := client.One[any](c.Delete(ctx, 512, 0, k)).Await(ctx)
	require.NoError(t, err)
	require.False(t, opt.Found)

	// Delete through a non-unique index is refused by the server.
	_, err = c.Delete(ctx, "tree", "by_name_age", []any{"x", 1}).Await(ctx)
	require.Error(t, err)
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
}

func TestCommandReplaceExisting(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()

	// Missing: ER_TUPLE_NOT_FOUND and nothing inserted.
	_, err := c.ReplaceExisting(ctx, "test", []any{k, "new"}).Await(ctx)
	serr := requireServerError(t, err, iproto.ER_TUPLE_NOT_FOUND)
	require.Contains(t, serr.Message, "test")
	require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k)))

	// Existing: replaced and returned.
	_, err = c.Insert(ctx, "test", []any{k, "old", 1}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(k), "new"}}, awaitValues(t, c.ReplaceExisting(ctx, "test", []any{k, "new"})))
	require.Equal(t, []any{[]any{int64(k), "new"}}, awaitValues(t, c.Select(ctx, "test", nil, k)))

	// By space number; through One.
	opt, err := client.One[any](c.ReplaceExisting(ctx, 512, []any{k, "by id"})).Await(ctx)
	require.NoError(t, err)
	require.True(t, opt.Found)
	require.Equal(t, []any{int64(k), "by id"}, opt.Value)

	// A tuple breaking the format leaves the old one.
	_, err = c.ReplaceExisting(ctx, "test", []any{k, 7}).Await(ctx)
	requireServerError(t, err, iproto.ER_FIELD_TYPE)
	require.Equal(t, []any{[]any{int64(k), "by id"}}, awaitValues(t, c.Select(ctx, "test", nil, k)))

	// An unknown space is the server's ER_NO_SUCH_SPACE.
	_, err = c.ReplaceExisting(ctx, "no_such_space_for_replace", []any{k}).Await(ctx)
	requireServerError(t, err, iproto.ER_NO_SUCH_SPACE)

	// Atomic against a concurrent delete: either the replace comes first
	// (it succeeds and the delete removes its tuple) or the delete does
	// (the replace fails and inserts nothing). Never both succeed with the
	// tuple surviving.
	for i := uint64(1); i <= 50; i++ {
		key := k + i
		_, err := c.Insert(ctx, "test", []any{key, "old"}).Await(ctx)
		require.NoError(t, err)
		re := c.ReplaceExisting(ctx, "test", []any{key, "new"})
		del := c.Delete(ctx, "test", nil, key)
		_, reErr := re.Await(ctx)
		delResp, err := del.Await(ctx)
		require.NoError(t, err)
		var deleted any
		found, err := delResp.First(&deleted)
		require.NoError(t, err)
		require.True(t, found)
		if reErr == nil {
			require.Equal(t, []any{int64(key), "new"}, deleted)
		} else {
			requireServerError(t, reErr, iproto.ER_TUPLE_NOT_FOUND)
			require.Equal(t, []any{int64(key), "old"}, deleted)
		}
		require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, key)))
	}
}

func TestCommandCall(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	// echo returns its arguments as they are, of every kind.
	args := []any{1, -2, "two", 3.5, true, nil, []any{1, "x"}, map[string]any{"k": "v"}, []byte{1, 2}, uint64(math.MaxUint64)}
	require.Equal(t, []any{
		int64(1), int64(-2), "two", 3.5, true, nil, []any{int64(1), "x"}, map[string]any{"k": "v"}, binaryEcho(t, []byte{1, 2}), uint64(math.MaxUint64),
	}, awaitValues(t, c.Call(ctx, "echo", args...)))
	require.Empty(t, awaitValues(t, c.Call(ctx, "echo")), "no arguments, no results")

	require.Equal(t, []any{int64(5)}, awaitValues(t, c.Call(ctx, "sum", 2, 3)))
	sums, err := client.Tuples[int](c.Call(ctx, "sum", 40, 2)).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []int{42}, sums)

	// A function returning a tuple: CALL returns it as one value.
	require.Equal(t, []any{[]any{int64(1), "a", true}}, awaitValues(t, c.Call(ctx, "tuple_of", 1, "a", true)))

	// Errors raised by the function.
	_, err = c.Call(ctx, "fail", "it broke").Await(ctx)
	serr := requireServerError(t, err, iproto.ER_PROC_LUA)
	require.Equal(t, "it broke", serr.Message)
	require.NotEmpty(t, serr.Stack)

	_, err = c.Call(ctx, "fail_code", 999, "custom failure").Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(999))
	var custom *client.ServerError
	require.ErrorAs(t, err, &custom)
	require.Equal(t, "custom failure", custom.Message)

	_, err = c.Call(ctx, "no_such_function").Await(ctx)
	requireServerError(t, err, iproto.ER_NO_SUCH_PROC)

	// The connection keeps serving after errors.
	require.Equal(t, []any{"still here"}, awaitValues(t, c.Call(ctx, "echo", "still here")))
}

func TestCommandCall16(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	// Every returned value becomes a tuple: a scalar 5 comes back as [5].
	resp, err := c.Call16(ctx, "sum", 2, 3).Await(ctx)
	require.NoError(t, err)
	values, err := resp.Values()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(5)}}, values)
	var rows [][]int
	require.NoError(t, resp.Decode(&rows))
	require.Equal(t, [][]int{{5}}, rows)

	require.Equal(t, []any{[]any{int64(1)}, []any{"a"}}, awaitValues(t, c.Call16(ctx, "echo", 1, "a")))
	// A returned tuple stays one tuple.
	require.Equal(t, []any{[]any{int64(1), "a"}}, awaitValues(t, c.Call16(ctx, "tuple_of", 1, "a")))
	require.Empty(t, awaitValues(t, c.Call16(ctx, "echo")))

	_, err = c.Call16(ctx, "fail", "old style").Await(ctx)
	serr := requireServerError(t, err, iproto.ER_PROC_LUA)
	require.Equal(t, "old style", serr.Message)
}

func TestCommandEval(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	require.Equal(t, []any{int64(42), "number", "x!"},
		awaitValues(t, c.Eval(ctx, "local a, b, s = ... return a * b, type(a), s .. '!'", 6, 7, "x")))
	require.Equal(t, []any{int64(3)}, awaitValues(t, c.Eval(ctx, "return select('#', ...)", nil, "b", nil)))
	require.Equal(t, []any{int64(0)}, awaitValues(t, c.Eval(ctx, "return select('#', ...)")))
	require.Empty(t, awaitValues(t, c.Eval(ctx, "local x = 1")))
	// A table argument arrives as a Lua table.
	require.Equal(t, []any{int64(3), "v"}, awaitValues(t, c.Eval(ctx, "local t, m = ... return #t, m.k", []int{1, 2, 3}, map[string]any{"k": "v"})))
	// Eval sees the box API.
	k := keyBlock()
	require.Equal(t, []any{[]any{int64(k), "from eval"}}, awaitValues(t, c.Eval(ctx, "return box.space.test:insert{...}", k, "from eval")))
	require.Equal(t, []any{[]any{int64(k), "from eval"}}, awaitValues(t, c.Select(ctx, "test", nil, k)))

	_, err := c.Eval(ctx, "error('eval failed')").Await(ctx)
	serr := requireServerError(t, err, iproto.ER_PROC_LUA)
	require.Contains(t, serr.Message, "eval failed")
	_, err = c.Eval(ctx, "return (").Await(ctx)
	requireServerError(t, err, iproto.ER_PROC_LUA)
	_, err = c.Eval(ctx, "box.error(box.error.ILLEGAL_PARAMS, 'bad params')").Await(ctx)
	serr = requireServerError(t, err, iproto.ER_ILLEGAL_PARAMS)
	require.Equal(t, illegalParams(t, "bad params"), serr.Message)
}

// TestCommandsPipelined sends one request of every data command without
// waiting, then checks every result: responses are matched to requests by
// sync id whatever their order. Each command works on a key of its own,
// set up beforehand: with memtx MVCC (the test server turns it on from
// 2.10) a request need not see the change of one pipelined just before
// it, which is not yet written when it runs.
func TestCommandsPipelined(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	for i, name := range []string{"c", "d", "e"} {
		_, err := c.Insert(ctx, "test", []any{k + 2 + uint64(i), name}).Await(ctx)
		require.NoError(t, err)
	}

	ins := c.Insert(ctx, "test", []any{k, "a"})
	rep := c.Replace(ctx, "test", []any{k + 1, "b"})
	upd := c.Update(ctx, "test", nil, k+2, []protocol.Op{protocol.OpAssign(1, "c2")})
	ups := c.Upsert(ctx, "counters", []any{k, 1}, []protocol.Op{protocol.OpAdd(1, 1)})
	del := c.Delete(ctx, "test", nil, k+3)
	sel := c.Select(ctx, "test", nil, k+4)
	call := c.Call(ctx, "sum", 1, 2)
	c16 := c.Call16(ctx, "sum", 3, 4)
	ev := c.Eval(ctx, "return ...", "e")
	sleep := c.Call(ctx, "sleep", 0)
	ping := c.Ping(ctx)

	require.Equal(t, []any{[]any{int64(k), "a"}}, awaitValues(t, ins))
	require.Equal(t, []any{[]any{int64(k + 1), "b"}}, awaitValues(t, rep))
	require.Equal(t, []any{[]any{int64(k + 2), "c2"}}, awaitValues(t, upd))
	require.Empty(t, awaitValues(t, ups))
	require.Equal(t, []any{[]any{int64(k + 3), "d"}}, awaitValues(t, del))
	require.Equal(t, []any{[]any{int64(k + 4), "e"}}, awaitValues(t, sel))
	require.Equal(t, []any{int64(3)}, awaitValues(t, call))
	require.Equal(t, []any{[]any{int64(7)}}, awaitValues(t, c16))
	require.Equal(t, []any{"e"}, awaitValues(t, ev))
	require.Equal(t, []any{int64(0)}, awaitValues(t, sleep))
	_, err := ping.Await(ctx)
	require.NoError(t, err)
	require.Zero(t, c.InFlight())
	for i, want := range []any{"a", "b", "c2", nil, "e"} { // the pipeline's changes, all done
		got := awaitValues(t, c.Select(ctx, "test", nil, k+uint64(i)))
		if want == nil {
			require.Empty(t, got)
			continue
		}
		require.Equal(t, []any{[]any{int64(k) + int64(i), want}}, got)
	}

	// Errors and successes interleave without mixing up.
	pending := make([]*future.Future[*client.Response], 20)
	for i := range pending {
		if i%2 == 0 {
			pending[i] = c.Insert(ctx, "test", []any{k}) // a duplicate
		} else {
			pending[i] = c.Call(ctx, "echo", i)
		}
	}
	for i, f := range pending {
		resp, err := f.Await(ctx)
		if i%2 == 0 {
			require.True(t, errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND)), fmt.Sprint(err))
			continue
		}
		require.NoError(t, err)
		values, err := resp.Values()
		require.NoError(t, err)
		require.Equal(t, []any{int64(i)}, values)
	}
}

// widenFloats turns float32 fields of a tuple into float64: Tarantool
// stores the result of 10 + 0.5 as a float32.
func widenFloats(v any) any {
	tuple, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(tuple))
	for i, f := range tuple {
		if f32, ok := f.(float32); ok {
			f = float64(f32)
		}
		out[i] = f
	}
	return out
}

// strictBoxError shadows box.error, for the script after it, with one that
// accepts only the table form box.error{code = ..., reason = ...}, the only
// form 2.6 through 3.x accept alike: 3.x answers a positional
// box.error(box.error.TUPLE_NOT_FOUND, index, space) with "box.error(): bad
// arguments", as this one does.
const strictBoxError = `local box = setmetatable({error = setmetatable({}, {__index = box.error,
    __call = function(_, e)
        if type(e) ~= 'table' then
            box.error{code = box.error.ILLEGAL_PARAMS, reason = 'box.error(): bad arguments'}
        end
        return box.error(e)
    end})}, {__index = box})
`

// TestCommandReplaceExistingPortableErrors runs ReplaceExisting's Lua under
// the strict box.error: its errors keep their codes and messages.
func TestCommandReplaceExistingPortableErrors(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	src := strictBoxError + client.ReplaceExistingLua

	_, err := c.Eval(ctx, src, "test", []any{k, "new"}).Await(ctx)
	serr := requireServerError(t, err, iproto.ER_TUPLE_NOT_FOUND)
	require.Equal(t, "Tuple doesn't exist in index 'primary' in space 'test'", serr.Message)

	_, err = c.Eval(ctx, src, "no_such_space_for_strict", []any{k}).Await(ctx)
	serr = requireServerError(t, err, iproto.ER_NO_SUCH_SPACE)
	require.Equal(t, "Space 'no_such_space_for_strict' does not exist", serr.Message)

	_, err = c.Insert(ctx, "test", []any{k, "old"}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(k), "new"}}, awaitValues(t, c.Eval(ctx, src, "test", []any{k, "new"})))
}
