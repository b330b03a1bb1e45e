package client

import (
	"context"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// Conn is what a *Client and a *Pool both do: the box commands, each
// returning a future, and Close. Code written against Conn switches
// between one connection and a pool with no other change (the seed's
// promise).
type Conn interface {
	Ping(ctx context.Context) *future.Future[*Response]
	Select(ctx context.Context, space, index, key any, opts ...SelectOption) *future.Future[*Response]
	Insert(ctx context.Context, space, tuple any) *future.Future[*Response]
	Replace(ctx context.Context, space, tuple any) *future.Future[*Response]
	ReplaceExisting(ctx context.Context, space, tuple any) *future.Future[*Response]
	Update(ctx context.Context, space, index, key any, ops []protocol.Op) *future.Future[*Response]
	Upsert(ctx context.Context, space, tuple any, ops []protocol.Op) *future.Future[*Response]
	Delete(ctx context.Context, space, index, key any) *future.Future[*Response]
	Call(ctx context.Context, function string, args ...any) *future.Future[*Response]
	Call16(ctx context.Context, function string, args ...any) *future.Future[*Response]
	Eval(ctx context.Context, expr string, args ...any) *future.Future[*Response]
	Execute(ctx context.Context, sql string, args ...any) *future.Future[*Response]
	Prepare(ctx context.Context, sql string) *future.Future[*Prepared]
	// Connected reports whether at least one connection is up.
	Connected() bool
	// Close stops reconnecting, fails pending requests and returns when
	// every goroutine of the connection(s) has exited.
	Close() error
}

var (
	_ Conn = (*Client)(nil)
	_ Conn = (*Pool)(nil)
)
