package client_test

// Integration tests of Select: iterators, offset and limit, multi-part keys
// on a non-unique index, spaces and indexes by name and by number, key
// shapes. The iterator tests use a space of their own, so that ALL and
// range scans see exactly the tuples they inserted.

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// treeRow is one tuple of a 'tree'-shaped space.
type treeRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Age      uint64
}

// nameAgeKey is a two-part key of by_name_age given as an as_array struct.
type nameAgeKey struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	Name     string
	Age      uint64
}

// selectedIDs awaits a select and returns the ids of its tuples, in order.
func selectedIDs(t *testing.T, f *future.Future[*client.Response]) []uint64 {
	t.Helper()
	rows, err := client.Tuples[treeRow](f).Await(testContext(t))
	require.NoError(t, err)
	ids := make([]uint64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// Not parallel: creates a space (a schema change).
func TestSelectIterators(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	name := uniqueName("sel_iter")
	spaceID := createSpace(t, c, name, treeSpaceSetup)

	rows := []treeRow{
		{ID: 1, Name: "ann", Age: 30},
		{ID: 2, Name: "bob", Age: 25},
		{ID: 3, Name: "ann", Age: 25},
		{ID: 4, Name: "cat", Age: 40},
		{ID: 5, Name: "bob", Age: 25},
		{ID: 6, Name: "ann", Age: 35},
		{ID: 7, Name: "dan", Age: 20},
		{ID: 8, Name: "bob", Age: 30},
	}
	for _, r := range rows {
		// Structs encode as arrays; the new space is found by name at once.
		_, err := c.Insert(ctx, name, r).Await(ctx)
		require.NoError(t, err)
	}

	all := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	it := client.Iterator
	cases := []struct {
		name  string
		index any
		key   any
		opts  []client.SelectOption
		want  []uint64
	}{
		{"default is EQ", nil, 3, nil, []uint64{3}},
		{"EQ missing", "primary", 42, nil, []uint64{}},
		{"EQ", "primary", 3, []client.SelectOption{it(iproto.ITER_EQ)}, []uint64{3}},
		{"REQ unique", "primary", 3, []client.SelectOption{it(iproto.ITER_REQ)}, []uint64{3}},
		{"GE", "primary", 6, []client.SelectOption{it(iproto.ITER_GE)}, []uint64{6, 7, 8}},
		{"GT", "primary", 6, []client.SelectOption{it(iproto.ITER_GT)}, []uint64{7, 8}},
		{"LT", "primary", 3, []client.SelectOption{it(iproto.ITER_LT)}, []uint64{2, 1}},
		{"LE", "primary", 3, []client.SelectOption{it(iproto.ITER_LE)}, []uint64{3, 2, 1}},
		{"ALL", "primary", nil, []client.SelectOption{it(iproto.ITER_ALL)}, all},
		{"empty key EQ is all", nil, nil, nil, all},
		{"empty slice key is all", nil, []any{}, nil, all},
		{"empty key LT is all reversed", nil, []any{}, []client.SelectOption{it(iproto.ITER_LT)}, []uint64{8, 7, 6, 5, 4, 3, 2, 1}},
		{"limit", nil, nil, []client.SelectOption{client.Limit(3)}, []uint64{1, 2, 3}},
		{"offset", nil, nil, []client.SelectOption{client.Offset(5)}, []uint64{6, 7, 8}},
		{"offset and limit", nil, nil, []client.SelectOption{client.Offset(2), client.Limit(3)}, []uint64{3, 4, 5}},
		{"limit zero", nil, nil, []client.SelectOption{client.Limit(0)}, []uint64{}},
		{"offset past the end", nil, nil, []client.SelectOption{client.Offset(100)}, []uint64{}},
		{"GE with limit", "primary", 2, []client.SelectOption{it(iproto.ITER_GE), client.Limit(2)}, []uint64{2, 3}},
		{"LT with offset", "primary", 8, []client.SelectOption{it(iproto.ITER_LT), client.Offset(1), client.Limit(2)}, []uint64{6, 5}},
		{"last option wins", nil, nil, []client.SelectOption{client.Limit(1), client.Limit(2)}, []uint64{1, 2}},

		// The non-unique two-part index by_name_age: tuples with equal
		// keys come in primary key order.
		{"partial key", "by_name_age", "ann", nil, []uint64{3, 1, 6}},
		{"partial key as slice", "by_name_age", []string{"ann"}, nil, []uint64{3, 1, 6}},
		{"full key", "by_name_age", []any{"bob", 25}, nil, []uint64{2, 5}},
		{"full key as struct", "by_name_age", nameAgeKey{Name: "bob", Age: 25}, nil, []uint64{2, 5}},
		{"full key REQ", "by_name_age", []any{"bob", 25}, []client.SelectOption{it(iproto.ITER_REQ)}, []uint64{5, 2}},
		{"partial key REQ", "by_name_age", "ann", []client.SelectOption{it(iproto.ITER_REQ)}, []uint64{6, 1, 3}},
		{"partial key with limit", "by_name_age", "bob", []client.SelectOption{client.Limit(2)}, []uint64{2, 5}},
		{"partial key with offset", "by_name_age", "bob", []client.SelectOption{client.Offset(2)}, []uint64{8}},
		{"GE two parts", "by_name_age", []any{"bob", 26}, []client.SelectOption{it(iproto.ITER_GE)}, []uint64{8, 4, 7}},
		{"GT partial", "by_name_age", "bob", []client.SelectOption{it(iproto.ITER_GT)}, []uint64{4, 7}},
		{"LT partial", "by_name_age", "bob", []client.SelectOption{it(iproto.ITER_LT)}, []uint64{6, 1, 3}},
		{"LE two parts", "by_name_age", []any{"ann", 30}, []client.SelectOption{it(iproto.ITER_LE)}, []uint64{1, 3}},
		{"ALL on secondary", "by_name_age", nil, []client.SelectOption{it(iproto.ITER_ALL)}, []uint64{3, 1, 6, 2, 5, 8, 4, 7}},
		{"secondary by number", 1, []any{"cat", 40}, nil, []uint64{4}},
		{"EQ no match", "by_name_age", []any{"ann", 31}, nil, []uint64{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, selectedIDs(t, c.Select(ctx, name, tc.index, tc.key, tc.opts...)), "by space name")
			require.Equal(t, tc.want, selectedIDs(t, c.Select(ctx, spaceID, tc.index, tc.key, tc.opts...)), "by space number")
		})
	}

	t.Run("whole tuples", func(t *testing.T) {
		got, err := client.Tuples[treeRow](c.Select(ctx, name, "by_name_age", []any{"dan"})).Await(ctx)
		require.NoError(t, err)
		require.Equal(t, []treeRow{{ID: 7, Name: "dan", Age: 20}}, got)
		values := awaitValues(t, c.Select(ctx, name, nil, nil, client.Limit(2)))
		require.Equal(t, []any{[]any{int64(1), "ann", int64(30)}, []any{int64(2), "bob", int64(25)}}, values)
	})

	t.Run("server errors", func(t *testing.T) {
		// A key with more parts than the index.
		_, err := c.Select(ctx, name, "primary", []any{1, 2}).Await(ctx)
		requireServerError(t, err, iproto.ER_KEY_PART_COUNT)
		// A key of the wrong type.
		_, err = c.Select(ctx, name, "primary", "one").Await(ctx)
		requireServerError(t, err, iproto.ER_KEY_PART_TYPE)
		// An index number the space does not have.
		_, err = c.Select(ctx, name, 7, nil).Await(ctx)
		requireServerError(t, err, iproto.ER_NO_SUCH_INDEX_ID)
		// A space number that does not exist.
		_, err = c.Select(ctx, 4_000_000, 0, nil).Await(ctx)
		requireServerError(t, err, iproto.ER_NO_SUCH_SPACE)
		// REQ on a HASH index is not supported.
		_, err = c.Select(ctx, "test", "primary", 1, client.Iterator(iproto.ITER_REQ)).Await(ctx)
		require.Error(t, err)
		var serr *client.ServerError
		require.ErrorAs(t, err, &serr)
		require.Contains(t, serr.Message, "iterator")
		// The connection keeps serving.
		require.Equal(t, []uint64{1}, selectedIDs(t, c.Select(ctx, name, nil, 1)))
	})
}

// TestSelectSharedSpaces selects from the shared 'test' and 'tree' spaces
// by name and by number, with keys of every shape, among other tests'
// tuples.
func TestSelectSharedSpaces(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	who := "sel-" + uniqueName("who") // a name no other test uses

	for i := uint64(0); i < 5; i++ {
		_, err := c.Insert(ctx, "tree", []any{k + i, who, 10 + i%2}).Await(ctx)
		require.NoError(t, err)
		_, err = c.Insert(ctx, "test", []any{k + i, who}).Await(ctx)
		require.NoError(t, err)
	}

	// Scalar key vs one-element slice key, every space/index spelling.
	for _, space := range []any{"tree", 513, uint32(513), int64(513), uint16(513)} {
		for _, index := range []any{nil, "primary", 0, uint16(0)} {
			require.Equal(t, []uint64{k + 2}, selectedIDs(t, c.Select(ctx, space, index, k+2)), "%v %v", space, index)
			require.Equal(t, []uint64{k + 2}, selectedIDs(t, c.Select(ctx, space, index, []uint64{k + 2})), "%v %v", space, index)
			require.Equal(t, []uint64{k + 2}, selectedIDs(t, c.Select(ctx, space, index, []any{k + 2})), "%v %v", space, index)
		}
		for _, index := range []any{"by_name_age", 1, int8(1)} {
			require.Equal(t, []uint64{k, k + 2, k + 4}, selectedIDs(t, c.Select(ctx, space, index, []any{who, 10})), "%v %v", space, index)
			require.Equal(t, []uint64{k, k + 2, k + 4, k + 1, k + 3}, selectedIDs(t, c.Select(ctx, space, index, who)), "%v %v", space, index)
		}
	}

	// A range on the primary key stays within this test's block.
	require.Equal(t, []uint64{k + 1, k + 2, k + 3},
		selectedIDs(t, c.Select(ctx, "tree", nil, k+1, client.Iterator(iproto.ITER_GE), client.Limit(3))))
	require.Equal(t, []uint64{k + 3, k + 2},
		selectedIDs(t, c.Select(ctx, "tree", nil, k+4, client.Iterator(iproto.ITER_LT), client.Limit(2))))

	// The HASH space: EQ by name and by number.
	values := awaitValues(t, c.Select(ctx, "test", "primary", k+3))
	require.Equal(t, []any{[]any{int64(k + 3), who}}, values)
	values = awaitValues(t, c.Select(ctx, 512, 0, []int64{int64(k + 3)}))
	require.Equal(t, []any{[]any{int64(k + 3), who}}, values)
	require.Empty(t, awaitValues(t, c.Select(ctx, "test", nil, k+9)))
}
