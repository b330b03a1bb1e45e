package client_test

// Hostile servers whose frames are well delimited but whose responses are
// wrong: a sync id nobody sent, a second response to one sync, a body of
// the wrong shape or not MessagePack, an error response whose MP_ERROR is
// malformed. The client can still tell frames apart, so the connection
// keeps serving: a response it cannot match is discarded (and logged), and
// a body it cannot decode fails that request, or the decoding of that
// response, with a typed protocol error.

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
)

// logNeverSent is the log message of a response to a sync id the client
// never sent.
const logNeverSent = "discarding a response to a request never sent"

// scripted is a handler that greets, answers the n-th request with
// answers[n](request) as a raw frame, then serves normally.
func scripted(answers ...func(req fakeiproto.Request) []byte) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error {
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		for _, answer := range answers {
			req, err := c.ReadRequest()
			if err != nil {
				return err
			}
			if err := c.Write(answer(req)); err != nil {
				return err
			}
		}
		return c.Serve()
	}
}

// okFrame is an OK frame for sync with the given raw body.
func okFrame(sync uint64, body []byte) []byte {
	return fakeiproto.Frame(fakeiproto.ResponseHeader(uint32(iproto.IPROTO_OK), sync), body)
}

// okDataFrame is an OK frame for sync whose IPROTO_DATA is [values...].
func okDataFrame(t *testing.T, sync uint64, values ...any) []byte {
	body, err := fakeiproto.OKBody(values...)
	require.NoError(t, err)
	return okFrame(sync, body)
}

// requireStillServes checks that c serves on the connection it has (the fake
// server accepted one connection only).
func requireStillServes(t *testing.T, c *client.Client, srv *fakeiproto.Server) {
	t.Helper()
	requireEchoes(t, c, "same connection")
	require.True(t, c.Connected())
	require.Equal(t, 1, srv.Accepted(), "the connection was never broken")
	require.Zero(t, c.InFlight())
}

// TestHostileUnknownSync: responses to sync ids the client never sent are
// discarded with a warning; the request in flight gets its own response.
func TestHostileUnknownSync(t *testing.T) {
	requireNoLeaks(t)
	srv := startFake(t, scripted(func(req fakeiproto.Request) []byte {
		out := okDataFrame(t, req.Sync+1000, "bogus")
		out = append(out, okDataFrame(t, 1<<64-1, "bogus")...)
		return append(out, okDataFrame(t, req.Sync, "real")...)
	}))
	log := newLogRecorder()
	c := dialFake(t, srv, withLog(log))
	r, err := await(t, c.Call(testContext(t), "f", "real"))
	require.NoError(t, err)
	require.Equal(t, []any{"real"}, responseValues(t, r))
	log.waitFor(t, logNeverSent, 2)
	requireStillServes(t, c, srv)
}

// TestHostileDuplicateSync: a second response to a request already
// answered is discarded (like a late response to a forgotten request);
// it never settles the next request, which gets its own response.
func TestHostileDuplicateSync(t *testing.T) {
	requireNoLeaks(t)
	srv := startFake(t, scripted(
		func(req fakeiproto.Request) []byte {
			return append(okDataFrame(t, req.Sync, "first"), okDataFrame(t, req.Sync, "again")...)
		},
		func(req fakeiproto.Request) []byte { return okDataFrame(t, req.Sync, "second") },
	))
	log := newLogRecorder()
	c := dialFake(t, srv, withLog(log))
	ctx := testContext(t)
	r, err := await(t, c.Call(ctx, "f"))
	require.NoError(t, err)
	require.Equal(t, []any{"first"}, responseValues(t, r))
	r, err = await(t, c.Call(ctx, "f"))
	require.NoError(t, err)
	require.Equal(t, []any{"second"}, responseValues(t, r))
	log.waitFor(t, logDiscarded, 1)
	require.Zero(t, log.count(logNeverSent))
	requireStillServes(t, c, srv)
}

// TestHostileBodyWrongTypes: an OK response whose body has the wrong
// shape settles its request (the frame is whole, the response is kept raw
// until decoded), and decoding it fails with a typed protocol error.
func TestHostileBodyWrongTypes(t *testing.T) {
	requireNoLeaks(t)
	data := protocol.AppendUint(protocol.AppendMapHeader(nil, 1), uint64(iproto.IPROTO_DATA))
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"data a string", protocol.AppendString(append([]byte(nil), data...), "not tuples")},
		{"data a map", append(append([]byte(nil), data...), 0x81, 0x01, 0x02)},
		{"data nil", append(append([]byte(nil), data...), 0xc0)},
		{"body an array", []byte{0x92, 0x01, 0x02}},
		{"body a string", protocol.AppendString(nil, "ok")},
		{"metadata a string", protocol.AppendString(protocol.AppendUint(protocol.AppendMapHeader(nil, 1), uint64(iproto.IPROTO_METADATA)), "x")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, scripted(func(req fakeiproto.Request) []byte { return okFrame(req.Sync, tc.body) }))
			c := dialFake(t, srv)
			requireUndecodable(t, c)
			requireStillServes(t, c, srv)
		})
	}

	// A select answered with no IPROTO_DATA at all: Values and First find
	// nothing, Decode (which needs data) fails with a typed error.
	srv := startFake(t, scripted(func(req fakeiproto.Request) []byte { return okFrame(req.Sync, protocol.AppendMapHeader(nil, 0)) }))
	c := dialFake(t, srv)
	r, err := await(t, c.Select(testContext(t), 512, 0, 1))
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Nil(t, values)
	var tuples []any
	requireTyped(t, r.Decode(&tuples))
	requireStillServes(t, c, srv)
}

// requireUndecodable sends a select whose response (scripted by the
// test's server) is whole but cannot be decoded: the request succeeds and
// every way of decoding the response fails with a typed error (or, for
// Decode of nil data, gives a nil slice).
func requireUndecodable(t *testing.T, c *client.Client) {
	t.Helper()
	r, err := await(t, c.Select(testContext(t), 512, 0, 1))
	require.NoError(t, err, "the frame is whole: the request is answered")
	require.NotNil(t, r)

	_, err = r.Values()
	requireTyped(t, err)
	// Decode follows msgpack, which decodes nil into a nil slice; anything
	// else fails.
	var tuples []any
	if err := r.Decode(&tuples); err != nil {
		requireTyped(t, err)
	} else {
		require.Nil(t, tuples)
	}
	var rows []struct {
		_msgpack struct{} `msgpack:",as_array"`
		ID       uint64
	}
	if err := r.Decode(&rows); err != nil {
		requireTyped(t, err)
	} else {
		require.Nil(t, rows)
	}
	if _, err := r.Body(); err == nil {
		// The body is a map: its data is what is wrong.
		var first []any
		_, err = r.First(&first)
		if err != nil {
			requireTyped(t, err)
		}
	} else {
		requireTyped(t, err)
	}
}

// requireTyped checks that err is a protocol error a caller can match:
// *protocol.MalformedError or *protocol.UnmarshalError.
func requireTyped(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var me *protocol.MalformedError
	var ue *protocol.UnmarshalError
	require.True(t, errors.As(err, &me) || errors.As(err, &ue), "untyped error %T: %v", err, err)
}

// TestHostileMalformedBodyMsgpack: an OK response whose body is not
// valid MessagePack is answered and fails to decode with a
// *protocol.MalformedError; the connection keeps serving.
func TestHostileMalformedBodyMsgpack(t *testing.T) {
	requireNoLeaks(t)
	data := protocol.AppendUint(protocol.AppendMapHeader(nil, 1), uint64(iproto.IPROTO_DATA))
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"never-used byte 0xc1", []byte{0xc1}},
		{"0xc1 in the data", append(append([]byte(nil), data...), 0x91, 0xc1)},
		{"array longer than the data", append(append([]byte(nil), data...), 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01)},
		{"string longer than the data", append(append([]byte(nil), data...), 0x91, 0xdb, 0x7f, 0xff, 0xff, 0xff, 'x')},
		{"map truncated", []byte{0x82, 0x30, 0x90}},
		{"nested 1000 deep", append(append([]byte(nil), data...), []byte(strings.Repeat("\x91", 1000)+"\x00")...)},
		{"extension longer than the data", append(append([]byte(nil), data...), 0x91, 0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, scripted(func(req fakeiproto.Request) []byte { return okFrame(req.Sync, tc.body) }))
			c := dialFake(t, srv)
			requireUndecodable(t, c)
			requireStillServes(t, c, srv)
		})
	}
}

// TestHostileMalformedErrorBody: an error response whose body (message or
// MP_ERROR stack) cannot be decoded fails its request with a
// *protocol.MalformedError; the frame was whole, so the connection keeps
// serving.
func TestHostileMalformedErrorBody(t *testing.T) {
	requireNoLeaks(t)
	mpError := protocol.AppendUint(protocol.AppendMapHeader(nil, 1), uint64(iproto.IPROTO_ERROR))
	with := func(raw ...byte) []byte { return append(append([]byte(nil), mpError...), raw...) }
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"MP_ERROR a string", with(0xa1, 'x')},
		{"stack a string", with(0x81, 0x00, 0xa1, 'x')},
		{"stack of 2^32-1 frames", with(0x81, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x80)},
		{"frame a number", with(0x81, 0x00, 0x91, 0x07)},
		{"message a number", with(0x81, 0x00, 0x91, 0x81, 0x03, 0x07)},
		{"code a string", with(0x81, 0x00, 0x91, 0x81, 0x05, 0xa1, 'x')},
		{"fields not a map", with(0x81, 0x00, 0x91, 0x81, 0x06, 0x91, 0x01)},
		{"0xc1 in MP_ERROR", with(0x81, 0x00, 0x91, 0x81, 0x03, 0xc1)},
		{"message not a string", protocol.AppendUint(protocol.AppendUint(protocol.AppendMapHeader(nil, 1), uint64(iproto.IPROTO_ERROR_24)), 42)},
		{"body an array", []byte{0x91, 0x00}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, scripted(func(req fakeiproto.Request) []byte {
				return fakeiproto.Frame(fakeiproto.ResponseHeader(fakeiproto.ErrorCode(iproto.ER_PROC_LUA), req.Sync), tc.body)
			}))
			c := dialFake(t, srv)
			r, err := await(t, c.Call(testContext(t), "f"))
			require.Nil(t, r)
			var me *protocol.MalformedError
			require.ErrorAs(t, err, &me)
			var ce *client.ConnectionError
			require.False(t, errors.As(err, &ce), "the connection is fine: %v", err)
			requireStillServes(t, c, srv)
		})
	}
}
