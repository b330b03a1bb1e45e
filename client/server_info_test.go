package client_test

// Feature negotiation (IPROTO_ID): against fake 2.10+ servers (answer,
// rejection, pipelining with AUTH, RequiredFeatures) and against the real
// server, whatever its version.

import (
	"bufio"
	"io"
	"net"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
)

// modernAnnounce is what the fake 2.10+ servers of these tests announce.
var modernAnnounce = protocol.ID{
	Version:  6,
	Features: []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_TRANSACTIONS, iproto.IPROTO_FEATURE_ERROR_EXTENSION},
	AuthType: "chap-sha1",
}

// idServer greets as a 2.10+ server, reads the client's ID request into
// *got, answers it with announce, then serves.
func idServer(got *protocol.ID, announce protocol.ID) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error {
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		req, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if req.Type != iproto.IPROTO_ID {
			return c.ReplyError(req, iproto.ER_PROC_LUA, "expected ID first, got "+req.Type.String())
		}
		if *got, err = protocol.DecodeIDBody(req.Body); err != nil {
			return err
		}
		if err := c.ReplyID(req, announce); err != nil {
			return err
		}
		c.AnswerID(announce)
		return c.Serve()
	}
}

// TestServerInfoNegotiated: a client of a 2.10+ server sends ID first,
// announcing streams, transactions, the error extension, space and index
// names and is_sync, and keeps what the server announced.
func TestServerInfoNegotiated(t *testing.T) {
	var sent protocol.ID
	srv := startFake(t, idServer(&sent, modernAnnounce))
	c := dialFake(t, srv)
	require.Equal(t, protocol.ID{Version: 2, Features: []iproto.Feature{
		iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_TRANSACTIONS, iproto.IPROTO_FEATURE_ERROR_EXTENSION,
		iproto.IPROTO_FEATURE_SPACE_AND_INDEX_NAMES, iproto.IPROTO_FEATURE_IS_SYNC}}, sent)

	info := c.ServerInfo()
	require.Equal(t, client.ServerInfo{
		Version:         protocol.Version{Major: 3, Minor: 1},
		ProtocolVersion: 6,
		Features:        modernAnnounce.Features,
		AuthType:        "chap-sha1",
	}, info)
	require.True(t, info.Has(iproto.IPROTO_FEATURE_STREAMS))
	require.False(t, info.Has(iproto.IPROTO_FEATURE_WATCHERS))
	// ServerInfo hands out a copy.
	info.Features[0] = 99
	require.Equal(t, iproto.IPROTO_FEATURE_STREAMS, c.ServerInfo().Features[0])
	// The connection works after the handshake.
	require.Equal(t, []any{"x"}, awaitValues(t, c.Call(testContext(t), "echo", "x")))

	require.NoError(t, c.Close())
	require.Zero(t, c.ServerInfo(), "not connected")
}

// TestServerInfoIDRejected: a server whose greeting says 2.10+ but which
// rejects ID with ER_UNKNOWN_REQUEST_TYPE (as 2.6 does) leaves a version-0
// client that works.
func TestServerInfoIDRejected(t *testing.T) {
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		return c.Serve() // rejects ID
	})
	c := dialFake(t, srv)
	require.Equal(t, client.ServerInfo{Version: protocol.Version{Major: 3, Minor: 1}}, c.ServerInfo())
	require.Equal(t, []any{"x"}, awaitValues(t, c.Call(testContext(t), "echo", "x")))
}

// TestServerInfoOldGreeting: the client sends no ID to a server whose
// greeting is older than 2.10; its first request is the caller's.
func TestServerInfoOldGreeting(t *testing.T) {
	first := make(chan iproto.Type, 1)
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		req, err := greetThenRead(c)
		if err != nil {
			return err
		}
		first <- req.Type
		return c.ReplyOK(req)
	})
	c := dialFake(t, srv)
	require.Equal(t, client.ServerInfo{Version: protocol.Version{Major: 2, Minor: 6}}, c.ServerInfo())
	_, err := c.Ping(testContext(t)).Await(testContext(t))
	require.NoError(t, err)
	require.Equal(t, iproto.IPROTO_PING, <-first)
}

// TestServerInfoPipelinedWithAuth: ID and AUTH leave in one write (the
// server reads both before answering either, so a client waiting for the
// ID answer would hang), and the answers are matched by sync id even in
// the reverse order.
func TestServerInfoPipelinedWithAuth(t *testing.T) {
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		id, err := c.ReadRequest()
		if err != nil {
			return err
		}
		auth, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if id.Type != iproto.IPROTO_ID || auth.Type != iproto.IPROTO_AUTH {
			return c.ReplyError(auth, iproto.ER_PROC_LUA, "expected ID then AUTH")
		}
		if err := c.ReplyOK(auth); err != nil {
			return err
		}
		if err := c.ReplyID(id, modernAnnounce); err != nil {
			return err
		}
		return c.Serve()
	})
	c := dialFake(t, srv, func(o *client.Options) { o.User, o.Password = "tester", "secret" })
	require.Equal(t, uint64(6), c.ServerInfo().ProtocolVersion)

	// A refused login is still an *AuthError when ID was answered.
	srv = startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		id, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if err := c.ReplyID(id, modernAnnounce); err != nil {
			return err
		}
		auth, err := c.ReadRequest()
		if err != nil {
			return err
		}
		return c.ReplyError(auth, iproto.ER_CREDS_MISMATCH, "User not found or supplied credentials are invalid")
	})
	err := dialFails(t, srv, func(o *client.Options) { o.User, o.Password = "tester", "wrong" })
	var ae *client.AuthError
	require.ErrorAs(t, err, &ae)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_CREDS_MISMATCH))
}

// TestServerInfoIDFailures: an ID refused for another reason than an
// unknown request type, an undecodable answer, and an answer with a sync
// id nobody sent fail the dial with the server's error or a
// *MalformedError.
func TestServerInfoIDFailures(t *testing.T) {
	reply := func(answer func(c *fakeiproto.Conn, req fakeiproto.Request) error) fakeiproto.Handler {
		return func(c *fakeiproto.Conn) error {
			if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
				return err
			}
			req, err := c.ReadRequest()
			if err != nil {
				return err
			}
			if err := answer(c, req); err != nil {
				return err
			}
			return c.Discard()
		}
	}
	srv := startFake(t, reply(func(c *fakeiproto.Conn, req fakeiproto.Request) error {
		return c.ReplyError(req, iproto.ER_ACCESS_DENIED, "denied")
	}))
	err := dialFails(t, srv)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_ACCESS_DENIED))
	require.ErrorContains(t, err, "negotiating features")

	var me *client.MalformedError
	srv = startFake(t, reply(func(c *fakeiproto.Conn, req fakeiproto.Request) error {
		return c.Write(fakeiproto.Frame(fakeiproto.ResponseHeader(uint32(iproto.IPROTO_OK), req.Sync), []byte{0x81, 0x55, 0x01}))
	}))
	require.ErrorAs(t, dialFails(t, srv), &me)

	srv = startFake(t, reply(func(c *fakeiproto.Conn, req fakeiproto.Request) error {
		req.Sync += 40
		return c.ReplyID(req, modernAnnounce)
	}))
	err = dialFails(t, srv)
	require.ErrorAs(t, err, &me)
	require.ErrorContains(t, err, "unexpected sync id")
}

// TestRequiredFeatures: a server lacking a required feature fails the
// dial with a *FeatureError naming each missing one once; one that has
// them all connects.
func TestRequiredFeatures(t *testing.T) {
	srv := startFake(t, fakeiproto.Modern(modernAnnounce), fakeiproto.Healthy)
	want := []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_WATCHERS, iproto.IPROTO_FEATURE_PAGINATION, iproto.IPROTO_FEATURE_WATCHERS}
	err := dialFails(t, srv, func(o *client.Options) { o.RequiredFeatures = want })
	var fe *client.FeatureError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS, iproto.IPROTO_FEATURE_PAGINATION}, fe.Missing)
	require.Equal(t, uint64(6), fe.Server.ProtocolVersion)
	require.EqualError(t, err, "txtarantool: server lacks required features IPROTO_FEATURE_WATCHERS, IPROTO_FEATURE_PAGINATION (Tarantool 3.1.0, protocol version 6)")

	// The second connection is a 2.6 server: it announces nothing.
	err = dialFails(t, srv, func(o *client.Options) { o.RequiredFeatures = want[:1] })
	require.ErrorAs(t, err, &fe)
	require.Equal(t, client.ServerInfo{Version: protocol.Version{Major: 2, Minor: 6}}, fe.Server)

	srv = startFake(t, fakeiproto.Modern(modernAnnounce))
	c := dialFake(t, srv, func(o *client.Options) { o.RequiredFeatures = modernAnnounce.Features })
	require.True(t, c.ServerInfo().Has(iproto.IPROTO_FEATURE_TRANSACTIONS))
}

// TestServerInfoReal checks negotiation against the real server: before
// 2.10 it rejects a raw ID exactly as fakeiproto.RejectID does and the
// client announces nothing; from 2.10 on the server announces a protocol
// version and the error extension. Either way a feature no server has
// fails RequiredFeatures.
func TestServerInfoReal(t *testing.T) {
	t.Parallel()
	inst := requireServer(t)
	c := dialShared(t)
	info := c.ServerInfo()
	require.Equal(t, c.Greeting().Version, info.Version)
	if !info.Version.AtLeast(2, 10, 0) {
		require.Equal(t, client.ServerInfo{Version: info.Version}, info)

		nc, err := net.Dial("tcp", inst.Addr())
		require.NoError(t, err)
		defer nc.Close()
		br := bufio.NewReader(nc)
		_, err = io.ReadFull(br, make([]byte, protocol.GreetingSize))
		require.NoError(t, err)
		out, err := protocol.AppendFrame(nil, protocol.Header{Sync: 2}, protocol.ID{Version: 2})
		require.NoError(t, err)
		_, err = nc.Write(out)
		require.NoError(t, err)
		h, body := readRawResponse(t, br)
		serr, err := protocol.DecodeErrorBody(h, body)
		require.NoError(t, err)
		require.Equal(t, iproto.ER_UNKNOWN_REQUEST_TYPE, serr.Code)
		require.Equal(t, "Unknown request type 73", serr.Message)
	} else {
		require.NotZero(t, info.ProtocolVersion)
		require.True(t, info.Has(iproto.IPROTO_FEATURE_ERROR_EXTENSION), "%v", info.Features)
		if info.Version.AtLeast(2, 11, 0) {
			require.NotEmpty(t, info.AuthType)
		}
	}

	_, err := client.Dial(testContext(t), inst.Addr(), testOptions(func(o *client.Options) {
		o.RequiredFeatures = []iproto.Feature{iproto.IPROTO_FEATURE_ERROR_EXTENSION, 1000}
	}))
	var fe *client.FeatureError
	require.ErrorAs(t, err, &fe)
	require.Contains(t, fe.Missing, iproto.Feature(1000))
	require.Equal(t, info.Has(iproto.IPROTO_FEATURE_ERROR_EXTENSION), !slices.Contains(fe.Missing, iproto.IPROTO_FEATURE_ERROR_EXTENSION))
}

// readRawResponse reads one response frame from br.
func readRawResponse(t *testing.T, br *bufio.Reader) (protocol.ResponseHeader, []byte) {
	t.Helper()
	h, body, err := fakeiproto.ReadResponse(br)
	require.NoError(t, err)
	return h, body
}

// TestErrorExtension: a 2.10+ server sends error objects in call results
// as MP_ERROR (ext 3) only to clients that announced the error extension
// (a string otherwise); the client announces it and decodes them as
// *ServerError.
func TestErrorExtension(t *testing.T) {
	// {MPErrorStack: [{type: "ClientError", message: "boom", code: 32}]}
	mpError := []byte{0x81, 0x00, 0x91, 0x83, 0x00, 0xab}
	mpError = append(mpError, "ClientError"...)
	mpError = append(mpError, 0x03, 0xa4)
	mpError = append(mpError, "boom"...)
	mpError = append(mpError, 0x05, 0x20)
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		id, err := c.ReadRequest()
		if err != nil {
			return err
		}
		announced, err := protocol.DecodeIDBody(id.Body)
		if err != nil {
			return err
		}
		if err := c.ReplyID(id, modernAnnounce); err != nil {
			return err
		}
		call, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if !slices.Contains(announced.Features, iproto.IPROTO_FEATURE_ERROR_EXTENSION) {
			return c.ReplyOK(call, "boom")
		}
		body := []byte{0x81, byte(iproto.IPROTO_DATA), 0x91, 0xc7, byte(len(mpError)), 3}
		return c.Write(fakeiproto.Frame(fakeiproto.ResponseHeader(uint32(iproto.IPROTO_OK), call.Sync), append(body, mpError...)))
	})
	c := dialFake(t, srv)
	values := awaitValues(t, c.Call(testContext(t), "returns_error"))
	require.Len(t, values, 1)
	serr, ok := values[0].(*client.ServerError)
	require.True(t, ok, "value is %T", values[0])
	require.Equal(t, iproto.ER_PROC_LUA, serr.Code)
	require.Equal(t, "boom", serr.Message)
}

// TestRequiredFeaturesReconnect: a lazy client keeps trying a server that
// lacks a required feature and connects once one has it.
func TestRequiredFeaturesReconnect(t *testing.T) {
	srv := startFake(t, fakeiproto.Healthy, fakeiproto.Modern(modernAnnounce))
	c, err := client.Lazy(srv.Addr(), fakeOptions(func(o *client.Options) {
		o.RequiredFeatures = []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS}
	}))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.WaitConnected(testContext(t)))
	require.Equal(t, 2, srv.Accepted())
	require.True(t, c.ServerInfo().Has(iproto.IPROTO_FEATURE_STREAMS))
}
