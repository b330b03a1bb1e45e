package client_test

// Integration tests of SQL results decoded as one value (client.SQL,
// client.DecodeSQL): columns, rows generic and typed, info. Not parallel:
// createSQLTable changes the schema.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// sqlRow is a row of createSQLTable's table.
type sqlRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       int64
	Name     string
	Flag     *bool
}

func TestSQLResult(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	table := createSQLTable(t, c)

	// A data-changing statement: info, no columns, no rows.
	ins, err := client.SQL[[]any](c.Execute(ctx, "INSERT INTO "+table+" (name, flag) VALUES (?, ?), (?, ?)", "ann", true, "bob", nil)).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, client.SQLInfo{RowCount: 2, AutoIncrementIDs: []int64{1, 2}}, ins.Info)
	require.Nil(t, ins.Columns)
	require.Nil(t, ins.Rows)

	// A SELECT: columns and generic rows, zero info.
	sel, err := client.SQL[[]any](c.Execute(ctx, "SELECT id, name, flag FROM "+table+" ORDER BY id")).Await(ctx)
	require.NoError(t, err)
	require.Len(t, sel.Columns, 3)
	for i, want := range [][2]string{{sqlName(t, "id"), "integer"}, {sqlName(t, "name"), "string"}, {sqlName(t, "flag"), "boolean"}} {
		require.Equal(t, want, [2]string{sel.Columns[i].Name, sel.Columns[i].Type})
	}
	require.Equal(t, [][]any{{int64(1), "ann", true}, {int64(2), "bob", nil}}, sel.Rows)
	require.Zero(t, sel.Info.RowCount)

	// Typed rows, through a prepared statement.
	stmt, err := c.Prepare(ctx, "SELECT id, name, flag FROM "+table+" WHERE id >= ? ORDER BY id").Await(ctx)
	require.NoError(t, err)
	typed, err := client.SQL[sqlRow](stmt.Execute(ctx, 1)).Await(ctx)
	require.NoError(t, err)
	require.Len(t, typed.Rows, 2)
	require.Equal(t, "ann", typed.Rows[0].Name)
	require.True(t, *typed.Rows[0].Flag)
	require.Nil(t, typed.Rows[1].Flag)
	require.Equal(t, sqlName(t, "flag"), typed.Columns[2].Name)

	// No row matched: an empty, non-nil Rows.
	none, err := client.SQL[sqlRow](stmt.Execute(ctx, 100)).Await(ctx)
	require.NoError(t, err)
	require.NotNil(t, none.Rows)
	require.Empty(t, none.Rows)
	require.Len(t, none.Columns, 3)

	// A row type that does not fit: the decode error, as Response.Decode's.
	_, err = client.SQL[struct{ ID []string }](c.Execute(ctx, "SELECT id FROM "+table)).Await(ctx)
	require.ErrorAs(t, err, new(*client.UnmarshalError))

	// A server error stays the server error.
	_, err = client.SQL[[]any](c.Execute(ctx, "SELEC 1")).Await(ctx)
	require.ErrorIs(t, err, client.CodeSQLSyntax)

	// DecodeSQL on an awaited response.
	r, err := c.Execute(ctx, "UPDATE "+table+" SET flag = ? WHERE flag IS NULL", false).Await(ctx)
	require.NoError(t, err)
	upd, err := client.DecodeSQL[[]any](r)
	require.NoError(t, err)
	require.Equal(t, uint64(1), upd.Info.RowCount)
	require.Empty(t, upd.Info.AutoIncrementIDs)
}
