package client_test

// Integration tests of the schema: names resolve to numbers; an unknown
// name fails before anything is sent; spaces and indexes created after
// connecting are found by name at once; a request sent with a stale schema
// version is retried after ER_WRONG_SCHEMA_VERSION, against the new ids.
//
// Tests that change the schema do not call t.Parallel: a request of a
// concurrent test could otherwise meet two schema changes in a row, and the
// client retries only once.

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
)

// serverSchemaVersion returns the server's current schema version.
func serverSchemaVersion(t *testing.T, c *client.Client) uint64 {
	t.Helper()
	ctx := testContext(t)
	resp, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	require.NotZero(t, resp.SchemaVersion())
	return resp.SchemaVersion()
}

func TestSchemaNamesResolve(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	s := c.Schema()
	require.NotNil(t, s)
	require.NotZero(t, s.Version)
	require.Greater(t, s.Spaces(), 5)

	test, ok := s.SpaceByName("test")
	require.True(t, ok)
	require.Equal(t, uint32(512), test.ID)
	require.Equal(t, "test", test.Name)
	require.Equal(t, "memtx", test.Engine)
	require.Equal(t, &client.Index{ID: 0, Name: "primary", Type: "HASH", Unique: true}, test.Indexes["primary"])
	require.Same(t, test.Indexes["primary"], test.IndexesByID[0])
	require.Len(t, test.Indexes, 1)

	tree, ok := s.SpaceByID(513)
	require.True(t, ok)
	require.Equal(t, "tree", tree.Name)
	require.Equal(t, &client.Index{ID: 0, Name: "primary", Type: "TREE", Unique: true}, tree.IndexesByID[0])
	require.Equal(t, &client.Index{ID: 1, Name: "by_name_age", Type: "TREE", Unique: false}, tree.Indexes["by_name_age"])

	for name, id := range map[string]uint32{"strkey": 514, "ints": 515, "counters": 516, "_vspace": 281, "_vindex": 289} {
		sp, ok := s.SpaceByName(name)
		require.True(t, ok, name)
		require.Equal(t, id, sp.ID, name)
	}
	sqlTable := sqlName(t, "sqltest")
	sql, ok := s.SpaceByName(sqlTable)
	require.True(t, ok, "SQL names the table %s", sqlTable)
	require.Equal(t, evalValues(t, c, "return box.space[...].id", sqlTable), []any{int64(sql.ID)})
	other := strings.ToUpper(sqlTable)
	if other == sqlTable {
		other = strings.ToLower(sqlTable)
	}
	_, ok = s.SpaceByName(other)
	require.False(t, ok, "names are case-sensitive")
	_, ok = s.SpaceByName("no_such_space")
	require.False(t, ok)
	_, ok = s.SpaceByID(4_000_000)
	require.False(t, ok)

	// A name and its number reach the same tuples.
	k := keyBlock()
	_, err := c.Insert(ctx, "strkey", []any{"schema-" + uniqueName("k")}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Insert(ctx, "tree", []any{k, "n", 1}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, awaitValues(t, c.Select(ctx, 513, 1, []any{"n", 1}, client.Iterator(iproto.ITER_GE), client.Limit(1))),
		awaitValues(t, c.Select(ctx, "tree", "by_name_age", []any{"n", 1}, client.Iterator(iproto.ITER_GE), client.Limit(1))))

	// ReloadSchema installs and returns a new snapshot; concurrent
	// reloads all succeed.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.ReloadSchema(ctx)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	s2, err := c.ReloadSchema(ctx)
	require.NoError(t, err)
	require.Same(t, s2, c.Schema())
	require.NotSame(t, s, s2)
	require.GreaterOrEqual(t, s2.Version, s.Version)
}

func TestSchemaUnknownNamesAreNotSent(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap))
	ctx := testContext(t)
	k := keyBlock()
	const space = "no_such_space_anywhere"

	type attempt struct {
		name  string
		f     func() error
		space any
		index any
	}
	await := func(r *client.Response, err error) error { return err }
	ops := []protocol.Op{protocol.OpAssign(1, "x")}
	attempts := []attempt{
		{"select", func() error { return await(c.Select(ctx, space, nil, k).Await(ctx)) }, space, nil},
		{"insert", func() error { return await(c.Insert(ctx, space, []any{k}).Await(ctx)) }, space, nil},
		{"replace", func() error { return await(c.Replace(ctx, space, []any{k}).Await(ctx)) }, space, nil},
		{"update", func() error { return await(c.Update(ctx, space, nil, k, ops).Await(ctx)) }, space, nil},
		{"upsert", func() error { return await(c.Upsert(ctx, space, []any{k}, ops).Await(ctx)) }, space, nil},
		{"delete", func() error { return await(c.Delete(ctx, space, nil, k).Await(ctx)) }, space, nil},
		{"select unknown index", func() error { return await(c.Select(ctx, "test", "no_such_index", k).Await(ctx)) }, "test", "no_such_index"},
		{"update unknown index", func() error { return await(c.Update(ctx, "test", "no_such_index", k, ops).Await(ctx)) }, "test", "no_such_index"},
		{"delete unknown index", func() error { return await(c.Delete(ctx, "test", "no_such_index", k).Await(ctx)) }, "test", "no_such_index"},
		{"index name of a space number", func() error { return await(c.Select(ctx, 512, "no_such_index", k).Await(ctx)) }, 512, "no_such_index"},
		{"index name of an unknown space number", func() error { return await(c.Select(ctx, 4_000_000, "primary", k).Await(ctx)) }, 4_000_000, "primary"},
	}
	for _, a := range attempts {
		before := len(tap.Frames(t))
		err := a.f()
		require.Error(t, err, a.name)
		require.ErrorIs(t, err, client.ErrNotSent, a.name)
		var serr *client.SchemaError
		require.ErrorAs(t, err, &serr, a.name)
		require.Equal(t, a.space, serr.Space, a.name)
		require.Equal(t, a.index, serr.Index, a.name)
		require.NotEmpty(t, serr.Reason, a.name)
		require.Contains(t, serr.Error(), "no such", a.name)
		// Only a schema reload went out: the request itself was not sent.
		for _, f := range tap.Frames(t)[before:] {
			require.True(t, isSchemaLoad(f), "%s: unexpected %v frame to space %d", a.name, f.Type, f.Space)
		}
	}

	// The connection keeps serving.
	resp, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	require.NotNil(t, resp)
	require.Equal(t, []any{[]any{int64(k), "after"}}, awaitValues(t, c.Insert(ctx, "test", []any{k, "after"})))
	require.Zero(t, c.InFlight())
}

// Not parallel: changes the schema.
func TestSchemaSpaceCreatedAfterConnect(t *testing.T) {
	tap := newWiretap(t, requireServer(t).Addr())
	a := dialShared(t, withDialer(tap))
	b := dialShared(t)
	ctx := testContext(t)
	v0 := a.Schema().Version

	name := uniqueName("created_later")
	_, known := a.Schema().SpaceByName(name)
	require.False(t, known)
	id := createSpace(t, b, name, `s:create_index('primary', {parts = {1, 'unsigned'}})`)

	// Usable by name at once: the unknown name makes the client reload.
	require.Equal(t, []any{[]any{int64(1), "new"}}, awaitValues(t, a.Insert(ctx, name, []any{1, "new"})))
	sp, ok := a.Schema().SpaceByName(name)
	require.True(t, ok)
	require.Equal(t, id, sp.ID)
	require.Contains(t, sp.Indexes, "primary")
	require.Greater(t, a.Schema().Version, v0)
	require.Len(t, framesTo(tap.Frames(t), iproto.IPROTO_INSERT, id), 1, "the insert was sent once")

	// Every command now works by name.
	require.Equal(t, []any{[]any{int64(1), "new"}}, awaitValues(t, a.Select(ctx, name, "primary", 1)))
	require.Equal(t, []any{[]any{int64(1), "upd"}}, awaitValues(t, a.Update(ctx, name, "primary", 1, []protocol.Op{protocol.OpAssign(1, "upd")})))
	require.Equal(t, []any{[]any{int64(1), "upd"}}, evalValues(t, b, "return box.space[...]:get(1)", name))
}

// Not parallel: changes the schema.
func TestSchemaIndexAddedAfterConnect(t *testing.T) {
	a := dialShared(t)
	b := dialShared(t)
	ctx := testContext(t)

	name := uniqueName("index_later")
	createSpace(t, b, name, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	for i := 1; i <= 3; i++ {
		_, err := a.Insert(ctx, name, []any{i, "v" + string(rune('0'+i)), i * 10}).Await(ctx)
		require.NoError(t, err)
	}
	sp, ok := a.Schema().SpaceByName(name)
	require.True(t, ok)
	require.NotContains(t, sp.Indexes, "by_v")

	evalValues(t, b, `local s = box.space[...]
s:create_index('by_v', {parts = {2, 'string'}})
s:create_index('by_n', {parts = {3, 'unsigned'}, unique = false})`, name)

	// The new indexes are usable by name at once, by every indexed command.
	require.Equal(t, []any{[]any{int64(2), "v2", int64(20)}}, awaitValues(t, a.Select(ctx, name, "by_v", "v2")))
	sp, ok = a.Schema().SpaceByName(name)
	require.True(t, ok)
	require.Equal(t, &client.Index{ID: 1, Name: "by_v", Type: "TREE", Unique: true}, sp.Indexes["by_v"])
	require.Equal(t, &client.Index{ID: 2, Name: "by_n", Type: "TREE", Unique: false}, sp.Indexes["by_n"])
	require.Equal(t, []any{[]any{int64(3), "v3", int64(30)}},
		awaitValues(t, a.Select(ctx, name, "by_n", 25, client.Iterator(iproto.ITER_GT))))
	require.Equal(t, []any{[]any{int64(1), "v1", int64(11)}},
		awaitValues(t, a.Update(ctx, name, "by_v", "v1", []protocol.Op{protocol.OpAdd(2, 1)})))
	require.Equal(t, []any{[]any{int64(3), "v3", int64(30)}}, awaitValues(t, a.Delete(ctx, name, "by_v", "v3")))
	require.Empty(t, awaitValues(t, a.Select(ctx, name, nil, 3)))
}

// Not parallel: changes the schema.
func TestSchemaStaleVersionIsRetried(t *testing.T) {
	tap := newWiretap(t, requireServer(t).Addr())
	a := dialShared(t, withDialer(tap))
	b := dialShared(t)
	ctx := testContext(t)
	k := keyBlock()
	v0 := a.Schema().Version
	require.Equal(t, serverSchemaVersion(t, b), v0, "no schema change since a connected")

	_, err := a.Insert(ctx, "test", []any{k, "before"}).Await(ctx)
	require.NoError(t, err)
	_, err = a.Insert(ctx, "counters", []any{k, 1}).Await(ctx)
	require.NoError(t, err)
	_, err = a.Insert(ctx, "test", []any{k + 5, "to delete"}).Await(ctx)
	require.NoError(t, err)

	// Another client changes the schema; a's snapshot is now stale.
	createSpace(t, b, uniqueName("stale_maker"), `s:create_index('primary')`)
	v1 := serverSchemaVersion(t, b)
	require.Greater(t, v1, v0)
	require.Equal(t, v0, a.Schema().Version, "a has not noticed yet")
	framesBefore := len(tap.Frames(t))

	// Every space request, by name or by number, is sent with v0, refused
	// with ER_WRONG_SCHEMA_VERSION, and sent again after one reload. The
	// tap holds the writes until all are issued: otherwise the first
	// refusal could make a reload finish before the last ones are issued
	// (which would then go out once, with v1).
	tap.Hold()
	sel := a.Select(ctx, "test", nil, k)
	selByID := a.Select(ctx, 512, 0, k)
	ins := a.Insert(ctx, "test", []any{k + 1, "inserted"})
	rep := a.Replace(ctx, 512, []any{k + 2, "replaced"})
	upd := a.Update(ctx, "test", "primary", k, []protocol.Op{protocol.OpAssign(1, "updated")})
	ups := a.Upsert(ctx, "counters", []any{k, 1}, []protocol.Op{protocol.OpAdd(1, 1)})
	del := a.Delete(ctx, "test", nil, k+5)
	tap.Release()

	require.Equal(t, []any{[]any{int64(k), "before"}}, awaitValues(t, sel))
	require.Equal(t, []any{[]any{int64(k), "before"}}, awaitValues(t, selByID))
	require.Equal(t, []any{[]any{int64(k + 1), "inserted"}}, awaitValues(t, ins))
	require.Equal(t, []any{[]any{int64(k + 2), "replaced"}}, awaitValues(t, rep))
	require.Equal(t, []any{[]any{int64(k), "updated"}}, awaitValues(t, upd))
	require.Empty(t, awaitValues(t, ups))
	require.Equal(t, []any{[]any{int64(k + 5), "to delete"}}, awaitValues(t, del))
	require.Equal(t, v1, a.Schema().Version)

	// Each was applied once: the upsert counted once.
	require.Equal(t, []any{[]any{int64(k), int64(2)}}, awaitValues(t, a.Select(ctx, "counters", nil, k)))

	frames := tap.Frames(t)[framesBefore:]
	for _, typ := range []iproto.Type{iproto.IPROTO_INSERT, iproto.IPROTO_REPLACE, iproto.IPROTO_UPDATE, iproto.IPROTO_DELETE} {
		sent := framesTo(frames, typ, 512)
		require.Len(t, sent, 2, "%v sent twice", typ)
		require.Equal(t, v0, sent[0].SchemaVersion)
		require.Equal(t, v1, sent[1].SchemaVersion)
		require.Greater(t, sent[1].Sync, sent[0].Sync, "the retry has a new sync id")
	}
	sent := framesTo(frames, iproto.IPROTO_SELECT, 512)
	require.Len(t, sent, 4)
	sent = framesTo(frames, iproto.IPROTO_UPSERT, 516)
	require.Len(t, sent, 2)
	reloads := 0
	for _, f := range frames {
		if isSchemaLoad(f) {
			reloads++
		}
	}
	require.GreaterOrEqual(t, reloads, 2, "one schema load (two selects) at least")

	// Requests that name no space are not bound to a schema version.
	require.Equal(t, []any{"unbound"}, awaitValues(t, a.Call(ctx, "echo", "unbound")))
}

// Not parallel: changes the schema.
func TestSchemaSpaceRecreatedWithNewID(t *testing.T) {
	tap := newWiretap(t, requireServer(t).Addr())
	a := dialShared(t, withDialer(tap))
	b := dialShared(t)
	ctx := testContext(t)

	name := uniqueName("recreated")
	oldID := createSpace(t, b, name, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	_, err := a.Insert(ctx, name, []any{1, "old space"}).Await(ctx)
	require.NoError(t, err)
	sp, ok := a.Schema().SpaceByName(name)
	require.True(t, ok)
	require.Equal(t, oldID, sp.ID)

	// Drop it and create it again under the same name: a new id, chosen
	// here since servers allocate ids differently (with the server's
	// choice this failed on 2.11.9 and 3.8.0, issue 19).
	res := evalValues(t, b, `local name = ...
local id = box.space[name].id + 1
box.space[name]:drop()
while box.space[id] ~= nil do id = id + 1 end
local s = box.schema.space.create(name, {id = id})
s:create_index('primary', {parts = {1, 'unsigned'}})
return s.id`, name)
	newID := uint32(res[0].(int64))
	require.NotEqual(t, oldID, newID)

	// a still maps the name to oldID; the stale request is refused and
	// retried against the new id.
	require.Equal(t, []any{[]any{int64(2), "new space"}}, awaitValues(t, a.Insert(ctx, name, []any{2, "new space"})))
	sp, ok = a.Schema().SpaceByName(name)
	require.True(t, ok)
	require.Equal(t, newID, sp.ID)
	_, ok = a.Schema().SpaceByID(oldID)
	require.False(t, ok)

	frames := tap.Frames(t)
	require.Len(t, framesTo(frames, iproto.IPROTO_INSERT, oldID), 2, "the first insert, and the stale attempt")
	require.Len(t, framesTo(frames, iproto.IPROTO_INSERT, newID), 1, "the retry")
	require.Equal(t, []any{[]any{[]any{int64(2), "new space"}}}, evalValues(t, b, "return box.space[...]:select()", name))
	require.Equal(t, []any{[]any{int64(2), "new space"}}, awaitValues(t, a.Select(ctx, name, nil, nil)))
}

func TestSchemaSkipSchema(t *testing.T) {
	t.Parallel()
	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap), func(o *client.Options) { o.SkipSchema = true })
	ctx := testContext(t)
	k := keyBlock()

	require.Nil(t, c.Schema())
	for _, f := range tap.Frames(t) {
		require.False(t, isSchemaLoad(f), "no schema load on connect")
	}

	// Names fail without a reload (3.0+ servers resolve them: see
	// TestNamesReal); numbers work.
	if !c.ServerInfo().Has(iproto.IPROTO_FEATURE_SPACE_AND_INDEX_NAMES) {
		_, err := c.Select(ctx, "test", nil, k).Await(ctx)
		var serr *client.SchemaError
		require.ErrorAs(t, err, &serr)
		require.ErrorIs(t, err, client.ErrNotSent)
		require.Equal(t, "test", serr.Space)
		require.Contains(t, serr.Reason, "lacks IPROTO_FEATURE_SPACE_AND_INDEX_NAMES")
		_, err = c.Select(ctx, 512, "primary", k).Await(ctx)
		require.ErrorAs(t, err, &serr)
		require.Equal(t, "primary", serr.Index)
	}
	for _, f := range tap.Frames(t) {
		require.False(t, isSchemaLoad(f), "no schema load for unknown names either")
	}
	require.Equal(t, []any{[]any{int64(k), "numbers"}}, awaitValues(t, c.Insert(ctx, 512, []any{k, "numbers"})))
	require.Equal(t, []any{[]any{int64(k), "numbers"}}, awaitValues(t, c.Select(ctx, 512, 0, k)))
	// Without a schema no version is sent, so nothing is ever stale.
	for _, f := range tap.Frames(t) {
		require.Zero(t, f.SchemaVersion)
	}

	// An explicit reload installs a schema; names work from then on.
	s, err := c.ReloadSchema(ctx)
	require.NoError(t, err)
	require.Same(t, s, c.Schema())
	require.Equal(t, []any{[]any{int64(k), "numbers"}}, awaitValues(t, c.Select(ctx, "test", "primary", k)))
}

// TestSchemaVisibleSpaces: the schema holds only what the user may see, so
// a space hidden from the user fails by name without being sent, and by
// number with the server's access error.
func TestSchemaVisibleSpaces(t *testing.T) {
	t.Parallel()
	addr := requireServer(t).Addr()
	ctx := testContext(t)
	c, err := client.Dial(ctx, addr, client.Options{User: "noperm", Password: "noperm"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	require.NotNil(t, c.Schema())
	_, ok := c.Schema().SpaceByName("test")
	require.False(t, ok, "noperm cannot see 'test'")
	_, err = c.Select(ctx, "test", nil, 1).Await(ctx)
	require.ErrorIs(t, err, client.ErrNotSent)
	var serr *client.SchemaError
	require.ErrorAs(t, err, &serr)

	_, err = c.Select(ctx, 512, 0, 1).Await(context.Background())
	require.Error(t, err)
	var server *client.ServerError
	require.ErrorAs(t, err, &server)
	require.True(t, server.Code == iproto.ER_ACCESS_DENIED, "code %v", server.Code)
}
