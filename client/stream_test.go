package client_test

// Streams and interactive transactions: against fake 2.10+ servers (stream
// ids on the wire, order, Tx, a lost stream, pool pinning), the real
// server when it is older than 2.10 (the feature error) and when it is
// 2.10 or later (a real transaction).

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// seen is one request a streamServer read: on which connection.
type seen struct {
	conn int
	req  fakeiproto.Request
}

// wireLog collects what streamServer connections read.
type wireLog struct {
	mu   sync.Mutex
	reqs []seen
}

func (w *wireLog) add(s seen) {
	w.mu.Lock()
	w.reqs = append(w.reqs, s)
	w.mu.Unlock()
}

func (w *wireLog) all() []seen {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]seen(nil), w.reqs...)
}

// streamServer is a fake 2.10+ server announcing modernAnnounce (streams
// among it) that logs every request after the handshake and answers as
// fakeiproto.Serve does (BEGIN, COMMIT, ROLLBACK with OK, CALL by echoing
// its arguments); a CALL whose only argument is "die" closes the
// connection unanswered. BEGIN, COMMIT and ROLLBACK without a stream id
// are answered with the error a real server gives.
func streamServer(log *wireLog) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error {
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return err
			}
			switch req.Type {
			case iproto.IPROTO_ID:
				err = c.ReplyID(req, modernAnnounce)
			case iproto.IPROTO_BEGIN, iproto.IPROTO_COMMIT, iproto.IPROTO_ROLLBACK:
				log.add(seen{c.Index(), req})
				if req.StreamID == 0 {
					err = c.ReplyError(req, iproto.ER_UNSUPPORTED, "transaction outside a stream")
				} else {
					err = c.ReplyOK(req)
				}
			default:
				log.add(seen{c.Index(), req})
				args, aerr := req.Args()
				if aerr != nil {
					return aerr
				}
				if len(args) == 1 && args[0] == "die" {
					return nil
				}
				err = c.ReplyOK(req, args...)
			}
			if err != nil {
				return err
			}
		}
	}
}

// types returns the request types and stream ids of log's requests.
func types(reqs []seen) (ts []iproto.Type, ids []uint64) {
	for _, s := range reqs {
		ts = append(ts, s.req.Type)
		ids = append(ids, s.req.StreamID)
	}
	return ts, ids
}

// TestStreamWire: a stream's requests carry its id, in the order made;
// ids count from 1 per client; requests outside a stream carry none.
func TestStreamWire(t *testing.T) {
	var log wireLog
	srv := startFake(t, streamServer(&log))
	c := dialFake(t, srv)
	ctx := testContext(t)

	s1, s2 := c.NewStream(), c.NewStream()
	require.Equal(t, uint64(1), s1.ID())
	require.Equal(t, uint64(2), s2.ID())
	fs := []interface {
		Await(context.Context) (*client.Response, error)
	}{
		s1.Begin(ctx, client.TxnIsolation(protocol.IsolationReadCommitted), client.TxnTimeout(1500e6)),
		s1.Call(ctx, "echo", 1),
		s2.Replace(ctx, 512, []any{1}),
		c.Call(ctx, "echo", 2),
		s1.Commit(ctx),
		s2.Rollback(ctx),
	}
	for _, f := range fs {
		_, err := f.Await(ctx)
		require.NoError(t, err)
	}
	ts, ids := types(log.all())
	require.Equal(t, []iproto.Type{iproto.IPROTO_BEGIN, iproto.IPROTO_CALL, iproto.IPROTO_REPLACE,
		iproto.IPROTO_CALL, iproto.IPROTO_COMMIT, iproto.IPROTO_ROLLBACK}, ts)
	require.Equal(t, []uint64{1, 1, 2, 0, 1, 2}, ids)
	begin := log.all()[0].req
	require.Equal(t, "82"+"56cb3ff8000000000000"+"5901", hex.EncodeToString(begin.Body), "BEGIN body: timeout 1.5 s, read-committed")
}

// TestStreamTx: Tx commits when fn returns nil, rolls back when it
// returns an error (returned as is) or panics (re-raised after the
// rollback); each Tx has a stream of its own.
func TestStreamTx(t *testing.T) {
	var log wireLog
	srv := startFake(t, streamServer(&log))
	c := dialFake(t, srv)
	ctx := testContext(t)

	require.NoError(t, c.Tx(ctx, func(tx *client.Stream) error {
		_, err := tx.Call(ctx, "echo", "in").Await(ctx)
		return err
	}))
	boom := errors.New("boom")
	require.ErrorIs(t, c.Tx(ctx, func(tx *client.Stream) error { return boom }), boom)
	require.PanicsWithValue(t, "oops", func() {
		_ = c.Tx(ctx, func(tx *client.Stream) error { panic("oops") })
	})
	ts, ids := types(log.all())
	require.Equal(t, []iproto.Type{
		iproto.IPROTO_BEGIN, iproto.IPROTO_CALL, iproto.IPROTO_COMMIT,
		iproto.IPROTO_BEGIN, iproto.IPROTO_ROLLBACK,
		iproto.IPROTO_BEGIN, iproto.IPROTO_ROLLBACK,
	}, ts)
	require.Equal(t, []uint64{1, 1, 1, 2, 2, 3, 3}, ids)
}

// TestStreamLost: after the stream's connection breaks, its requests fail
// as not sent with ErrStreamLost and never reach the new connection;
// a new stream works there.
func TestStreamLost(t *testing.T) {
	var log wireLog
	srv := startFake(t, streamServer(&log), streamServer(&log))
	c := dialFake(t, srv)
	ctx := testContext(t)

	s := c.NewStream()
	_, err := s.Begin(ctx).Await(ctx)
	require.NoError(t, err)
	_, err = c.Call(ctx, "echo", "die").Await(ctx)
	require.Error(t, err)
	waitUntil(t, "reconnected", func() bool { return srv.Accepted() == 2 && c.Connected() })

	_, err = s.Call(ctx, "echo", "after").Await(ctx)
	require.ErrorIs(t, err, client.ErrStreamLost)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	_, err = s.Commit(ctx).Await(ctx)
	require.ErrorIs(t, err, client.ErrStreamLost)

	s2 := c.NewStream()
	_, err = s2.Call(ctx, "echo", "new").Await(ctx)
	require.NoError(t, err)
	for _, r := range log.all() {
		if r.conn == 1 {
			require.Equal(t, s2.ID(), r.req.StreamID, "only the new stream reached the new connection")
		}
	}
}

// TestStreamPool: a stream of a pool sends all its requests on one
// member, while the pool's own requests spread over the members.
func TestStreamPool(t *testing.T) {
	var log wireLog
	srv := startFake(t, streamServer(&log))
	p, err := client.DialPool(testContext(t), srv.Addr(), 3, fakeOptions())
	require.NoError(t, err)
	defer p.Close()
	ctx := testContext(t)

	var streams []*client.Stream
	for i := 0; i < 3; i++ {
		streams = append(streams, p.NewStream())
	}
	for round := 0; round < 4; round++ {
		for i, s := range streams {
			_, err := s.Call(ctx, "echo", "stream", i).Await(ctx)
			require.NoError(t, err)
		}
		_, err := p.Call(ctx, "echo", "pool").Await(ctx)
		require.NoError(t, err)
	}
	connsOf := map[any]map[int]bool{}
	for _, r := range log.all() {
		args, err := r.req.Args()
		require.NoError(t, err)
		key := args[0]
		if len(args) == 2 {
			key = args[1]
			require.NotZero(t, r.req.StreamID)
		}
		if connsOf[key] == nil {
			connsOf[key] = map[int]bool{}
		}
		connsOf[key][r.conn] = true
	}
	for i := range streams {
		require.Len(t, connsOf[int64(i)], 1, "stream %d on one member", i)
	}
	require.Greater(t, len(connsOf["pool"]), 1, "the pool's own requests spread")
	require.NoError(t, p.Tx(ctx, func(tx *client.Stream) error { return nil }))
}

// TestStreamNotSupported: a server that does not announce the streams
// feature (every 2.6) fails a stream's first request at once, not sent.
func TestStreamNotSupported(t *testing.T) {
	check := func(t *testing.T, c *client.Client) {
		ctx := testContext(t)
		s := c.NewStream()
		for _, f := range []func() error{
			func() error { _, err := s.Begin(ctx).Await(ctx); return err },
			func() error { _, err := s.Ping(ctx).Await(ctx); return err },
			func() error { return c.Tx(ctx, func(*client.Stream) error { t.Fatal("ran"); return nil }) },
		} {
			err := f()
			var fe *client.FeatureError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS}, fe.Missing)
			require.ErrorIs(t, err, client.ErrNotSent)
		}
	}
	t.Run("fake", func(t *testing.T) {
		srv := startFake(t, fakeiproto.Healthy)
		check(t, dialFake(t, srv))
	})
	t.Run("real", func(t *testing.T) {
		requireServer(t)
		c := dialShared(t)
		if c.ServerInfo().Has(iproto.IPROTO_FEATURE_STREAMS) {
			t.Skipf("the server (%s) has streams", c.ServerInfo().Version)
		}
		check(t, c)
	})
}

// TestStreamReal runs a transaction on a real 2.10+ server: what a stream
// wrote is invisible outside it until Commit, and gone after Rollback.
// It needs the server started with box.cfg{memtx_use_mvcc_engine = true}
// (testdata/server.lua sets it on 2.10+; without it a memtx transaction
// cannot span requests: the server aborts it at the first yield). It
// creates a space, so it is not parallel. It skips before 2.10.
func TestStreamReal(t *testing.T) {
	tarantooltest.RequireVersion(t, "2.10")
	c := dialShared(t)
	ctx := testContext(t)
	space := createSpace(t, c, "stream_tx", `s:create_index('primary', {parts = {1, 'unsigned'}})`)

	s := c.NewStream()
	_, err := s.Begin(ctx, client.TxnTimeout(10e9)).Await(ctx)
	require.NoError(t, err)
	_, err = s.Replace(ctx, space, []any{1, "tx"}).Await(ctx)
	require.NoError(t, err)
	inside := awaitValues(t, s.Select(ctx, space, nil, 1))
	require.Len(t, inside, 1)
	outside := awaitValues(t, c.Select(ctx, space, nil, 1))
	require.Empty(t, outside, "uncommitted write visible outside the stream")
	_, err = s.Commit(ctx).Await(ctx)
	require.NoError(t, err)
	require.Len(t, awaitValues(t, c.Select(ctx, space, nil, 1)), 1)

	err = c.Tx(ctx, func(tx *client.Stream) error {
		if _, err := tx.Replace(ctx, space, []any{2, "rolled back"}).Await(ctx); err != nil {
			return err
		}
		return errors.New("undo")
	})
	require.EqualError(t, err, "undo")
	require.Empty(t, awaitValues(t, c.Select(ctx, space, nil, 2)))
}
