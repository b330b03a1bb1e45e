package client_test

// Fake servers, all from internal/fakeiproto: a loopback server whose
// connections run scripted handlers (startFake), and in-memory pipes whose
// server ends the test drives itself (newPipes, dialPipe). The tests that
// use them check for goroutine leaks, so none of them is parallel unless
// it says otherwise.

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/internal/fakeiproto"
)

// startFake starts a fake server with handlers and closes it when the
// test ends, failing the test if a handler failed (for instance on a
// request frame the client got wrong).
func startFake(t testing.TB, handlers ...fakeiproto.Handler) *fakeiproto.Server {
	t.Helper()
	srv, err := fakeiproto.Start(handlers...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// greetThenRead is the start of most scripted handlers: a valid greeting,
// then one request read.
func greetThenRead(c *fakeiproto.Conn) (fakeiproto.Request, error) {
	if err := c.WriteGreeting(); err != nil {
		return fakeiproto.Request{}, err
	}
	return c.ReadRequest()
}

// silentServer starts a fake server that sends greeting (nothing if nil)
// and then never writes again, reading and dropping whatever the client
// sends until it closes the connection: a server that hangs before or
// after its greeting. It returns the address.
func silentServer(t testing.TB, greeting []byte) string {
	t.Helper()
	return startFake(t, func(c *fakeiproto.Conn) error {
		if greeting != nil {
			if err := c.Write(greeting); err != nil {
				return err
			}
		}
		return c.Discard()
	}).Addr()
}

// closedPort returns a loopback address nobody listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// newPipes returns a dialer of in-memory pipes to fake servers the test
// drives (fakeiproto.Pipes), closed when the test ends. Use it with
// SkipSchema and no user.
func newPipes(t testing.TB) *fakeiproto.Pipes {
	p := fakeiproto.NewPipes()
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// nextPipe returns the server end of the next connection of p, greeted,
// failing the test after the hang guard.
func nextPipe(t testing.TB, p *fakeiproto.Pipes) *fakeiproto.Conn {
	t.Helper()
	c, err := p.Next(testContext(t))
	require.NoError(t, err, "no connection within %v", hangGuard)
	return c
}

// readCall reads one request frame from the server end c, which must be a
// CALL with an argument array, and returns it with its arguments.
func readCall(t testing.TB, c *fakeiproto.Conn) (fakeiproto.Request, []any) {
	t.Helper()
	req, err := c.ReadRequest()
	require.NoError(t, err)
	require.Equal(t, iproto.IPROTO_CALL, req.Type, "request type")
	args, err := req.Args()
	require.NoError(t, err)
	require.NotNil(t, args, "CALL body has no argument array")
	return req, args
}

// holdWriter reads exactly one byte of the client's next write on the
// server end c: the client's writer goroutine stays stuck inside that
// Write with the batch it took, and every later request stays queued in
// the client, not yet handed to the network (see fakeiproto.Conn.TakeByte).
func holdWriter(t testing.TB, c *fakeiproto.Conn) {
	t.Helper()
	require.NoError(t, c.TakeByte())
}
