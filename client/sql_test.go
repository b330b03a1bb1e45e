package client_test

// Integration tests of SQL: Execute with positional and named binds,
// result metadata, SQL info (row count, autoincrement ids), and prepared
// statements (Prepare, Execute several times, Unprepare). Each test works
// in a table of its own, so autoincrement ids are predictable; creating
// it is a schema change, so the tests are not parallel.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// awaitSQLBody awaits an SQL response and returns its decoded body.
func awaitSQLBody(t *testing.T, f *future.Future[*client.Response]) protocol.Body {
	t.Helper()
	resp, err := f.Await(testContext(t))
	require.NoError(t, err)
	body, err := resp.Body()
	require.NoError(t, err)
	return body
}

// createSQLTable creates a table (id INTEGER PRIMARY KEY AUTOINCREMENT, name
// TEXT, flag BOOLEAN) with a unique name and drops it when the test ends.
func createSQLTable(t *testing.T, c *client.Client) string {
	t.Helper()
	name := uniqueName("SQLIT")
	body := awaitSQLBody(t, c.Execute(testContext(t), fmt.Sprintf(
		"CREATE TABLE %s (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, flag BOOLEAN)", name)))
	require.NotNil(t, body.SQLInfo)
	require.Equal(t, uint64(1), body.SQLInfo.RowCount)
	require.Nil(t, body.Data)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := c.Execute(ctx, "DROP TABLE "+name).Await(ctx); err != nil {
			t.Errorf("drop table %s: %v", name, err)
		}
	})
	return name
}

func TestSQLExecute(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	table := createSQLTable(t, c)

	// Positional binds; generated ids.
	body := awaitSQLBody(t, c.Execute(ctx, "INSERT INTO "+table+" (name, flag) VALUES (?, ?), (?, ?)", "ann", true, "bob", false))
	require.NotNil(t, body.SQLInfo)
	require.Equal(t, uint64(2), body.SQLInfo.RowCount)
	require.Equal(t, []int64{1, 2}, body.SQLInfo.AutoIncrementIDs)
	require.Nil(t, body.Data)
	require.Empty(t, body.Metadata)

	// Named binds, one map per parameter, matched by name whatever their
	// order; ":" and "@" prefixes (2.6 does not know "$name"). An
	// explicit id generates nothing.
	body = awaitSQLBody(t, c.Execute(ctx, "INSERT INTO "+table+" VALUES (:id, @name, :flag)",
		map[string]any{":flag": nil}, map[string]any{"@name": "cat"}, map[string]any{":id": 10}))
	require.Equal(t, uint64(1), body.SQLInfo.RowCount)
	require.Empty(t, body.SQLInfo.AutoIncrementIDs)
	// The sequence follows explicit ids.
	body = awaitSQLBody(t, c.Execute(ctx, "INSERT INTO "+table+" (name) VALUES (?)", "dan"))
	require.Equal(t, []int64{11}, body.SQLInfo.AutoIncrementIDs)

	// SELECT: rows and column metadata.
	body = awaitSQLBody(t, c.Execute(ctx, "SELECT id, name, flag FROM "+table+" WHERE id >= ? ORDER BY id", 2))
	require.Nil(t, body.SQLInfo)
	require.Len(t, body.Metadata, 3)
	for i, want := range []protocol.ColumnMeta{{Name: sqlName(t, "id"), Type: "integer"}, {Name: sqlName(t, "name"), Type: "string"}, {Name: sqlName(t, "flag"), Type: "boolean"}} {
		require.Equal(t, want.Name, body.Metadata[i].Name)
		require.Equal(t, want.Type, body.Metadata[i].Type)
	}
	rows, _, err := protocol.DecodeValue(body.Data)
	require.NoError(t, err)
	require.Equal(t, []any{
		[]any{int64(2), "bob", false},
		[]any{int64(10), "cat", nil},
		[]any{int64(11), "dan", nil},
	}, rows)

	// The same rows through Tuples, as structs.
	type row struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		ID       int64
		Name     string
		Flag     *bool
	}
	typed, err := client.Tuples[row](c.Execute(ctx, "SELECT id, name, flag FROM "+table+" WHERE name = ?", "ann")).Await(ctx)
	require.NoError(t, err)
	require.Len(t, typed, 1)
	require.Equal(t, int64(1), typed[0].ID)
	require.Equal(t, "ann", typed[0].Name)
	require.NotNil(t, typed[0].Flag)
	require.True(t, *typed[0].Flag)

	// Aliases and expressions.
	body = awaitSQLBody(t, c.Execute(ctx, "SELECT COUNT(*) AS n, MAX(id) AS top FROM "+table))
	require.Equal(t, sqlName(t, "n"), body.Metadata[0].Name)
	require.Equal(t, sqlName(t, "top"), body.Metadata[1].Name)
	rows, _, err = protocol.DecodeValue(body.Data)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(4), int64(11)}}, rows)

	// Bind values of every type come back as sent.
	body = awaitSQLBody(t, c.Execute(ctx, "SELECT ?, ?, ?, ?, ?, ?", 1, -5, "s", 2.5, true, nil))
	rows, _, err = protocol.DecodeValue(body.Data)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(1), int64(-5), "s", 2.5, true, nil}}, rows)

	// UPDATE and DELETE report the rows changed.
	body = awaitSQLBody(t, c.Execute(ctx, "UPDATE "+table+" SET flag = ? WHERE flag IS NULL", true))
	require.Equal(t, uint64(2), body.SQLInfo.RowCount)
	body = awaitSQLBody(t, c.Execute(ctx, "DELETE FROM "+table+" WHERE id > ?", 9))
	require.Equal(t, uint64(2), body.SQLInfo.RowCount)
	body = awaitSQLBody(t, c.Execute(ctx, "DELETE FROM "+table+" WHERE id > ?", 9))
	require.Equal(t, uint64(0), body.SQLInfo.RowCount)

	// The table is a space: the client finds it by name.
	require.Equal(t, []any{[]any{int64(1), "ann", true}}, awaitValues(t, c.Select(ctx, table, nil, 1)))

	// Errors.
	_, err = c.Execute(ctx, "SELEC 1").Await(ctx)
	requireServerError(t, err, iproto.ER_SQL_SYNTAX_NEAR_TOKEN)
	_, err = c.Execute(ctx, "SELECT * FROM no_such_table_anywhere").Await(ctx)
	requireServerError(t, err, iproto.ER_NO_SUCH_SPACE)
	_, err = c.Execute(ctx, "INSERT INTO "+table+" VALUES (?, ?, ?)", 1, "dup", nil).Await(ctx)
	requireServerError(t, err, iproto.ER_TUPLE_FOUND)
	_, err = c.Execute(ctx, "INSERT INTO "+table+" (id) VALUES (?)", 50).Await(ctx)
	require.Error(t, err, "name is NOT NULL")
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
	require.Contains(t, serr.Message, sqlName(t, "name"))

	// The statements that failed changed nothing.
	body = awaitSQLBody(t, c.Execute(ctx, "SELECT COUNT(*) FROM "+table))
	rows, _, err = protocol.DecodeValue(body.Data)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(2)}}, rows)
}

func TestSQLPrepare(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	table := createSQLTable(t, c)

	// A prepared INSERT, executed several times.
	ins, err := c.Prepare(ctx, "INSERT INTO "+table+" (name, flag) VALUES (?, ?)").Await(ctx)
	require.NoError(t, err)
	require.NotZero(t, ins.StmtID)
	require.Equal(t, uint64(2), ins.ParamCount)
	require.Len(t, ins.Params, 2)
	require.Empty(t, ins.Columns)
	for i, name := range []string{"ann", "bob", "cat"} {
		body := awaitSQLBody(t, ins.Execute(ctx, name, i%2 == 0))
		require.Equal(t, uint64(1), body.SQLInfo.RowCount)
		// Tarantool 2.6 accumulates the generated ids over the executions
		// of one prepared statement ([1], [1 2], ...): the last one is new.
		require.NotEmpty(t, body.SQLInfo.AutoIncrementIDs)
		require.Equal(t, int64(i+1), body.SQLInfo.AutoIncrementIDs[len(body.SQLInfo.AutoIncrementIDs)-1])
	}

	// A prepared SELECT with a positional and a named parameter.
	sel, err := c.Prepare(ctx, "SELECT id, name FROM "+table+" WHERE id > ? AND name <> :skip ORDER BY id").Await(ctx)
	require.NoError(t, err)
	require.NotEqual(t, ins.StmtID, sel.StmtID)
	require.Equal(t, uint64(2), sel.ParamCount)
	require.Equal(t, "?", sel.Params[0].Name)
	require.Equal(t, ":skip", sel.Params[1].Name)
	require.Len(t, sel.Columns, 2)
	require.Equal(t, sqlName(t, "id"), sel.Columns[0].Name)
	require.Equal(t, "integer", sel.Columns[0].Type)
	require.Equal(t, sqlName(t, "name"), sel.Columns[1].Name)
	require.Equal(t, "string", sel.Columns[1].Type)

	for _, tc := range []struct {
		after int
		skip  string
		want  []any
	}{
		{0, "", []any{[]any{int64(1), "ann"}, []any{int64(2), "bob"}, []any{int64(3), "cat"}}},
		{1, "cat", []any{[]any{int64(2), "bob"}}},
		{0, "bob", []any{[]any{int64(1), "ann"}, []any{int64(3), "cat"}}},
		{3, "", []any{}},
	} {
		body := awaitSQLBody(t, sel.Execute(ctx, tc.after, map[string]any{":skip": tc.skip}))
		require.Len(t, body.Metadata, 2)
		rows, _, err := protocol.DecodeValue(body.Data)
		require.NoError(t, err)
		require.Equal(t, tc.want, rows, "id > %d, name <> %q", tc.after, tc.skip)
	}

	// Pipelined executions of one statement.
	fs := make([]*future.Future[*client.Response], 10)
	for i := range fs {
		fs[i] = sel.Execute(ctx, i%4, map[string]any{":skip": ""})
	}
	for i, f := range fs {
		body := awaitSQLBody(t, f)
		rows, _, err := protocol.DecodeValue(body.Data)
		require.NoError(t, err)
		require.Len(t, rows, max(0, 3-i%4))
	}

	// Unprepare: the statement is gone for this session.
	resp, err := sel.Unprepare(ctx).Await(ctx)
	require.NoError(t, err)
	require.NotNil(t, resp)
	_, err = sel.Execute(ctx, 0, map[string]any{":skip": ""}).Await(ctx)
	serr := requireServerError(t, err, iproto.ER_WRONG_QUERY_ID)
	require.Contains(t, serr.Message, fmt.Sprint(sel.StmtID))
	_, err = sel.Unprepare(ctx).Await(ctx)
	requireServerError(t, err, iproto.ER_WRONG_QUERY_ID)
	// The other statement is still there.
	body := awaitSQLBody(t, ins.Execute(ctx, "dan", nil))
	require.Equal(t, uint64(1), body.SQLInfo.RowCount)
	require.Equal(t, int64(4), body.SQLInfo.AutoIncrementIDs[len(body.SQLInfo.AutoIncrementIDs)-1])
	require.Equal(t, []any{[]any{int64(4), "dan", nil}}, awaitValues(t, c.Select(ctx, table, nil, 4)))
	_, err = ins.Unprepare(ctx).Await(ctx)
	require.NoError(t, err)

	// Invalid SQL does not prepare.
	_, err = c.Prepare(ctx, "SELEC 1").Await(ctx)
	requireServerError(t, err, iproto.ER_SQL_SYNTAX_NEAR_TOKEN)
	_, err = c.Prepare(ctx, "SELECT * FROM no_such_table_anywhere").Await(ctx)
	requireServerError(t, err, iproto.ER_NO_SUCH_SPACE)
}
