package client

import (
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// ColumnMeta describes one SQL result column (its Name and Type, and with
// full metadata its collation, nullability, ...): protocol.ColumnMeta.
type ColumnMeta = protocol.ColumnMeta

// SQLInfo is what a data-changing SQL statement reports: the RowCount of
// rows changed and the AutoIncrementIDs generated. It is protocol.SQLInfo.
type SQLInfo = protocol.SQLInfo

// SQLResult is the whole result of an SQL statement (Execute, or a
// Prepared statement's Execute) decoded at once: the result columns and
// rows of a SELECT-like statement, the info of a data-changing one. T is
// the type of one row: []any for generic values (one per column, with
// protocol.DecodeValue's types: int64, uint64, float64, string, bool,
// []byte, Decimal, UUID, nil, ...), or a struct tagged
// `msgpack:",as_array"` with one field per column, in order (missing and
// extra columns follow Response.Decode's rules).
type SQLResult[T any] struct {
	// Columns describes the result columns; nil for a statement without
	// rows (INSERT, UPDATE, DELETE, DDL).
	Columns []ColumnMeta
	// Rows holds the rows in the server's order; nil for a statement
	// without rows, empty for a SELECT that matched none.
	Rows []T
	// Info is the info of a data-changing statement; zero for a SELECT.
	Info SQLInfo
}

// SQL turns the future of an SQL response into the future of its whole
// result, decoded on the connection's callback executor:
//
//	res, err := client.SQL[[]any](c.Execute(ctx, "SELECT id, name FROM t")).Await(ctx)
//
// Cost: one extra future, the decoding (DecodeSQL) and the result.
func SQL[T any](f *future.Future[*Response]) *future.Future[*SQLResult[T]] {
	return future.Map(f, DecodeSQL[T])
}

// DecodeSQL decodes an SQL response into its whole result: the columns
// from IPROTO_METADATA, the rows from IPROTO_DATA (as Response.Decode
// into a *[]T does) and the info from IPROTO_SQL_INFO. Errors are those of
// Response.Body and Response.Decode. Cost: one pass over the body, the
// metadata, the rows and the info (one allocation each when present).
func DecodeSQL[T any](r *Response) (*SQLResult[T], error) {
	body, err := r.Body()
	if err != nil {
		return nil, err
	}
	res := &SQLResult[T]{Columns: body.Metadata}
	if body.SQLInfo != nil {
		res.Info = *body.SQLInfo
	}
	if body.Data != nil {
		if err := protocol.Decode(body.Data, &res.Rows); err != nil {
			return nil, err
		}
		if res.Rows == nil {
			res.Rows = []T{}
		}
	}
	return res, nil
}
