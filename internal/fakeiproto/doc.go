// Package fakeiproto is a scripted fake Tarantool server for tests: a
// loopback TCP listener whose connections each run a [Handler] written by
// the test, so that a test can make the server misbehave in exactly one
// way (a garbage greeting, a frame cut in half, a response to a sync id
// nobody sent, a server that stops reading, ...) and check how a client
// copes.
//
// A handler works on a [Conn]: it sends a greeting ([Conn.WriteGreeting],
// or any bytes with [Conn.Write]), reads request frames
// ([Conn.ReadRequest] gives the request type, sync id and raw body) and
// writes responses, well-formed ([Conn.ReplyOK], [Conn.ReplyError]) or
// built by hand ([Frame], [ResponseHeader], [OKBody], [ErrorBody]).
// [Conn.Serve] answers every request like a small, well-behaved Tarantool
// (authentication accepted, empty schema, calls echoed), and [Healthy] is
// the handler of a server that does only that. Like Tarantool 2.6, Serve
// rejects IPROTO_ID; [Modern] is the handler of a 2.10+ server that
// greets as [ModernVersion] and answers ID with the protocol version,
// features and auth type it is given ([Conn.ReplyID]). [Conn.ServeRows]
// makes Serve answer selects on one space from an ordered list, with
// 2.10+ pagination (positions, after tuple), and [Conn.ServeSpaces]
// resolve space and index names in data requests as 3.0+ does.
// [Conn.ServeWatchers] makes it serve WATCH, UNWATCH and WATCH_ONCE from a
// [Board] of keys that the test sets ([Board.Set], [Board.Shutdown] for
// box.shutdown); [ModernWatching] is the handler of such a server.
//
//	srv, err := fakeiproto.Start(func(c *fakeiproto.Conn) error {
//		if err := c.WriteGreeting(); err != nil {
//			return err
//		}
//		req, err := c.ReadRequest()
//		if err != nil {
//			return err
//		}
//		// A length prefix of 4 GiB: the client must refuse it.
//		return c.Write([]byte{0xce, 0xff, 0xff, 0xff, 0xff})
//	}, fakeiproto.Healthy) // the reconnection finds a good server
//	defer srv.Close()
//
// [Pipes] is the other way to reach a fake server: a dialer of in-memory
// pipes whose server ends the test drives itself ([Pipes.Next]), where a
// synchronous pipe lets it hold the client's writer inside one write
// ([Conn.TakeByte]).
//
// The package has no global state. [Server.Close] closes the listener and
// every connection and waits for all of the server's goroutines, handlers
// included, so a test that closes its servers can check that it leaks no
// goroutine.
//
// Frames are built with [github.com/txtarantool/txtarantool/protocol]; the
// client tests (client/hostile_*_test.go) point a
// [github.com/txtarantool/txtarantool/client.Client] at a Server through its
// address.
package fakeiproto
