// Package client is a pipelined Tarantool client whose every command
// returns a *future.Future.
//
// A Client owns one connection: a writer goroutine that writes all the
// requests queued since its last write in one system call, and a reader
// goroutine that matches responses to requests by sync id. Thousands of
// requests may be in flight at once; Options.MaxInFlight bounds them
// (back-pressure: the caller blocks, or the request fails fast with
// ErrTooManyInFlight, per Options.WhenFull).
//
//	c, err := client.Dial(ctx, "127.0.0.1:3301", client.Options{User: "app", Password: pw})
//	...
//	c.Insert(ctx, "users", []any{1, "ann"}).
//		Then(func(r *client.Response) (*client.Response, error) { ... })
//	resp, err := c.Select(ctx, "users", "primary", 1).Await(ctx)
//
// Errors are typed: *ServerError carries the Tarantool error code
// (errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND))), a
// *ConnectionError tells whether the request was sent (errors.Is(err,
// client.ErrNotSent) means it is safe to retry), a *ContextError wraps the
// context's cause.
//
// Responses stay raw msgpack until the caller decodes them, in its own
// goroutine (after Await) or on the client's callback executor (inside
// Then), never on the network reader.
package client
