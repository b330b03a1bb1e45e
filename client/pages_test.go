package client_test

// Select pagination (Tarantool 2.10+): After, AfterTuple, FetchPos,
// Response.Position and Pages, against a fake 2.10+ server answering from
// an in-memory list and, when the harness's server is 2.10 or later,
// against the real one; the typed refusal against a real pre-2.10 server
// and a fake that does not announce the feature.

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// pagesSpace is the space id the fake serves rows on.
const pagesSpace = 512

// pagesRows are the fake's rows: [1, "v1"] ... [10, "v10"].
func pagesRows() [][]any {
	rows := make([][]any, 10)
	for i := range rows {
		rows[i] = []any{uint64(i + 1), "v" + string(rune('0'+i+1))}
	}
	return rows
}

// paginationAnnounce is a 2.10+ server announcing pagination.
var paginationAnnounce = protocol.ID{Version: 4, Features: []iproto.Feature{iproto.IPROTO_FEATURE_PAGINATION}}

// pagingFake starts a fake 2.10+ server announcing announce and serving
// pagesRows on pagesSpace, and dials it.
func pagingFake(t *testing.T, announce protocol.ID) *client.Client {
	t.Helper()
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		c.ServeRows(pagesSpace, pagesRows())
		return fakeiproto.Modern(announce)(c)
	})
	return dialFake(t, srv)
}

// pageKeys returns the first fields of the tuples of a select response.
func pageKeys(t *testing.T, r *client.Response) []uint64 {
	t.Helper()
	var tuples []idNameTuple
	require.NoError(t, r.Decode(&tuples))
	keys := make([]uint64, len(tuples))
	for i, tu := range tuples {
		keys[i] = tu.ID
	}
	return keys
}

// checkPaging runs the pagination checks on c, whose space holds the keys
// 1..10 on its primary index (a fake, or a real 2.10+ server).
func checkPaging(t *testing.T, c client.Conn, space any) {
	ctx := testContext(t)
	sel := func(opts ...client.SelectOption) *client.Response {
		t.Helper()
		opts = append([]client.SelectOption{client.Iterator(iproto.ITER_ALL)}, opts...)
		r, err := c.Select(ctx, space, 0, nil, opts...).Await(ctx)
		require.NoError(t, err)
		return r
	}

	// Without FetchPos the server sends no position.
	r := sel(client.Limit(3))
	require.Equal(t, []uint64{1, 2, 3}, pageKeys(t, r))
	_, ok := r.Position()
	require.False(t, ok)

	// Positions chain the pages.
	r = sel(client.Limit(3), client.FetchPos())
	require.Equal(t, []uint64{1, 2, 3}, pageKeys(t, r))
	pos, ok := r.Position()
	require.True(t, ok)
	require.NotEmpty(t, pos)
	r = sel(client.Limit(3), client.FetchPos(), client.After(pos))
	require.Equal(t, []uint64{4, 5, 6}, pageKeys(t, r))

	// After a tuple; then the last, short page has a position, and after
	// it the page is empty and has none.
	r = sel(client.Limit(3), client.AfterTuple([]any{uint64(6)}))
	require.Equal(t, []uint64{7, 8, 9}, pageKeys(t, r))
	r = sel(client.Limit(3), client.FetchPos(), client.AfterTuple([]any{uint64(9)}))
	require.Equal(t, []uint64{10}, pageKeys(t, r))
	pos, ok = r.Position()
	require.True(t, ok)
	r = sel(client.Limit(3), client.FetchPos(), client.After(pos))
	require.Empty(t, pageKeys(t, r))
	_, ok = r.Position()
	require.False(t, ok, "no position for an empty page")

	// Pages walks the whole index: sizes that divide 10 or not, and one
	// starting after a tuple.
	for _, tc := range []struct {
		size  uint32
		opts  []client.SelectOption
		pages [][]uint64
	}{
		{3, nil, [][]uint64{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10}}},
		{5, nil, [][]uint64{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}}},
		{20, nil, [][]uint64{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}},
		{4, []client.SelectOption{client.AfterTuple([]any{uint64(3)})}, [][]uint64{{4, 5, 6, 7}, {8, 9, 10}}},
	} {
		opts := append([]client.SelectOption{client.Iterator(iproto.ITER_ALL)}, tc.opts...)
		var got [][]uint64
		p := client.Pages(ctx, c, space, 0, nil, tc.size, opts...)
		for p.Next() {
			got = append(got, pageKeys(t, p.Page()))
		}
		require.NoError(t, p.Err())
		require.Nil(t, p.Page())
		require.False(t, p.Next(), "stays ended")
		require.Equal(t, tc.pages, got, "page size %d", tc.size)
	}
}

func TestPaginationFake(t *testing.T) {
	checkPaging(t, pagingFake(t, paginationAnnounce), uint32(pagesSpace))
}

// TestPaginationReal: the same checks against a real 2.10+ server.
func TestPaginationReal(t *testing.T) {
	requireServer(t)
	tarantooltest.RequireVersion(t, "2.10")
	c := dialShared(t)
	name := uniqueName("pages")
	createSpace(t, c, name, `s:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}})
for i = 1, 10 do s:insert{i, 'v' .. i} end`)
	checkPaging(t, c, name)
}

// TestPagerStops: a Pager stops at the first error (a zero page size, a
// context that ended) and reports it.
func TestPagerStops(t *testing.T) {
	c := pagingFake(t, paginationAnnounce)
	p := client.Pages(testContext(t), c, uint32(pagesSpace), 0, nil, 0)
	require.False(t, p.Next())
	var argErr *client.ArgumentError
	require.ErrorAs(t, p.Err(), &argErr)
	require.Equal(t, "pageSize", argErr.Arg)

	ctx, cancel := context.WithCancel(testContext(t))
	p = client.Pages(ctx, c, uint32(pagesSpace), 0, nil, 3, client.Iterator(iproto.ITER_ALL))
	require.True(t, p.Next())
	cancel()
	require.False(t, p.Next())
	require.ErrorIs(t, p.Err(), context.Canceled)
	require.False(t, p.Next())
}

// requireNoPagination checks that a paginated select on c fails at once
// with a *FeatureError naming the pagination feature, and that the
// connection still serves.
func requireNoPagination(t *testing.T, c *client.Client, space any) {
	t.Helper()
	ctx := testContext(t)
	for _, opt := range []client.SelectOption{client.FetchPos(), client.After([]byte("x")), client.AfterTuple([]any{1})} {
		_, err := c.Select(ctx, space, 0, nil, client.Limit(1), opt).Await(ctx)
		var fe *client.FeatureError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_PAGINATION}, fe.Missing)
		require.Equal(t, c.ServerInfo(), fe.Server)
	}
	p := client.Pages(ctx, c, space, 0, nil, 3)
	require.False(t, p.Next())
	var fe *client.FeatureError
	require.True(t, errors.As(p.Err(), &fe))
	// The connection is fine; a plain select is sent.
	_, err := c.Select(ctx, space, 0, nil, client.Iterator(iproto.ITER_ALL), client.Limit(1)).Await(ctx)
	require.NoError(t, err)
}

// TestPaginationNotSupportedFake: a 2.10+ server that does not announce
// pagination is never sent a paginated select (the fake would answer it).
func TestPaginationNotSupportedFake(t *testing.T) {
	requireNoPagination(t, pagingFake(t, protocol.ID{Version: 3}), uint32(pagesSpace))
}

// TestPaginationNotSupportedReal: a real server before 2.10 (which would
// ignore the keys and answer the first page) is never sent one.
func TestPaginationNotSupportedReal(t *testing.T) {
	requireServer(t)
	if tarantooltest.AtLeast(t, "2.10") {
		t.Skipf("needs a server before 2.10, without pagination; the server is %s (TestPaginationReal covers it)", tarantooltest.ServerVersion(t).Raw)
	}
	requireNoPagination(t, dialShared(t), "test")
}
