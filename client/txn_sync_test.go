package client_test

// Synchronous transactions (IPROTO_IS_SYNC in BEGIN and COMMIT,
// Tarantool 3.2+, IPROTO_FEATURE_IS_SYNC): on the wire to a fake server
// announcing the feature, refused before sending to one that does not,
// and, from 3.2, against the real server.

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// txnFrames returns the BEGIN and COMMIT frames of frames.
func txnFrames(frames []wireFrame) []wireFrame {
	var out []wireFrame
	for _, f := range frames {
		if f.Type == iproto.IPROTO_BEGIN || f.Type == iproto.IPROTO_COMMIT {
			out = append(out, f)
		}
	}
	return out
}

// TestTxnSyncWire: TxnSync and CommitSync send IPROTO_IS_SYNC true in
// BEGIN and COMMIT to a server announcing the feature (the fake refuses
// false as 3.2 does); a plain Commit(ctx) still has no body.
func TestTxnSyncWire(t *testing.T) {
	srv := startFake(t, fakeiproto.Modern(namesAnnounce))
	tap := newWiretap(t, srv.Addr())
	c := dialFake(t, srv, withDialer(tap))
	ctx := testContext(t)

	s := c.NewStream()
	_, err := s.Begin(ctx, client.TxnSync(), client.TxnIsolation(1)).Await(ctx)
	require.NoError(t, err)
	_, err = s.Commit(ctx, client.CommitSync()).Await(ctx)
	require.NoError(t, err)
	_, err = s.Begin(ctx).Await(ctx)
	require.NoError(t, err)
	_, err = s.Commit(ctx).Await(ctx)
	require.NoError(t, err)

	frames := txnFrames(tap.Frames(t))
	require.Len(t, frames, 4)
	isSync := int64(iproto.IPROTO_IS_SYNC)
	require.Equal(t, map[any]any{isSync: true, int64(iproto.IPROTO_TXN_ISOLATION): int64(1)}, frames[0].Body)
	require.Equal(t, map[any]any{isSync: true}, frames[1].Body)
	require.Equal(t, map[any]any{}, frames[2].Body)
	require.Nil(t, frames[3].Body, "a plain commit has no body")
}

// TestTxnSyncNotSupported: to a server without IPROTO_FEATURE_IS_SYNC
// (2.10 to 3.1, which would ignore the key and commit asynchronously),
// a synchronous Begin or Commit fails at once with a *FeatureError, not
// sent; the stream goes on.
func TestTxnSyncNotSupported(t *testing.T) {
	check := func(t *testing.T, c *client.Client) {
		ctx := testContext(t)
		s := c.NewStream()
		_, err := s.Begin(ctx, client.TxnSync()).Await(ctx)
		var fe *client.FeatureError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_IS_SYNC}, fe.Missing)
		require.ErrorIs(t, err, client.ErrNotSent)
		require.False(t, client.SafeToRetry(err), "the same server refuses it again")

		_, err = s.Begin(ctx).Await(ctx)
		require.NoError(t, err)
		_, err = s.Commit(ctx, client.CommitSync()).Await(ctx)
		require.ErrorAs(t, err, &fe)
		require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_IS_SYNC}, fe.Missing)
		_, err = s.Commit(ctx).Await(ctx)
		require.NoError(t, err)
	}
	t.Run("fake", func(t *testing.T) {
		srv := startFake(t, fakeiproto.Modern(modernAnnounce))
		tap := newWiretap(t, srv.Addr())
		check(t, dialFake(t, srv, withDialer(tap)))
		frames := txnFrames(tap.Frames(t))
		require.Len(t, frames, 2, "only the plain begin and commit were sent")
		for _, f := range frames {
			_, ok := f.Body[int64(iproto.IPROTO_IS_SYNC)]
			require.False(t, ok)
		}
	})
	t.Run("real", func(t *testing.T) {
		tarantooltest.RequireVersion(t, "2.10")
		c := dialShared(t)
		if c.ServerInfo().Has(iproto.IPROTO_FEATURE_IS_SYNC) {
			t.Skipf("the server (%s) has is_sync", c.ServerInfo().Version)
		}
		check(t, c)
	})
}

// TestTxnSyncReal runs synchronous transactions on a real 3.2+ server of
// the test's own: until the instance claims the synchronous queue
// (box.ctl.promote), a synchronous commit fails with
// ER_SYNC_QUEUE_UNCLAIMED, which shows the server took is_sync (an
// asynchronous commit succeeds); after it, both ways of asking commit.
// It skips before 3.2.
func TestTxnSyncReal(t *testing.T) {
	tarantooltest.RequireVersion(t, "3.2")
	inst := startServer(t, false)
	c := dial(t, inst.Addr())
	ctx := testContext(t)
	require.True(t, c.ServerInfo().Has(iproto.IPROTO_FEATURE_IS_SYNC))
	space := createSpace(t, c, "txn_sync", `s:create_index('primary', {parts = {1, 'unsigned'}})`)

	tx := func(begin []client.BeginOption, commit []client.CommitOption, key int) error {
		s := c.NewStream()
		if _, err := s.Begin(ctx, begin...).Await(ctx); err != nil {
			return err
		}
		if _, err := s.Replace(ctx, space, []any{key}).Await(ctx); err != nil {
			return err
		}
		_, err := s.Commit(ctx, commit...).Await(ctx)
		return err
	}
	require.NoError(t, tx(nil, nil, 1), "an asynchronous transaction commits")
	if evalValues(t, c, "return box.info.synchro.queue.owner")[0] == int64(0) {
		err := tx([]client.BeginOption{client.TxnSync()}, nil, 2)
		require.ErrorIs(t, err, client.ErrorCode(iproto.ER_SYNC_QUEUE_UNCLAIMED), "is_sync reached the server")
		evalValues(t, c, "box.ctl.promote()")
	}
	require.NoError(t, tx([]client.BeginOption{client.TxnSync()}, nil, 3))
	require.NoError(t, tx(nil, []client.CommitOption{client.CommitSync()}, 4))
	require.Len(t, awaitValues(t, c.Select(ctx, space, nil, nil, client.Iterator(iproto.ITER_ALL))), 3)
}
