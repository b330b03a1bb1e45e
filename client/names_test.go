package client_test

// Space and index names on the wire (Tarantool 3.0+,
// IPROTO_FEATURE_SPACE_AND_INDEX_NAMES): with SkipSchema a request that
// names its space or index by string carries IPROTO_SPACE_NAME /
// IPROTO_INDEX_NAME; with a schema, ids as before; without the feature,
// a *SchemaError saying so. Against a fake 3.x server (ServeSpaces) and,
// from 3.0, the real one.

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// namesAnnounce is modernAnnounce with space and index names and is_sync:
// what a Tarantool 3.2+ server announces of what the client uses.
var namesAnnounce = protocol.ID{
	Version:  modernAnnounce.Version,
	Features: append(slices.Clone(modernAnnounce.Features), iproto.IPROTO_FEATURE_SPACE_AND_INDEX_NAMES, iproto.IPROTO_FEATURE_IS_SYNC),
	AuthType: modernAnnounce.AuthType,
}

// namesSpace is the space the names servers know: "test" (512) with
// indexes "primary" (0) and "secondary" (1), rows 1 and 2.
var namesSpace = fakeiproto.Space{ID: 512, Name: "test", Indexes: []string{"primary", "secondary"}}

// namesServer is a fake server announcing id that resolves names in
// namesSpace (ServeSpaces) and serves its rows.
func namesServer(id protocol.ID) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error {
		c.ServeSpaces(namesSpace)
		c.ServeRows(namesSpace.ID, [][]any{{int64(1), "a"}, {int64(2), "b"}})
		return fakeiproto.Modern(id)(c)
	}
}

// dataFrames returns the frames of data requests (no ID, AUTH, schema
// load).
func dataFrames(frames []wireFrame) []wireFrame {
	var out []wireFrame
	for _, f := range frames {
		switch f.Type {
		case iproto.IPROTO_SELECT, iproto.IPROTO_INSERT, iproto.IPROTO_REPLACE,
			iproto.IPROTO_UPDATE, iproto.IPROTO_UPSERT, iproto.IPROTO_DELETE:
			if !isSchemaLoad(f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// names returns what a request frame names its space and index by: the
// name or the id, "" / -1 when the frame has none.
func names(f wireFrame) (spaceName string, spaceID int64, indexName string, indexID int64) {
	spaceID, indexID = -1, -1
	spaceName, _ = f.Body[int64(iproto.IPROTO_SPACE_NAME)].(string)
	indexName, _ = f.Body[int64(iproto.IPROTO_INDEX_NAME)].(string)
	if v, ok := f.Body[int64(iproto.IPROTO_SPACE_ID)].(int64); ok {
		spaceID = v
	}
	if v, ok := f.Body[int64(iproto.IPROTO_INDEX_ID)].(int64); ok {
		indexID = v
	}
	return spaceName, spaceID, indexName, indexID
}

// TestNamesOnTheWire: with SkipSchema, to a server announcing the
// feature, every data request carries the names it was given (and the ids
// it was given by number); the fake resolves them as 3.x does. An unknown
// name is the server's error, sent once: no reload, no retry.
func TestNamesOnTheWire(t *testing.T) {
	srv := startFake(t, namesServer(namesAnnounce))
	tap := newWiretap(t, srv.Addr())
	c := dialFake(t, srv, withDialer(tap))
	ctx := testContext(t)
	require.Nil(t, c.Schema())

	all := []any{[]any{int64(1), "a"}, []any{int64(2), "b"}}
	require.Equal(t, all, awaitValues(t, c.Select(ctx, "test", "secondary", nil, client.Iterator(iproto.ITER_ALL))))
	require.Equal(t, all, awaitValues(t, c.Select(ctx, "test", 1, nil, client.Iterator(iproto.ITER_ALL))))
	require.Equal(t, all, awaitValues(t, c.Select(ctx, 512, "primary", nil, client.Iterator(iproto.ITER_ALL))))
	require.Equal(t, all, awaitValues(t, c.Select(ctx, "test", nil, nil, client.Iterator(iproto.ITER_ALL))))
	require.Equal(t, []any{[]any{int64(3), "c"}}, awaitValues(t, c.Insert(ctx, "test", []any{3, "c"})))
	require.Equal(t, []any{[]any{int64(3), "d"}}, awaitValues(t, c.Replace(ctx, "test", []any{3, "d"})))
	_, err := c.Update(ctx, "test", "primary", 3, []protocol.Op{protocol.OpAssign(2, "e")}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, "test", []any{3, "f"}, nil).Await(ctx)
	require.NoError(t, err)
	_, err = c.Delete(ctx, "test", "primary", 3).Await(ctx)
	require.NoError(t, err)

	type ref struct {
		space   string
		spaceID int64
		index   string
		indexID int64
	}
	var got []ref
	for _, f := range dataFrames(tap.Frames(t)) {
		s, sid, i, iid := names(f)
		got = append(got, ref{s, sid, i, iid})
	}
	require.Equal(t, []ref{
		{"test", -1, "secondary", -1}, {"test", -1, "", 1}, {"", 512, "primary", -1}, {"test", -1, "", 0},
		{"test", -1, "", -1}, {"test", -1, "", -1}, // insert, replace: no index
		{"test", -1, "primary", -1}, {"test", -1, "", -1}, {"test", -1, "primary", -1},
	}, got)

	// Unknown names: the server's errors, each sent once.
	before := len(dataFrames(tap.Frames(t)))
	_, err = c.Select(ctx, "nope", nil, nil).Await(ctx)
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
	require.Equal(t, iproto.ER_NO_SUCH_SPACE, serr.Code)
	require.Equal(t, "Space 'nope' does not exist", serr.Message)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE), "one check for a name and a number")
	_, err = c.Delete(ctx, "test", "nope", 1).Await(ctx)
	require.ErrorAs(t, err, &serr)
	require.Equal(t, iproto.ER_NO_SUCH_INDEX_NAME, serr.Code)
	require.Len(t, dataFrames(tap.Frames(t)), before+2, "each unknown name sent once")
	for _, f := range tap.Frames(t) {
		require.False(t, isSchemaLoad(f), "no schema load")
		require.Zero(t, f.SchemaVersion, "no schema, no version")
	}

	// Empty names and identifiers of the wrong type stay bad input.
	_, err = c.Select(ctx, "", nil, nil).Await(ctx)
	var schemaErr *client.SchemaError
	require.ErrorAs(t, err, &schemaErr)
	_, err = c.Select(ctx, "test", 1.5, nil).Await(ctx)
	require.ErrorAs(t, err, &schemaErr)
	require.Len(t, dataFrames(tap.Frames(t)), before+2, "bad input not sent")
}

// TestNamesWithoutFeature: with SkipSchema, a name to a server that does
// not announce the feature (2.6, or a 2.10+ server before 3.0) fails at
// once with a *SchemaError saying why, not sent; numbers work.
func TestNamesWithoutFeature(t *testing.T) {
	for name, h := range map[string]fakeiproto.Handler{"2.6": fakeiproto.Healthy, "2.11": namesServer(modernAnnounce)} {
		t.Run(name, func(t *testing.T) {
			srv := startFake(t, h)
			tap := newWiretap(t, srv.Addr())
			c := dialFake(t, srv, withDialer(tap))
			ctx := testContext(t)
			for _, f := range []func() error{
				func() error { _, err := c.Select(ctx, "test", nil, nil).Await(ctx); return err },
				func() error { _, err := c.Insert(ctx, "test", []any{1}).Await(ctx); return err },
				func() error { _, err := c.Select(ctx, 512, "primary", nil).Await(ctx); return err },
			} {
				err := f()
				var serr *client.SchemaError
				require.ErrorAs(t, err, &serr)
				require.ErrorIs(t, err, client.ErrNotSent)
				require.Contains(t, err.Error(), "no schema is loaded (Options.SkipSchema) and the server lacks IPROTO_FEATURE_SPACE_AND_INDEX_NAMES")
			}
			require.Empty(t, dataFrames(tap.Frames(t)))
			_, err := c.Select(ctx, 512, 0, nil).Await(ctx)
			require.NoError(t, err)
		})
	}
}

// TestNamesWithSchema: with a schema loaded, names are resolved to ids by
// the client as before, even on a server that takes names: an unknown one
// is a *SchemaError after one reload, not sent.
func TestNamesWithSchema(t *testing.T) {
	srv := startFake(t, namesServer(namesAnnounce))
	tap := newWiretap(t, srv.Addr())
	c := dialFake(t, srv, withDialer(tap), func(o *client.Options) { o.SkipSchema = false })
	ctx := testContext(t)
	require.NotNil(t, c.Schema(), "the fake's schema is empty")
	_, err := c.Select(ctx, "test", nil, nil).Await(ctx)
	var serr *client.SchemaError
	require.ErrorAs(t, err, &serr)
	require.Equal(t, "no such space (or not visible to user guest)", serr.Reason)
	require.Empty(t, dataFrames(tap.Frames(t)), "not sent by name")
	loads := 0
	for _, f := range tap.Frames(t) {
		if isSchemaLoad(f) {
			loads++
		}
	}
	require.Equal(t, 4, loads, "the load on connect and one reload")
}

// TestNamesReal runs names on the wire against a real 3.0+ server: by
// name with SkipSchema (space and index, the server's errors for unknown
// ones), and by id with a schema. It skips before 3.0.
func TestNamesReal(t *testing.T) {
	tarantooltest.RequireVersion(t, "3.0")
	admin := dialShared(t)
	name := "names_wire"
	id := createSpace(t, admin, name, `s:create_index('primary', {parts = {1, 'unsigned'}})
s:create_index('second', {parts = {2, 'string'}})`)
	ctx := testContext(t)

	tap := newWiretap(t, requireServer(t).Addr())
	c := dialShared(t, withDialer(tap), func(o *client.Options) { o.SkipSchema = true })
	require.True(t, c.ServerInfo().Has(iproto.IPROTO_FEATURE_SPACE_AND_INDEX_NAMES))
	require.Equal(t, []any{[]any{int64(1), "one"}}, awaitValues(t, c.Insert(ctx, name, []any{1, "one"})))
	require.Equal(t, []any{[]any{int64(1), "one"}}, awaitValues(t, c.Select(ctx, name, "second", "one")))
	require.Equal(t, []any{[]any{int64(1), "one"}}, awaitValues(t, c.Select(ctx, id, "second", "one")))
	_, err := c.Select(ctx, name+"_nope", nil, nil).Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE))
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
	_, err = c.Select(ctx, name, "nope", nil).Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_INDEX_NAME))
	require.ErrorAs(t, err, &serr)
	for _, f := range dataFrames(tap.Frames(t)) {
		s, sid, i, _ := names(f)
		if sid == int64(id) {
			require.Equal(t, "second", i, "space by id, index by name")
		} else {
			require.NotEmpty(t, s, "%v by name", f.Type)
		}
	}

	tap2 := newWiretap(t, requireServer(t).Addr())
	withSchema := dialShared(t, withDialer(tap2))
	require.Equal(t, []any{[]any{int64(1), "one"}}, awaitValues(t, withSchema.Select(ctx, name, "second", "one")))
	for _, f := range dataFrames(tap2.Frames(t)) {
		s, sid, i, iid := names(f)
		require.Equal(t, []any{"", int64(id), "", int64(1)}, []any{s, sid, i, iid}, "ids with a schema")
	}
}

// TestNamesNotConnected: with SkipSchema and no connection, whether a name
// can be sent depends on the server still to come: the request fails as
// not connected (or waits, with WaitForReconnect), not as a bad name.
func TestNamesNotConnected(t *testing.T) {
	c, err := client.Lazy(closedPort(t), client.Options{SkipSchema: true, Reconnect: quickReconnect})
	require.NoError(t, err)
	defer c.Close()
	ctx := testContext(t)
	_, err = c.Select(ctx, "test", nil, nil).Await(ctx)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, client.ErrNotSent)
	var serr *client.SchemaError
	require.False(t, errors.As(err, &serr), "not a schema error: %v", err)
}
