package client

import (
	"context"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// Prepared is an SQL statement prepared on the server. It belongs to the
// connection (the server's session) it was prepared on: after a reconnect
// it must be prepared again.
type Prepared struct {
	// StmtID is the server's statement id.
	StmtID uint64
	// ParamCount is the number of bind parameters.
	ParamCount uint64
	// Params describes the bind parameters.
	Params []protocol.ColumnMeta
	// Columns describes the result columns of a SELECT-like statement.
	Columns []protocol.ColumnMeta

	client *Client
}

// Execute runs the prepared statement with bind parameters; the response
// is as for Client.Execute.
func (p *Prepared) Execute(ctx context.Context, args ...any) *future.Future[*Response] {
	return p.client.do(ctx, protocol.Execute{StmtID: p.StmtID, Args: argsOf(args)})
}

// Unprepare releases the statement on the server.
func (p *Prepared) Unprepare(ctx context.Context) *future.Future[*Response] {
	return p.client.do(ctx, protocol.Prepare{StmtID: p.StmtID})
}
