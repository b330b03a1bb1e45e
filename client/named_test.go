package client_test

// Decoding tuples by field name (DecodeNamed, FirstNamed, Maps, Named,
// OneNamed) with the space formats of the schema, against the real
// server; and with the tuple formats of a 3.0+ server (Options.
// TupleFormats, MP_TUPLE with IPROTO_TUPLE_FORMATS) against a fake that
// sends them and, when the harness's server is 3.0 or later, the real one.
// Not parallel: the real-server tests change the schema.

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// namedPerson has the space's fields in another order than the space.
type namedPerson struct {
	Age  uint64 `msgpack:"age"`
	Name string `msgpack:"name"`
	ID   uint64 `msgpack:"id"`
}

// namedPersonFormat is the Lua format of the space namedPerson reads.
const namedPersonSetup = `s:format({{name = 'id', type = 'unsigned'}, {name = 'name', type = 'string'}, {name = 'age', type = 'unsigned', is_nullable = true}})
s:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}})`

func TestSpaceFieldsFromSchema(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	space := uniqueName("named")
	createSpace(t, c, space, namedPersonSetup)
	s, err := c.ReloadSchema(ctx)
	require.NoError(t, err)
	sp, ok := s.SpaceByName(space)
	require.True(t, ok)
	require.Equal(t, []client.Field{{Name: "id", Type: "unsigned"}, {Name: "name", Type: "string"}, {Name: "age", Type: "unsigned", IsNullable: true}}, sp.Fields)
	no, ok := sp.FieldNo("age")
	require.True(t, ok)
	require.Equal(t, 2, no)
	_, ok = sp.FieldNo("missing")
	require.False(t, ok)

	// A space without a format has no fields.
	bare := uniqueName("bare")
	createSpace(t, c, bare, `s:create_index('primary')`)
	s, err = c.ReloadSchema(ctx)
	require.NoError(t, err)
	sp, ok = s.SpaceByName(bare)
	require.True(t, ok)
	require.Nil(t, sp.Fields)
}

func TestDecodeNamedWithSchema(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	space := uniqueName("named")
	createSpace(t, c, space, namedPersonSetup)
	for _, tu := range [][]any{{1, "ann", 30}, {2, "bob"}, {3, "cy", 40}} {
		_, err := c.Insert(ctx, space, tu).Await(ctx)
		require.NoError(t, err)
	}

	r, err := c.Select(ctx, space, 0, nil, client.Iterator(iproto.ITER_ALL)).Await(ctx)
	require.NoError(t, err)
	var people []namedPerson
	require.NoError(t, r.DecodeNamed(&people))
	require.Equal(t, []namedPerson{{30, "ann", 1}, {0, "bob", 2}, {40, "cy", 3}}, people)

	maps, err := r.Maps()
	require.NoError(t, err)
	require.Len(t, maps, 3)
	require.Equal(t, "ann", maps[0]["name"])
	require.EqualValues(t, 30, maps[0]["age"])
	require.NotContains(t, maps[1], "age", "a tuple without the nullable field has no key for it")

	// The futures' forms; a DML response names its tuple by the space too.
	got, err := client.Named[namedPerson](c.Select(ctx, space, 0, []any{3})).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []namedPerson{{40, "cy", 3}}, got)
	one, err := client.OneNamed[namedPerson](c.Replace(ctx, space, []any{2, "bo", 9})).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, client.Optional[namedPerson]{Value: namedPerson{9, "bo", 2}, Found: true}, one)
	one, err = client.OneNamed[namedPerson](c.Delete(ctx, space, 0, []any{99})).Await(ctx)
	require.NoError(t, err)
	require.False(t, one.Found)
	asMaps, err := client.Named[map[string]any](c.Select(ctx, space, 0, []any{1})).Await(ctx)
	require.NoError(t, err)
	require.Len(t, asMaps, 1)
	require.Equal(t, "ann", asMaps[0]["name"])

	// The names follow a format change: the client reloads its schema
	// when the server's version moved on.
	evalValues(t, c, `local s = box.space[...]
local f = s:format()
table.insert(f, {name = 'email', type = 'string', is_nullable = true})
s:format(f)`, space)
	_, err = c.Replace(ctx, space, []any{4, "dee", 50, "dee@example.com"}).Await(ctx)
	require.NoError(t, err)
	type withEmail struct {
		Email string `msgpack:"email"`
		ID    uint64 `msgpack:"id"`
	}
	emails, err := client.Named[withEmail](c.Select(ctx, space, 0, []any{4})).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []withEmail{{"dee@example.com", 4}}, emails)
}

func TestDecodeNamedNoFormat(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	bare := uniqueName("bare")
	createSpace(t, c, bare, `s:create_index('primary')`)
	_, err := c.Insert(ctx, bare, []any{1, "x"}).Await(ctx)
	require.NoError(t, err)

	// A space without a format, a call's result, a released response:
	// nothing names the fields.
	r, err := c.Select(ctx, bare, 0, nil, client.Iterator(iproto.ITER_ALL)).Await(ctx)
	require.NoError(t, err)
	var people []namedPerson
	require.ErrorIs(t, r.DecodeNamed(&people), protocol.ErrNoFormat)
	r, err = c.Eval(ctx, "return {1, 'x'}").Await(ctx)
	require.NoError(t, err)
	_, err = r.FirstNamed(&people)
	require.ErrorIs(t, err, protocol.ErrNoFormat)
	_, err = r.Maps()
	require.ErrorIs(t, err, protocol.ErrNoFormat)

	// A response without data (a ping's) is malformed for decoding.
	r, err = c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	var m *protocol.MalformedError
	require.ErrorAs(t, r.DecodeNamed(&people), &m)
}

// tupleFormatRows are the fake's rows for the tuple-format tests.
func tupleFormatRows() [][]any {
	return [][]any{{uint64(1), "ann", uint64(30)}, {uint64(2), "bob"}}
}

// tupleFormatFake starts a fake 3.0+ server serving tupleFormatRows on
// pagesSpace with a format, and dials it with SkipSchema (no schema: only
// the tuples' own formats can name the fields) and opts; sent gets what
// the client announced.
func tupleFormatFake(t *testing.T, sent *protocol.ID, opts ...clientOption) *client.Client {
	t.Helper()
	announce := protocol.ID{Version: 6, Features: []iproto.Feature{iproto.IPROTO_FEATURE_DML_TUPLE_EXTENSION, iproto.IPROTO_FEATURE_CALL_RET_TUPLE_EXTENSION}}
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		c.ServeRows(pagesSpace, tupleFormatRows())
		c.ServeFormat([]protocol.Field{{Name: "id", Type: "unsigned"}, {Name: "name", Type: "string"}, {Name: "age", Type: "unsigned"}})
		return idServer(sent, announce)(c)
	})
	return dialFake(t, srv, opts...)
}

// TestTupleFormatsFake: with Options.TupleFormats the client announces the
// tuple extensions, and reads the MP_TUPLE tuples the server then sends
// by position and, with no schema, by name; without it the server sends
// plain tuples, which nothing names.
func TestTupleFormatsFake(t *testing.T) {
	ctx := testContext(t)
	var sent protocol.ID
	c := tupleFormatFake(t, &sent, func(o *client.Options) { o.TupleFormats = true })
	require.Contains(t, sent.Features, iproto.IPROTO_FEATURE_DML_TUPLE_EXTENSION)
	require.Contains(t, sent.Features, iproto.IPROTO_FEATURE_CALL_RET_TUPLE_EXTENSION)
	checkTupleFormats(t, c, pagesSpace, true)

	c = tupleFormatFake(t, &sent)
	require.NotContains(t, sent.Features, iproto.IPROTO_FEATURE_DML_TUPLE_EXTENSION)
	r, err := c.Select(ctx, pagesSpace, 0, nil, client.Iterator(iproto.ITER_ALL)).Await(ctx)
	require.NoError(t, err)
	body, err := r.Body()
	require.NoError(t, err)
	require.Nil(t, body.TupleFormats)
	var people []namedPerson
	require.ErrorIs(t, r.DecodeNamed(&people), protocol.ErrNoFormat, "no schema, no tuple formats")
}

// checkTupleFormats checks a select on space, holding the rows
// [1, "ann", 30] and [2, "bob"], of a client with Options.TupleFormats.
// named says whether the tuples' formats alone must name the fields.
func checkTupleFormats(t *testing.T, c *client.Client, space any, named bool) {
	ctx := testContext(t)
	r, err := c.Select(ctx, space, 0, nil, client.Iterator(iproto.ITER_ALL)).Await(ctx)
	require.NoError(t, err)
	body, err := r.Body()
	require.NoError(t, err)
	require.NotNil(t, body.TupleFormats, "the server sent tuple formats")
	formats, err := protocol.DecodeTupleFormats(body.TupleFormats)
	require.NoError(t, err)
	require.Len(t, formats, 1)

	// By position, as any response.
	var tuples []idNameTuple
	require.NoError(t, r.Decode(&tuples))
	require.Equal(t, []idNameTuple{{ID: 1, Name: "ann"}, {ID: 2, Name: "bob"}}, tuples)
	var first idNameTuple
	found, err := r.First(&first)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(1), first.ID)
	values, err := r.Values()
	require.NoError(t, err)
	require.Len(t, values, 2)
	require.Equal(t, "bob", values[1].([]any)[1])

	if !named {
		return
	}
	var people []namedPerson
	require.NoError(t, r.DecodeNamed(&people))
	require.Equal(t, []namedPerson{{30, "ann", 1}, {0, "bob", 2}}, people)
	maps, err := r.Maps()
	require.NoError(t, err)
	require.Equal(t, "bob", maps[1]["name"])
	var one namedPerson
	found, err = r.FirstNamed(&one)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, namedPerson{30, "ann", 1}, one)
}

// TestTupleFormatsRealServer: the same against a real 3.0+ server, where
// also a call returning box tuples names them.
func TestTupleFormatsRealServer(t *testing.T) {
	tarantooltest.RequireVersion(t, "3.0")
	admin := dialShared(t)
	space := uniqueName("fmt")
	createSpace(t, admin, space, namedPersonSetup)
	ctx := testContext(t)
	for _, tu := range [][]any{{1, "ann", 30}, {2, "bob"}} {
		_, err := admin.Insert(ctx, space, tu).Await(ctx)
		require.NoError(t, err)
	}
	c := dialShared(t, func(o *client.Options) { o.TupleFormats = true })
	checkTupleFormats(t, c, space, true)

	r, err := c.Eval(ctx, "return box.space[...]:get(2)", space).Await(ctx)
	require.NoError(t, err)
	var p namedPerson
	found, err := r.FirstNamed(&p)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, namedPerson{0, "bob", 2}, p)
}
