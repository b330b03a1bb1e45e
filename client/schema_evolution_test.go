package client_test

// Integration test of as_array structs across a schema change: a space
// gains a trailing nullable field, so it holds rows with and without it,
// and structs written before and after the change decode all of them.
// Not parallel: it changes the schema.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
)

// evolvedOld is a row as it was before the space gained its email field.
type evolvedOld struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
}

// evolvedNew is a row with the email field (fast-pathed).
type evolvedNew struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Email    string
}

// evolvedNext has a field the space does not have yet, and pointer and
// slice fields, so it takes the library path.
type evolvedNext struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     *string
	Email    *string
	Tags     []string
}

// evolvedStrict wants exactly two fields.
type evolvedStrict struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array,strict"`
	ID       uint64
	Name     string
}

func TestDecodeAcrossSchemaChange(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	space := uniqueName("evolve")
	createSpace(t, c, space, `s:format({{name = 'id', type = 'unsigned'}, {name = 'name', type = 'string'}})
s:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}})`)
	_, err := c.Insert(ctx, space, []any{1, "ann"}).Await(ctx)
	require.NoError(t, err)

	// The space gains a trailing nullable field: old rows keep two
	// fields, new rows may have three or two.
	evalValues(t, c, `local s = box.space[...]
local f = s:format()
table.insert(f, {name = 'email', type = 'string', is_nullable = true})
s:format(f)`, space)
	_, err = c.Insert(ctx, space, []any{2, "bob", "bob@example.com"}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Insert(ctx, space, []any{3, "cat"}).Await(ctx)
	require.NoError(t, err)
	all := func() *client.Response {
		r, err := c.Select(ctx, space, "primary", nil).Await(ctx)
		require.NoError(t, err)
		return r
	}
	lengths, err := all().Values()
	require.NoError(t, err)
	require.Len(t, lengths, 3)
	require.Len(t, lengths[1], 3, "the server keeps the new field")
	require.Len(t, lengths[2], 2, "the server keeps a missing nullable field missing")

	old, err := client.Tuples[evolvedOld](c.Select(ctx, space, "primary", nil)).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []evolvedOld{{ID: 1, Name: "ann"}, {ID: 2, Name: "bob"}, {ID: 3, Name: "cat"}}, old)

	var rows []evolvedNew
	require.NoError(t, all().Decode(&rows))
	require.Equal(t, []evolvedNew{{ID: 1, Name: "ann"}, {ID: 2, Name: "bob", Email: "bob@example.com"}, {ID: 3, Name: "cat"}}, rows)

	next, err := client.Tuples[evolvedNext](c.Select(ctx, space, "primary", nil)).Await(ctx)
	require.NoError(t, err)
	require.Len(t, next, 3)
	require.Equal(t, "ann", *next[0].Name)
	require.Nil(t, next[0].Email)
	require.Equal(t, "bob@example.com", *next[1].Email)
	require.Nil(t, next[2].Email)
	require.Nil(t, next[2].Tags)

	one, err := client.One[evolvedOld](c.Select(ctx, space, "primary", 2)).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, client.Optional[evolvedOld]{Value: evolvedOld{ID: 2, Name: "bob"}, Found: true}, one)

	// Strict: the two-field rows decode, the three-field one is refused
	// with both counts.
	strictOne, err := client.One[evolvedStrict](c.Select(ctx, space, "primary", 3)).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, evolvedStrict{ID: 3, Name: "cat"}, strictOne.Value)
	_, err = client.Tuples[evolvedStrict](c.Select(ctx, space, "primary", nil)).Await(ctx)
	var fc *protocol.FieldCountError
	require.ErrorAs(t, err, &fc)
	require.Equal(t, 2, fc.Fields)
	require.Equal(t, 3, fc.Elements)
	require.ErrorAs(t, err, new(*protocol.UnmarshalError))
}
