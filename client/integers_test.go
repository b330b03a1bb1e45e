package client_test

// Integration tests of integer encoding against the real server. The
// client sends every Go integer in its most compact MessagePack form, so a
// value means the same to Tarantool whatever Go type carried it. Tarantool
// 2.6 needs that: it refuses an int64-encoded 5 (0xd3 ...) for an
// 'unsigned' field.

import (
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
)

// intVariants returns v (an int64 or a uint64) as every Go integer type
// that can hold it.
func intVariants(v any) []any {
	var out []any
	switch v := v.(type) {
	case int64:
		if v >= math.MinInt8 && v <= math.MaxInt8 {
			out = append(out, int8(v))
		}
		if v >= math.MinInt16 && v <= math.MaxInt16 {
			out = append(out, int16(v))
		}
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			out = append(out, int32(v))
		}
		out = append(out, int(v), v)
		if v >= 0 {
			out = append(out, intVariants(uint64(v))...)
		}
	case uint64:
		if v <= math.MaxUint8 {
			out = append(out, uint8(v))
		}
		if v <= math.MaxUint16 {
			out = append(out, uint16(v))
		}
		if v <= math.MaxUint32 {
			out = append(out, uint32(v))
		}
		out = append(out, uint(v), v)
	}
	return out
}

// Not parallel: creates a space (a schema change).
func TestIntegersUnsignedField(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	name := uniqueName("ints_unsigned")
	createSpace(t, c, name, `s:format({{name = 'id', type = 'unsigned'}, {name = 'n', type = 'unsigned', is_nullable = true}})
s:create_index('primary', {type = 'hash', parts = {1, 'unsigned'}})
s:create_index('by_n', {type = 'tree', parts = {2, 'unsigned'}, unique = false})`)

	// Inserted as a Go int; found with a key of every integer type, as a
	// scalar or inside a slice.
	_, err := c.Insert(ctx, name, []any{5, 50}).Await(ctx)
	require.NoError(t, err)
	want := []any{[]any{int64(5), int64(50)}}
	for _, key := range intVariants(int64(5)) {
		require.Equal(t, want, awaitValues(t, c.Select(ctx, name, nil, key)), "key %T", key)
		require.Equal(t, want, awaitValues(t, c.Select(ctx, name, nil, []any{key})), "key []any{%T}", key)
		// A duplicate is a duplicate whatever its Go type.
		_, err := c.Insert(ctx, name, []any{key, 51}).Await(ctx)
		requireServerError(t, err, iproto.ER_TUPLE_FOUND)
	}
	for _, key := range []any{[]int{5}, []int64{5}, []uint64{5}, []int8{5}, []uint32{5}, [1]uint16{5}} {
		require.Equal(t, want, awaitValues(t, c.Select(ctx, name, nil, key)), "key %T", key)
	}

	// Every Go integer type is accepted by an 'unsigned' field, also the
	// signed ones (an int64 encoded as 0xd3 would be refused).
	for i, id := range []any{int8(10), int16(11), int32(12), int64(13), int(14), uint8(15), uint16(16), uint32(17), uint64(18), uint(19)} {
		n := intVariants(int64(1000 + 10*i))
		resp, err := c.Insert(ctx, name, []any{id, n[len(n)-1]}).Await(ctx)
		require.NoError(t, err, "%T", id)
		var got any
		found, err := resp.First(&got)
		require.NoError(t, err)
		require.True(t, found)
		require.Equal(t, []any{int64(10 + i), int64(1000 + 10*i)}, got, "%T", id)
		// Found through the secondary index with another type.
		require.Equal(t, []any{got}, awaitValues(t, c.Select(ctx, name, "by_n", int16(1000+10*i))))
		// Updated with an operand of yet another type.
		require.Equal(t, []any{[]any{int64(10 + i), int64(1001 + 10*i)}},
			awaitValues(t, c.Update(ctx, name, nil, uint64(10+i), []protocol.Op{protocol.OpAdd(1, int8(1))})))
	}

	// The unsigned range ends at MaxUint64.
	maxU := []any{[]any{uint64(math.MaxUint64), uint64(math.MaxUint64)}}
	require.Equal(t, maxU, awaitValues(t, c.Insert(ctx, name, []any{uint64(math.MaxUint64), uint(math.MaxUint64)})))
	require.Equal(t, maxU, awaitValues(t, c.Select(ctx, name, nil, uint(math.MaxUint64))))
	require.Equal(t, maxU, awaitValues(t, c.Select(ctx, name, "by_n", uint64(math.MaxUint64))))
	_, err = c.Insert(ctx, name, []any{-1, 1}).Await(ctx)
	requireServerError(t, err, iproto.ER_FIELD_TYPE)
	_, err = c.Insert(ctx, name, []any{int64(math.MinInt64), 1}).Await(ctx)
	requireServerError(t, err, iproto.ER_FIELD_TYPE)
}

// Not parallel: creates a space (a schema change).
func TestIntegersBoundaries(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	name := uniqueName("ints_integer")
	// Shaped like the shared 'ints' space: a TREE primary key of type
	// 'integer', which takes [MinInt64, MaxUint64].
	createSpace(t, c, name, `s:format({{name = 'id', type = 'integer'}})
s:create_index('primary', {type = 'tree', parts = {1, 'integer'}})`)

	values := []any{
		int64(0), int64(1), int64(127), int64(128), int64(255), int64(256),
		int64(math.MaxInt16), int64(math.MaxInt16 + 1), int64(65535), int64(65536),
		int64(math.MaxInt32), int64(math.MaxInt32 + 1), int64(1<<32 - 1), int64(1 << 32),
		int64(math.MaxInt64), uint64(1 << 63), uint64(math.MaxUint64),
		int64(-1), int64(-32), int64(-33), int64(math.MinInt8), int64(-129),
		int64(math.MinInt16), int64(math.MinInt16 - 1), int64(math.MinInt32), int64(math.MinInt32 - 1),
		int64(math.MinInt64 + 1), int64(math.MinInt64),
	}
	for i, v := range values {
		variants := intVariants(v)
		// Insert with one type (a different one for each value) ...
		ins := variants[i%len(variants)]
		require.Equal(t, []any{[]any{v}}, awaitValues(t, c.Insert(ctx, name, []any{ins})), "insert %T(%v)", ins, v)
		for _, key := range variants {
			// ... select with every other ...
			require.Equal(t, []any{[]any{v}}, awaitValues(t, c.Select(ctx, name, nil, key)), "select %T(%v)", key, v)
			// ... and the unique index refuses it again in any type.
			_, err := c.Insert(ctx, name, []any{key}).Await(ctx)
			requireServerError(t, err, iproto.ER_TUPLE_FOUND)
		}
	}

	// Typed decoding of the extremes.
	type signed struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		V        int64
	}
	type unsigned struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		V        uint64
	}
	lo, err := client.One[signed](c.Select(ctx, name, nil, int64(math.MinInt64))).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, signed{V: math.MinInt64}, lo.Value)
	hi, err := client.One[unsigned](c.Select(ctx, name, nil, uint64(math.MaxUint64))).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, unsigned{V: math.MaxUint64}, hi.Value)
	minusOne, err := client.One[signed](c.Select(ctx, name, nil, int8(-1))).Await(ctx)
	require.NoError(t, err)
	require.True(t, minusOne.Found)
	require.Equal(t, int64(-1), minusOne.Value.V)

	// The index orders them numerically, negative before unsigned.
	sorted := append([]any(nil), values...)
	sort.Slice(sorted, func(i, j int) bool { return intLess(sorted[i], sorted[j]) })
	var want []any
	for _, v := range sorted {
		want = append(want, []any{v})
	}
	require.Equal(t, want, awaitValues(t, c.Select(ctx, name, nil, nil, client.Iterator(iproto.ITER_ALL))))

	// Range scans from keys of small types.
	negatives := 0
	for _, v := range values {
		if n, ok := v.(int64); ok && n < 0 {
			negatives++
		}
	}
	require.Equal(t, want[negatives:], awaitValues(t, c.Select(ctx, name, nil, uint8(0), client.Iterator(iproto.ITER_GE))))
	require.Equal(t, want[negatives-1:], awaitValues(t, c.Select(ctx, name, nil, int8(-1), client.Iterator(iproto.ITER_GE))))
	require.Equal(t, []any{[]any{int64(-1)}, []any{int64(-32)}},
		awaitValues(t, c.Select(ctx, name, nil, uint16(0), client.Iterator(iproto.ITER_LT), client.Limit(2))))
	require.Equal(t, []any{[]any{uint64(math.MaxUint64)}, []any{uint64(1 << 63)}},
		awaitValues(t, c.Select(ctx, name, nil, uint64(math.MaxUint64), client.Iterator(iproto.ITER_LE), client.Limit(2))))
	require.Equal(t, []any{[]any{uint64(1 << 63)}},
		awaitValues(t, c.Select(ctx, name, nil, int64(math.MaxInt64), client.Iterator(iproto.ITER_GT), client.Limit(1))))

	// Update arithmetic crosses the int64/uint64 boundary both ways.
	require.Equal(t, []any{[]any{int64(0), uint64(1 << 63)}},
		awaitValues(t, c.Update(ctx, name, nil, 0, []protocol.Op{protocol.OpAssign(1, int64(math.MaxInt64)), protocol.OpAdd(1, uint8(1))})))
	require.Equal(t, []any{[]any{int64(0), int64(-1)}},
		awaitValues(t, c.Update(ctx, name, nil, uint32(0), []protocol.Op{protocol.OpSub(1, uint64(1<<63)+1)})))
}

// intLess orders int64 and uint64 values numerically.
func intLess(a, b any) bool {
	ai, aSigned := a.(int64)
	bi, bSigned := b.(int64)
	switch {
	case aSigned && bSigned:
		return ai < bi
	case aSigned: // b is a uint64 above MaxInt64
		return true
	case bSigned:
		return false
	}
	return a.(uint64) < b.(uint64)
}

// TestIntegersSharedSpace uses the shared 'ints' space with keys of this
// test's own, positive and negative.
func TestIntegersSharedSpace(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := int64(keyBlock())

	for _, v := range []any{k, uint64(k + 1), -k, int(-k - 1)} {
		_, err := c.Insert(ctx, "ints", []any{v}).Await(ctx)
		require.NoError(t, err, "%T(%v)", v, v)
	}
	require.Equal(t, []any{[]any{k}, []any{k + 1}},
		awaitValues(t, c.Select(ctx, 515, 0, uint64(k), client.Iterator(iproto.ITER_GE), client.Limit(2))))
	require.Equal(t, []any{[]any{-k}, []any{-k - 1}},
		awaitValues(t, c.Select(ctx, "ints", "primary", -k, client.Iterator(iproto.ITER_LE), client.Limit(2))))
	require.Equal(t, []any{[]any{-k - 1}}, awaitValues(t, c.Select(ctx, "ints", nil, int64(-k-1))))
	_, err := c.Insert(ctx, "ints", []any{uint64(k)}).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_FOUND)
	_, err = c.Insert(ctx, "ints", []any{int(-k)}).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_FOUND)
}
