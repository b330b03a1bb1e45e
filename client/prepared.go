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

// Prepare compiles an SQL statement on the server for repeated Execute.
func (c *Client) Prepare(ctx context.Context, sql string) *future.Future[*Prepared] {
	resp := c.do(ctx, protocol.Prepare{SQL: sql})
	return future.Map(resp, func(r *Response) (*Prepared, error) {
		body, err := r.Body()
		if err != nil {
			return nil, err
		}
		return &Prepared{
			StmtID:     body.StmtID,
			ParamCount: body.BindCount,
			Params:     body.BindMetadata,
			Columns:    body.Metadata,
			client:     c,
		}, nil
	})
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
