package fakeiproto_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
)

func TestGreetingParses(t *testing.T) {
	g := fakeiproto.Greeting()
	require.Len(t, g, protocol.GreetingSize)
	parsed, err := protocol.ParseGreeting(g)
	require.NoError(t, err)
	require.Equal(t, protocol.Version{Major: 2, Minor: 6}, parsed.Version)
	require.Len(t, parsed.Salt, 32)

	_, err = protocol.ParseGreeting(fakeiproto.GreetingWithSalt(make([]byte, 10)))
	require.ErrorIs(t, err, protocol.ErrSaltTooShort)
	require.Panics(t, func() { fakeiproto.GreetingWithSalt(make([]byte, 46)) })
}

// readResponse reads one response frame from br.
func readResponse(t *testing.T, br *bufio.Reader) (protocol.ResponseHeader, []byte) {
	t.Helper()
	h, body, err := fakeiproto.ReadResponse(br)
	require.NoError(t, err)
	return h, body
}

// TestHealthyServes talks to Healthy by hand: greeting, ping, an echoed
// call, an error reply from a second handler, and Close reporting the
// handler's error.
func TestHealthyServes(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	srv, err := fakeiproto.Start(fakeiproto.Healthy, func(c *fakeiproto.Conn) error {
		req, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if err := c.ReplyError(req, iproto.ER_PROC_LUA, "boom"); err != nil {
			return err
		}
		return errors.New("scripted failure")
	})
	require.NoError(t, err)

	nc, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	br := bufio.NewReader(nc)
	g := make([]byte, protocol.GreetingSize)
	_, err = io.ReadFull(br, g)
	require.NoError(t, err)
	require.Equal(t, fakeiproto.Greeting(), g)

	var out []byte
	out, err = protocol.AppendFrame(out, protocol.Header{Sync: 7}, protocol.Ping{})
	require.NoError(t, err)
	out, err = protocol.AppendFrame(out, protocol.Header{Sync: 8}, &protocol.Call{Function: "f", Args: []any{"x", 1}})
	require.NoError(t, err)
	_, err = nc.Write(out)
	require.NoError(t, err)

	h, body := readResponse(t, br)
	require.Equal(t, uint64(7), h.Sync)
	require.False(t, h.IsError())
	require.Empty(t, body)
	h, body = readResponse(t, br)
	require.Equal(t, uint64(8), h.Sync)
	b, err := protocol.DecodeBody(body)
	require.NoError(t, err)
	v, _, err := protocol.DecodeValue(b.Data)
	require.NoError(t, err)
	require.Equal(t, []any{"x", int64(1)}, v)
	require.NoError(t, nc.Close())

	nc, err = net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	out, err = protocol.AppendFrame(nil, protocol.Header{Sync: 9}, protocol.Ping{})
	require.NoError(t, err)
	_, err = nc.Write(out)
	require.NoError(t, err)
	h, body = readResponse(t, bufio.NewReader(nc))
	serr, err := protocol.DecodeErrorBody(h, body)
	require.NoError(t, err)
	require.Equal(t, iproto.ER_PROC_LUA, serr.Code)
	require.Equal(t, "boom", serr.Message)

	// A third connection runs the last handler again; Close ends it.
	third, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer third.Close()
	require.Eventually(t, func() bool { return srv.Accepted() == 3 }, 5*time.Second, time.Millisecond)

	err = srv.Close()
	require.ErrorContains(t, err, "scripted failure")
	require.NoError(t, nc.Close())
	require.Equal(t, err, srv.Close(), "idempotent")
	// Close waited for every goroutine of the server.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; time.Sleep(time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "%d goroutines, %d before", runtime.NumGoroutine(), goroutines)
	}
}

// TestCloseInterruptsHandlers: Close ends handlers blocked in Hold, in a
// read and in a drip.
func TestCloseInterruptsHandlers(t *testing.T) {
	started := make(chan struct{}, 3)
	srv, err := fakeiproto.Start(
		func(c *fakeiproto.Conn) error { started <- struct{}{}; return c.Hold() },
		func(c *fakeiproto.Conn) error { started <- struct{}{}; _, err := c.ReadRequest(); return err },
		func(c *fakeiproto.Conn) error {
			started <- struct{}{}
			c.Drip(time.Hour)
			return c.WriteGreeting()
		},
	)
	require.NoError(t, err)
	for range 3 {
		nc, err := net.Dial("tcp", srv.Addr())
		require.NoError(t, err)
		defer nc.Close()
		<-started
	}
	require.NoError(t, srv.Close())
}

// TestPipes dials a pipe, reads its greeting, and checks that TakeByte
// holds the client's write until the server reads the rest of the frame.
func TestPipes(t *testing.T) {
	p := fakeiproto.NewPipes()
	defer p.Close()
	require.Equal(t, "pipe", p.Address())
	ctx := context.Background()
	nc, err := p.Dial(ctx)
	require.NoError(t, err)
	defer nc.Close()
	g := make([]byte, protocol.GreetingSize)
	_, err = io.ReadFull(nc, g)
	require.NoError(t, err)
	require.Equal(t, fakeiproto.Greeting(), g)
	srv, err := p.Next(ctx)
	require.NoError(t, err)
	require.Zero(t, srv.Index())

	out, err := protocol.AppendFrame(nil, protocol.Header{Sync: 5}, &protocol.Call{Function: "f", Args: []any{"x"}})
	require.NoError(t, err)
	written := make(chan error, 1)
	go func() { _, err := nc.Write(out); written <- err }()
	require.NoError(t, srv.TakeByte())
	select {
	case err := <-written:
		t.Fatalf("the write completed after one byte was read: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	req, err := srv.ReadRequest()
	require.NoError(t, err)
	require.NoError(t, <-written)
	require.Equal(t, iproto.IPROTO_CALL, req.Type)
	require.Equal(t, uint64(5), req.Sync)
	args, err := req.Args()
	require.NoError(t, err)
	require.Equal(t, []any{"x"}, args)

	done := make(chan error, 1)
	go func() { done <- srv.ReplyOK(req, 1) }()
	h, _ := readResponse(t, bufio.NewReader(nc))
	require.NoError(t, <-done)
	require.Equal(t, uint64(5), h.Sync)

	require.NoError(t, srv.Close())
	require.NoError(t, p.Close())
	_, err = p.Dial(ctx)
	require.ErrorIs(t, err, fakeiproto.ErrClosed)
	_, err = p.Next(ctx)
	require.ErrorIs(t, err, fakeiproto.ErrClosed)
}

// TestID: Modern greets as ModernVersion and answers ID with what it was
// given; Healthy rejects ID with ER_UNKNOWN_REQUEST_TYPE, as Tarantool 2.6
// does.
func TestID(t *testing.T) {
	announce := protocol.ID{Version: 6, Features: []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_ERROR_EXTENSION}, AuthType: "chap-sha1"}
	srv, err := fakeiproto.Start(fakeiproto.Modern(announce), fakeiproto.Healthy)
	require.NoError(t, err)
	defer srv.Close()

	ask := func() (protocol.Greeting, protocol.ResponseHeader, []byte) {
		nc, err := net.Dial("tcp", srv.Addr())
		require.NoError(t, err)
		defer nc.Close()
		br := bufio.NewReader(nc)
		raw := make([]byte, protocol.GreetingSize)
		_, err = io.ReadFull(br, raw)
		require.NoError(t, err)
		g, err := protocol.ParseGreeting(raw)
		require.NoError(t, err)
		out, err := protocol.AppendFrame(nil, protocol.Header{Sync: 3}, protocol.ID{Version: 1})
		require.NoError(t, err)
		_, err = nc.Write(out)
		require.NoError(t, err)
		h, body := readResponse(t, br)
		return g, h, body
	}

	g, h, body := ask()
	require.Equal(t, protocol.Version{Major: 3, Minor: 1}, g.Version)
	require.Len(t, g.Salt, 32)
	require.False(t, h.IsError())
	require.Equal(t, uint64(3), h.Sync)
	got, err := protocol.DecodeIDBody(body)
	require.NoError(t, err)
	require.Equal(t, announce, got)

	g, h, body = ask()
	require.Equal(t, protocol.Version{Major: 2, Minor: 6}, g.Version)
	serr, err := protocol.DecodeErrorBody(h, body)
	require.NoError(t, err)
	require.Equal(t, iproto.ER_UNKNOWN_REQUEST_TYPE, serr.Code)
	require.Equal(t, "Unknown request type 73", serr.Message)
	require.NoError(t, srv.Close())
}

// TestServeSpaces: with ServeSpaces, Serve resolves IPROTO_SPACE_NAME and
// IPROTO_INDEX_NAME as Tarantool 3.x does (the codes and messages of
// tx_resolve_space_and_index_name for unknown names); without it, a
// request that names its space only by name gets ER_MISSING_REQUEST_FIELD,
// as a server before 3.0 answers it. BEGIN and COMMIT refuse is_sync
// false with ER_ILLEGAL_PARAMS.
func TestServeSpaces(t *testing.T) {
	spaces := []fakeiproto.Space{{ID: 512, Name: "test", Indexes: []string{"primary", "secondary"}}}
	srv, err := fakeiproto.Start(func(c *fakeiproto.Conn) error {
		c.ServeSpaces(spaces...)
		c.ServeRows(512, [][]any{{int64(1), "a"}, {int64(2), "b"}})
		return fakeiproto.Healthy(c)
	}, fakeiproto.Healthy)
	require.NoError(t, err)
	defer srv.Close()

	conn := func() (net.Conn, *bufio.Reader) {
		nc, err := net.Dial("tcp", srv.Addr())
		require.NoError(t, err)
		br := bufio.NewReader(nc)
		_, err = io.ReadFull(br, make([]byte, protocol.GreetingSize))
		require.NoError(t, err)
		return nc, br
	}
	ask := func(nc net.Conn, br *bufio.Reader, req protocol.Request) (protocol.ResponseHeader, []byte) {
		out, err := protocol.AppendFrame(nil, protocol.Header{Sync: 1, StreamID: 1}, req)
		require.NoError(t, err)
		_, err = nc.Write(out)
		require.NoError(t, err)
		return readResponse(t, br)
	}
	failsWith := func(h protocol.ResponseHeader, body []byte, code iproto.Error, message string) {
		t.Helper()
		serr, err := protocol.DecodeErrorBody(h, body)
		require.NoError(t, err)
		require.Equal(t, code, serr.Code)
		require.Equal(t, message, serr.Message)
	}
	data := func(h protocol.ResponseHeader, body []byte) []any {
		t.Helper()
		require.False(t, h.IsError())
		b, err := protocol.DecodeBody(body)
		require.NoError(t, err)
		v, _, err := protocol.DecodeValue(b.Data)
		require.NoError(t, err)
		return v.([]any)
	}

	nc, br := conn()
	defer nc.Close()
	all := []any{[]any{int64(1), "a"}, []any{int64(2), "b"}}
	require.Equal(t, all, data(ask(nc, br, protocol.Select{SpaceName: "test", Limit: 10, Iterator: iproto.ITER_ALL})))
	require.Equal(t, all, data(ask(nc, br, protocol.Select{SpaceName: "test", IndexName: "secondary", Limit: 10, Iterator: iproto.ITER_ALL})))
	require.Equal(t, all, data(ask(nc, br, protocol.Select{Space: 512, IndexName: "primary", Limit: 10, Iterator: iproto.ITER_ALL})))
	require.Equal(t, []any{[]any{int64(3)}}, data(ask(nc, br, protocol.Insert{SpaceName: "test", Tuple: []any{3}})))
	h, body := ask(nc, br, protocol.Insert{SpaceName: "nope", Tuple: []any{3}})
	failsWith(h, body, iproto.ER_NO_SUCH_SPACE, "Space 'nope' does not exist")
	h, body = ask(nc, br, protocol.Delete{SpaceName: "test", IndexName: "nope", Key: []any{1}})
	failsWith(h, body, iproto.ER_NO_SUCH_INDEX_NAME, "No index 'nope' is defined in space 'test'")
	h, body = ask(nc, br, protocol.Select{Space: 9999, IndexName: "primary", Limit: 1})
	failsWith(h, body, iproto.ER_NO_SUCH_SPACE, "Space '9999' does not exist")
	require.Empty(t, data(ask(nc, br, protocol.Begin{IsSync: true})))
	require.Empty(t, data(ask(nc, br, protocol.Commit{IsSync: true})))

	// A server before 3.0 ignores the name.
	nc2, br2 := conn()
	defer nc2.Close()
	h, body = ask(nc2, br2, protocol.Select{SpaceName: "test", Limit: 1})
	failsWith(h, body, iproto.ER_MISSING_REQUEST_FIELD, "Missing mandatory field 'SPACE_ID' in request")
	require.Empty(t, data(ask(nc2, br2, protocol.Select{Space: 512, Limit: 1})))

	// is_sync false, which the protocol package never sends.
	out, err := protocol.AppendFrame(nil, protocol.Header{Sync: 2, StreamID: 1}, protocol.Rollback{})
	require.NoError(t, err)
	out[5+2] = byte(iproto.IPROTO_COMMIT) // the header's request type, then a body {IS_SYNC: false}
	out = append(out, 0x81, byte(iproto.IPROTO_IS_SYNC), 0xc2)
	out[4] += 3
	_, err = nc2.Write(out)
	require.NoError(t, err)
	h, body = readResponse(t, br2)
	failsWith(h, body, iproto.ER_ILLEGAL_PARAMS, "is_sync can only be true")
	require.NoError(t, srv.Close())
}
