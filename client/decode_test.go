package client_test

// Integration tests of typed decoding: as_array structs through
// Response.Decode, First, Tuples and One; generic values through Values;
// Tarantool's UUID, Decimal and MP_ERROR extension values through the
// server and back.

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
)

// testRecord is a tuple of the 'test' space with free trailing fields.
type testRecord struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Score    float64
	Tags     []string
	Meta     map[string]string
	Flag     bool
	Blob     []byte
	Delta    int64
	Note     *string
}

func TestDecodeStructs(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	note := "noted"

	recs := []testRecord{
		{ID: k, Name: "first", Score: 1.5, Tags: []string{"a", "b"}, Meta: map[string]string{"x": "y"}, Flag: true, Blob: []byte{0, 1, 2}, Delta: -7, Note: &note},
		{ID: k + 1, Name: "second", Score: -2.25, Tags: []string{}, Meta: map[string]string{}, Blob: []byte{}, Delta: 1 << 40},
	}
	for _, r := range recs {
		// The struct is the tuple; the insert returns it decoded alike.
		got, err := client.One[testRecord](c.Insert(ctx, "test", r)).Await(ctx)
		require.NoError(t, err)
		require.True(t, got.Found)
		require.Equal(t, r, got.Value)
	}

	// Tuples of a select.
	for i, r := range recs {
		got, err := client.Tuples[testRecord](c.Select(ctx, "test", nil, r.ID)).Await(ctx)
		require.NoError(t, err)
		require.Equal(t, []testRecord{r}, got, "record %d", i)
	}

	// Response.Decode into a slice of structs, and First into one.
	resp, err := c.Select(ctx, "test", nil, k).Await(ctx)
	require.NoError(t, err)
	var all []testRecord
	require.NoError(t, resp.Decode(&all))
	require.Equal(t, recs[:1], all)
	var one testRecord
	found, err := resp.First(&one)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, recs[0], one)

	// Values: generic Go values, one []any per tuple.
	values, err := resp.Values()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{
		int64(k), "first", 1.5, []any{"a", "b"}, map[string]any{"x": "y"}, true, []byte{0, 1, 2}, int64(-7), "noted",
	}}, values)

	// A missing key: One is not Found, Tuples is empty.
	missing, err := client.One[testRecord](c.Select(ctx, "test", nil, k+100)).Await(ctx)
	require.NoError(t, err)
	require.False(t, missing.Found)
	require.Equal(t, testRecord{}, missing.Value)
	none, err := client.Tuples[testRecord](c.Select(ctx, "test", nil, k+100)).Await(ctx)
	require.NoError(t, err)
	require.Empty(t, none)

	// A type mismatch fails the decoding future with an UnmarshalError.
	type wrong struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		ID       string
	}
	_, err = client.Tuples[wrong](c.Select(ctx, "test", nil, k)).Await(ctx)
	var uerr *protocol.UnmarshalError
	require.ErrorAs(t, err, &uerr)
	_, err = client.One[wrong](c.Select(ctx, "test", nil, k)).Await(ctx)
	require.ErrorAs(t, err, &uerr)

	// A server error passes through Tuples and One unchanged.
	_, err = client.Tuples[testRecord](c.Insert(ctx, "test", recs[0])).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_FOUND)
	_, err = client.One[testRecord](c.Insert(ctx, "test", recs[0])).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_FOUND)

	// Call results decode the same way: one element per returned value.
	type pair struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		N        int
		S        string
	}
	pairs, err := client.Tuples[pair](c.Call(ctx, "tuple_of", 3, "x")).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []pair{{N: 3, S: "x"}}, pairs)
	strs, err := client.Tuples[string](c.Call(ctx, "echo", "a", "b")).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, strs)
}

func TestDecodeUUIDAndDecimal(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	uuids := []string{
		"00000000-0000-0000-0000-000000000000",
		"11111111-2222-3333-4444-555555555555",
		"f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
	}
	for _, s := range uuids {
		want, err := protocol.ParseUUID(s)
		require.NoError(t, err)
		// Server-made UUID decodes to the same value.
		require.Equal(t, []any{want}, awaitValues(t, c.Call(ctx, "uuid_of", s)))
		typed, err := client.Tuples[protocol.UUID](c.Call(ctx, "uuid_of", s)).Await(ctx)
		require.NoError(t, err)
		require.Equal(t, []protocol.UUID{want}, typed)
		// A client-made UUID is a UUID to the server.
		require.Equal(t, []any{true, s}, awaitValues(t, c.Eval(ctx,
			"local u = ... return require('uuid').fromstr(tostring(u)) == u, tostring(u)", want)))
		// And round trips through it.
		require.Equal(t, []any{want}, awaitValues(t, c.Call(ctx, "echo", want)))
	}

	decimals := []string{"0", "1", "-1", "1.10", "-12.345", "0.001", "123456789012345678901234567890.12345678",
		"99999999999999999999999999999999999999", "-0.00000000000000000000000000000000000001"}
	for _, s := range decimals {
		want := protocol.MustParseDecimal(s)
		values := awaitValues(t, c.Call(ctx, "decimal_of", s))
		require.Len(t, values, 1)
		got, ok := values[0].(protocol.Decimal)
		require.True(t, ok, "decimal_of(%s) is %T", s, values[0])
		require.Equal(t, s, got.String())
		require.Equal(t, want, got, s)
		typed, err := client.Tuples[protocol.Decimal](c.Call(ctx, "decimal_of", s)).Await(ctx)
		require.NoError(t, err)
		require.Equal(t, []protocol.Decimal{want}, typed)
		printed := awaitValues(t, c.Eval(ctx,
			"local d = ... return d == require('decimal').new(tostring(d)), tostring(d)", want))
		require.Equal(t, true, printed[0], s)
		if !serverAtLeast(t, "3.0") {
			// 3.x prints some in exponent form ("-1E-38"); any form
			// reads back equal, as printed[0] checks.
			require.Equal(t, s, printed[1])
		}
		require.Equal(t, []any{want}, awaitValues(t, c.Call(ctx, "echo", want)))
	}
	// Server-side arithmetic on a client-made decimal.
	require.Equal(t, []any{protocol.MustParseDecimal("24.690")},
		awaitValues(t, c.Eval(ctx, "local d = ... return d * 2", protocol.MustParseDecimal("12.345"))))

	// Stored in a tuple, read back as typed fields and as generic values.
	type extRow struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		ID       uint64
		Name     string
		U        protocol.UUID
		D        protocol.Decimal
		Us       []protocol.UUID
	}
	k := keyBlock()
	u1, err := protocol.ParseUUID(uuids[2])
	require.NoError(t, err)
	u2, err := protocol.ParseUUID(uuids[1])
	require.NoError(t, err)
	row := extRow{ID: k, Name: "ext", U: u1, D: protocol.MustParseDecimal("-12.345"), Us: []protocol.UUID{u2, u1}}
	_, err = c.Insert(ctx, "test", row).Await(ctx)
	require.NoError(t, err)
	got, err := client.One[extRow](c.Select(ctx, "test", nil, k)).Await(ctx)
	require.NoError(t, err)
	require.True(t, got.Found)
	require.Equal(t, row, got.Value)
	require.Equal(t, []any{[]any{int64(k), "ext", u1, protocol.MustParseDecimal("-12.345"), []any{u2, u1}}},
		awaitValues(t, c.Select(ctx, "test", nil, k)))
	// The server sees real uuid and decimal fields.
	require.Equal(t, []any{"cdata", "cdata", uuids[2], "-12.345"}, awaitValues(t, c.Eval(ctx,
		"local t = box.space.test:get(...) return type(t[3]), type(t[4]), tostring(t[3]), tostring(t[4])", k)))

	// Also given as []any, not a struct.
	_, err = c.Replace(ctx, "test", []any{k + 1, "ext2", u2, protocol.MustParseDecimal("0.5")}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(k + 1), "ext2", u2, protocol.MustParseDecimal("0.5")}},
		awaitValues(t, c.Select(ctx, "test", nil, k+1)))
}

// Not parallel: creates a space (a schema change).
func TestDecodeUUIDAndDecimalKeys(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	name := uniqueName("dec_keys")
	createSpace(t, c, name, `s:format({{name = 'u', type = 'uuid'}, {name = 'd', type = 'decimal'}})
s:create_index('primary', {parts = {1, 'uuid'}})
s:create_index('by_d', {parts = {2, 'decimal'}, unique = false})`)

	u1, err := protocol.ParseUUID("11111111-2222-3333-4444-555555555555")
	require.NoError(t, err)
	u2, err := protocol.ParseUUID("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
	require.NoError(t, err)
	d1, d2 := protocol.MustParseDecimal("1.5"), protocol.MustParseDecimal("-3")
	for _, tuple := range [][]any{{u1, d1}, {u2, d2}} {
		_, err := c.Insert(ctx, name, tuple).Await(ctx)
		require.NoError(t, err)
	}

	// A UUID or Decimal given alone is a one-part key.
	require.Equal(t, []any{[]any{u2, d2}}, awaitValues(t, c.Select(ctx, name, nil, u2)))
	require.Equal(t, []any{[]any{u1, d1}}, awaitValues(t, c.Select(ctx, name, "by_d", d1)))
	require.Equal(t, []any{[]any{u1, d1}}, awaitValues(t, c.Select(ctx, name, "by_d", []any{protocol.MustParseDecimal("1.50")})),
		"decimals compare by value")
	require.Equal(t, []any{[]any{u2, d2}, []any{u1, d1}}, awaitValues(t, c.Select(ctx, name, "by_d", nil, client.Iterator(iproto.ITER_ALL))))
	require.Equal(t, []any{[]any{u1, d1}}, awaitValues(t, c.Delete(ctx, name, nil, u1)))
	require.Empty(t, awaitValues(t, c.Select(ctx, name, nil, u1)))
}

// TestDecodeErrorValue decodes an error object returned (not raised) by a
// function: MP_ERROR, with its cause chain.
func TestDecodeErrorValue(t *testing.T) {
	t.Parallel()
	// get_errors_as_ext changes the session's settings: use a connection
	// of its own.
	c := dialShared(t)
	ctx := testContext(t)

	values := awaitValues(t, c.Call(ctx, "get_errors_as_ext"))
	require.Len(t, values, 1)
	serr, ok := values[0].(*client.ServerError)
	if !ok && serverAtLeast(t, "2.10") {
		// 2.10+ sends MP_ERROR only to a client that announced the
		// error_extension feature (IPROTO_ID); without it, the error as text.
		require.IsType(t, "", values[0])
		require.Contains(t, values[0], "outer error")
		return
	}
	require.True(t, ok, "value is %T", values[0])
	require.Equal(t, iproto.ER_ILLEGAL_PARAMS, serr.Code)
	require.Contains(t, serr.Message, "outer error")
	require.Len(t, serr.Stack, 2)
	require.Equal(t, uint64(iproto.ER_ILLEGAL_PARAMS), serr.Stack[0].Code)
	require.Equal(t, illegalParamsType(t), serr.Stack[0].Type)
	require.Equal(t, uint64(999), serr.Stack[1].Code)
	require.Equal(t, "inner cause", serr.Stack[1].Message)

}

// TestDecodeLargeStrings decodes strings from 300 bytes to 1 MiB returned
// by the server into a *string, a struct and a slice of structs (the
// large ones share the response's memory instead of being copied, see
// Response.Decode), and checks that they stay intact after Release and a
// garbage collection, while other responses reuse the released records.
func TestDecodeLargeStrings(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	type pair struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		N        int
		S        string
	}
	var kept []string
	var want []string
	for _, n := range []int{300, 3000, 70 << 10, 1 << 20} {
		resp, err := c.Eval(ctx, "local n = ... return string.rep('s', n), {n, string.rep('t', n)}", n).Await(ctx)
		require.NoError(t, err)
		var s string
		found, err := resp.First(&s)
		require.NoError(t, err)
		require.True(t, found)
		var rows []any
		require.NoError(t, resp.Decode(&rows))
		resp.Release()
		kept = append(kept, s)
		want = append(want, strings.Repeat("s", n))

		resp, err = c.Eval(ctx, "local n = ... return {n, string.rep('t', n)}", n).Await(ctx)
		require.NoError(t, err)
		var p pair
		_, err = resp.First(&p)
		require.NoError(t, err)
		var ps []pair
		require.NoError(t, resp.Decode(&ps))
		resp.Release()
		require.Len(t, ps, 1)
		kept = append(kept, p.S, ps[0].S)
		want = append(want, strings.Repeat("t", n), strings.Repeat("t", n))
	}
	for range 50 { // reuse the released records
		resp, err := c.Eval(ctx, "return string.rep('z', 5000)").Await(ctx)
		require.NoError(t, err)
		resp.Release()
	}
	runtime.GC()
	for i := range kept {
		require.True(t, kept[i] == want[i], "string %d (%d bytes) changed", i, len(want[i]))
	}
}
