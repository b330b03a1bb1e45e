package client_test

// Dead-peer detection (Options.DeadPeerTimeout): a server that stops
// answering, or a socket that stops taking bytes, breaks the connection
// and the client reconnects; a slow but live server, an idle connection, a
// long call and a large request written slowly do not.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/reconnect"
)

// withDeadPeerTimeout sets Options.DeadPeerTimeout.
func withDeadPeerTimeout(d time.Duration) clientOption {
	return func(o *client.Options) { o.DeadPeerTimeout = d }
}

// TestDeadPeerSilentServer: a server that takes requests and never
// answers is declared dead; the request in flight fails as sent with a
// *DeadPeerError, and the client reconnects to the next (healthy)
// connection, which serves.
func TestDeadPeerSilentServer(t *testing.T) {
	rec := newEventRecorder()
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		return c.Discard() // reads everything, answers nothing
	}, fakeiproto.Healthy)
	// The reconnect delay keeps the client disconnected while the test
	// looks, right after the failure.
	slowReconnect := func(o *client.Options) { o.Reconnect = reconnect.Constant{Delay: 300 * time.Millisecond} }
	c := dialFake(t, srv, withDeadPeerTimeout(200*time.Millisecond), withEvents(rec), slowReconnect)
	ctx := testContext(t)

	r, err := c.Ping(ctx).Await(ctx)
	ce := requireConnError(t, r, err, true, client.ErrDeadPeer)
	require.False(t, c.Connected(), "the dead connection is dropped before its requests fail")
	var dead *client.DeadPeerError
	require.ErrorAs(t, ce, &dead)
	require.GreaterOrEqual(t, dead.Silence, 150*time.Millisecond)
	require.True(t, dead.Timeout())
	require.Contains(t, dead.Error(), "not responding")

	gone := rec.Wait(t, "disconnected", 1)
	require.ErrorIs(t, gone[0].Cause, client.ErrDeadPeer)
	rec.Wait(t, "reconnected", 1)
	_, err = c.Ping(ctx).Await(ctx)
	require.NoError(t, err, "served by the new connection")
}

// TestDeadPeerStuckWriter: a socket that takes no bytes at all (the
// writer is stuck in Write) is declared dead too, and the requests
// queued behind it fail.
func TestDeadPeerStuckWriter(t *testing.T) {
	c, srv := dialPipe(t, withDeadPeerTimeout(200*time.Millisecond))
	ctx := testContext(t)
	f := c.Call(ctx, "f", strings.Repeat("x", 1<<10))
	holdWriter(t, srv) // the writer is now stuck inside its Write
	queued := c.Ping(ctx)
	r, err := f.Await(ctx)
	requireConnError(t, r, err, true, client.ErrDeadPeer)
	r, err = queued.Await(ctx)
	requireConnError(t, r, err, false, client.ErrDeadPeer)
}

// TestLivenessSlowWriteKeepsAlive: a large request the server reads
// slowly, but steadily, takes longer than DeadPeerTimeout to leave, and
// the connection stays up: each chunk written is progress.
func TestLivenessSlowWriteKeepsAlive(t *testing.T) {
	c, srv := dialPipe(t, withDeadPeerTimeout(time.Second))
	ctx := testContext(t)
	big := strings.Repeat("y", 4<<20)
	// 32 KiB every 10 ms: a 256 KiB chunk every ~80 ms, the whole request
	// in ~1.3 s, longer than the timeout.
	srv.ReadSlowly(32<<10, 10*time.Millisecond)
	f := c.Call(ctx, "echo", big)
	go func() {
		req, err := srv.ReadRequest()
		if err != nil {
			return
		}
		_ = srv.ReplyOK(req, "ok")
	}()
	r, err := f.Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{"ok"}, values)
}

// TestLivenessIdleAndLongCall: with a short DeadPeerTimeout (0.5 s), an idle
// connection to a real server and one waiting for a call that runs for
// three timeouts both stay up: the server answers the client's PINGs
// meanwhile.
func TestLivenessIdleAndLongCall(t *testing.T) {
	rec := newEventRecorder()
	c := dialShared(t, withDeadPeerTimeout(500*time.Millisecond), withEvents(rec))
	ctx := testContext(t)
	time.Sleep(1500 * time.Millisecond) // idle for three timeouts
	r, err := c.Eval(ctx, "require('fiber').sleep(1.5) return 'slept'").Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{"slept"}, values)
	require.True(t, c.Connected())
	require.Empty(t, rec.Kind("disconnected"))
}

// TestLivenessDisabled: a negative DeadPeerTimeout turns detection off: a
// silent server keeps the request waiting until its own deadline.
func TestLivenessDisabled(t *testing.T) {
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		return c.Discard()
	})
	c := dialFake(t, srv, withDeadPeerTimeout(-1))
	ctx, cancel := context.WithTimeout(testContext(t), 600*time.Millisecond)
	defer cancel()
	r, err := c.Ping(ctx).Await(ctx)
	ctxErr := requireCtxError(t, r, err, context.DeadlineExceeded)
	require.True(t, ctxErr.Sent)
	require.False(t, errors.Is(err, client.ErrDeadPeer))
	require.True(t, c.Connected())
}
