// Package client is a pipelined Tarantool client whose every command
// returns at once a [future.Future] that settles when the response arrives.
//
// # Connecting
//
// [Dial] (or [Connect], its future form) connects to one server, logs in and
// loads the schema; [Lazy] returns a [Client] at once and connects in the
// background. [DialPool], [ConnectPool] and [LazyPool] do the same for a
// [Pool] of connections to one server. Addresses are those of
// [transport.ParseAddress] ("host:port", "unix:/path", "/path.sock", ...),
// also with Tarantool's "user:password@" in front
// ([transport.SplitCredentials]);
// [Options] configure authentication, timeouts, TLS, the reconnect policy
// ([reconnect.Policy]), back-pressure and lifecycle [Handlers]. *Client and
// *Pool both satisfy [Conn].
//
//	c, err := client.Dial(ctx, "127.0.0.1:3301", client.Options{User: "app", Password: pw})
//	...
//	c.Insert(ctx, "users", []any{1, "ann"}).
//		Then(func(r *client.Response) (*client.Response, error) { ... })
//	users, err := client.Tuples[User](c.Select(ctx, "users", "primary", 1)).Await(ctx)
//
// # Requests and responses
//
// A Client owns one connection at a time: a writer goroutine that writes all
// the requests queued since its last write in one system call, and a reader
// goroutine that matches responses to requests by sync id. Thousands of
// requests may be in flight at once; Options.MaxInFlight bounds them (the
// caller blocks, or the request fails fast with [ErrTooManyInFlight], per
// Options.WhenFull). Update operations are [Op] values such as [OpAssign]
// (protocol's, repeated here, as are the iterators [IterEq], [IterGE], ...,
// the common server error codes [CodeTupleFound], ... and the decode
// errors), so common code needs no other import of this module.
//
// A [Response] stays raw msgpack until the caller decodes it ([Response.First],
// [Response.Decode], [Response.Values], [Tuples], [One]), in its own goroutine
// (after Await) or on the client's callback executor, a [future.Serial]
// (inside Then), never on the network reader. [Response.Release] recycles the
// request's memory. [Client.CallWithPush] and [Client.EvalWithPush] take a
// listener for the function's box.session.push messages ([Push]): called on
// the executor, in order, before the future settles, never after it.
//
// # Streams and transactions
//
// [Client.NewStream] (and [Pool.NewStream], on one member) returns a
// [Stream] (Tarantool 2.10+): every command, its requests run in order
// on the server, and [Stream.Begin], [Stream.Commit] and [Stream.Rollback]
// run an interactive transaction ([Client.Tx] wraps them around a
// function, rolling back on an error or a panic). A stream lives on one
// connection: once that breaks, its requests fail, not sent, with
// [ErrStreamLost]; on a server without streams they fail with a
// [FeatureError]. Memtx needs box.cfg{memtx_use_mvcc_engine = true} for
// transactions that span requests. [TxnSync] and [CommitSync] make a
// transaction synchronous (Tarantool 3.2+; before, a [FeatureError], not
// sent).
//
// With [Options].SkipSchema there is no schema to turn names into numbers:
// a 3.0+ server (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES) is sent the names
// and resolves them itself; an older one needs numbers. [Pool.ServerInfo]
// is what the first connected member's server announced.
//
// Selects page with Tarantool 2.10+: [FetchPos] asks for the position of a
// page's last tuple ([Response.Position]), [After] and [AfterTuple] resume
// after a position or a tuple, and [Pages] walks a whole index a page at a
// time ([Pager]). A server without the pagination feature is never sent
// such a select: it fails at once with a *[FeatureError].
//
// # Watchers and graceful shutdown
//
// [Client.Watch] (and [Pool.Watch], on one member at a time) follows a key
// the server publishes with box.broadcast, or a built-in one such as
// box.status (Tarantool 2.10+): the callback gets each [Event], the current
// value first, on the executor, one at a time; [Watcher.Unwatch] ends it,
// and every reconnection registers it again. [Client.WatchOnce] reads one
// value. When a server announces its graceful shutdown (box.shutdown), the
// client stops sending on that connection, lets the requests in flight
// finish, and reconnects ([ErrServerShutdown]); [Client.CloseGraceful] and
// [Pool.CloseGraceful] close the same way.
//
// # Errors
//
// Errors are typed: a *[ServerError] carries the Tarantool error code
// (errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND))); a
// *[ConnectionError] or *[ContextError] tells whether the request was sent
// (errors.Is(err, [ErrNotSent]) means it is safe to retry, [ErrOutcomeUnknown]
// that the server may have run it); [EncodeError], [SchemaError],
// [ArgumentError], [InFlightLimitError] and [AuthError] name the other
// failures. Dial errors come from [transport.DialError]; malformed server
// data is a [protocol.MalformedError]. [SafeToRetry] and [IsUnavailable]
// answer the two questions a service asks of an error.
//
// # Reconnection
//
// When the connection breaks, requests in flight fail at once and the client
// reconnects in the background per Options.Reconnect (default
// [reconnect.DefaultBackoff]), logging in and reloading the schema;
// Options.WaitForReconnect lets requests made meanwhile wait for it, and
// [Client.WaitConnected] waits for it.
package client
