package client_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// lcDialLogged connects to the shared server with a client whose log is
// recorded.
func lcDialLogged(t *testing.T, opts ...func(*client.Options)) (*client.Client, *lcLog) {
	t.Helper()
	l := newLcLog()
	c := dialShared(t, append([]func(*client.Options){func(o *client.Options) { o.Logger = slog.New(l) }}, opts...)...)
	return c, l
}

// lcHanded makes sure every request issued on c so far has been handed to
// the network: the writer hands over everything queued before a request,
// so once a later Ping is answered the earlier ones were written.
func lcHanded(t *testing.T, c *client.Client) {
	t.Helper()
	r, err := lcAwait(t, c.Ping(lcGuard(t)))
	require.NoError(t, err)
	require.NotNil(t, r)
}

// lcCheckServes checks that c still works and matches responses to
// requests: several calls in flight at once, each with its own value.
func lcCheckServes(t *testing.T, c *client.Client, base int) {
	t.Helper()
	ctx := lcGuard(t)
	fs := make([]*future.Future[*client.Response], 50)
	for i := range fs {
		fs[i] = c.Call(ctx, "echo", base+i)
	}
	for i, f := range fs {
		r, err := lcAwait(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{int64(base + i)}, lcValues(t, r))
	}
	require.Zero(t, c.InFlight())
}

func TestContextCancelledInFlight(t *testing.T) {
	t.Parallel()
	c, log := lcDialLogged(t)
	ctx, cancel := context.WithCancel(lcGuard(t))
	defer cancel()

	f := c.Call(ctx, "sleep", 0.5)
	lcHanded(t, c)
	require.Equal(t, 1, c.InFlight())
	cancel()

	r, err := lcAwait(t, f)
	require.Nil(t, r)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.Sent, "the request was written before the cancel")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	require.NotErrorIs(t, err, client.ErrNotSent)
	require.Zero(t, c.InFlight(), "a cancelled request is forgotten at once")

	// The server still answers after its sleep; the client drops that
	// reply without settling anything.
	log.waitFor(t, lcDiscarded, 1)
	again, errAgain, settled := f.Peek()
	require.True(t, settled)
	require.Nil(t, again)
	require.Equal(t, err, errAgain)
	lcCheckServes(t, c, 100)
}

func TestContextCancelledBeforeCall(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	r, err := lcAwait(t, c.Call(ctx, "echo", 1))
	require.Nil(t, r)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.NotErrorIs(t, err, client.ErrOutcomeUnknown)

	// A bound command takes the same path.
	r, err = lcAwait(t, c.Select(ctx, "test", nil, 900_001))
	require.Nil(t, r)
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, c.InFlight())
	lcCheckServes(t, c, 200)
}

func TestContextCancelCause(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	cause := errors.New("lc: user went away")
	ctx, cancel := context.WithCancelCause(lcGuard(t))
	f := c.Call(ctx, "sleep", 0.3)
	lcHanded(t, c)
	cancel(cause)
	_, err := lcAwait(t, f)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, cause, "the context's cause is kept")
	require.True(t, ce.Sent)
}

func TestContextDeadline(t *testing.T) {
	t.Parallel()
	c, log := lcDialLogged(t)
	ctx, cancel := context.WithTimeout(lcGuard(t), 100*time.Millisecond)
	defer cancel()

	r, err := lcAwait(t, c.Call(ctx, "sleep", 0.5))
	require.Nil(t, r)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, client.ErrRequestTimeout, "no RequestTimeout is set")
	require.Zero(t, c.InFlight())
	if ce.Sent {
		log.waitFor(t, lcDiscarded, 1)
	}
	lcCheckServes(t, c, 300)

	// A deadline already passed: nothing is sent.
	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	r, err = lcAwait(t, c.Ping(past))
	require.Nil(t, r)
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, client.ErrNotSent)
}

func TestRequestTimeoutOption(t *testing.T) {
	t.Parallel()
	c := dialShared(t, func(o *client.Options) { o.RequestTimeout = time.Second })

	r, err := lcAwait(t, c.Call(lcGuard(t), "sleep", 3))
	require.Nil(t, r)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.Sent)
	require.ErrorIs(t, err, client.ErrRequestTimeout)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	require.Zero(t, c.InFlight())

	// The request timeout also applies with a context that has no
	// deadline at all.
	r, err = lcAwait(t, c.Call(context.Background(), "sleep", 3))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrRequestTimeout)

	// Quick requests are not affected.
	lcCheckServes(t, c, 400)
}

func TestRequestTimeoutEarlierContextDeadlineWins(t *testing.T) {
	t.Parallel()
	c := dialShared(t, func(o *client.Options) { o.RequestTimeout = time.Hour })
	ctx, cancel := context.WithTimeout(lcGuard(t), 100*time.Millisecond)
	defer cancel()

	r, err := lcAwait(t, c.Call(ctx, "sleep", 0.5))
	require.Nil(t, r)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, client.ErrRequestTimeout, "the context's own deadline came first")
	require.Zero(t, c.InFlight())
}

func TestFutureCancelPendingCommand(t *testing.T) {
	t.Parallel()
	c, log := lcDialLogged(t)
	f := c.Call(lcGuard(t), "sleep", 0.3)
	lcHanded(t, c)
	require.Equal(t, 1, c.InFlight())

	require.True(t, f.Cancel())
	require.Zero(t, c.InFlight(), "Cancel forgets the request at once")
	r, err := lcAwait(t, f)
	require.Nil(t, r)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.False(t, f.Cancel(), "a second Cancel does nothing")

	log.waitFor(t, lcDiscarded, 1)
	_, err2, _ := f.Peek()
	require.ErrorIs(t, err2, future.ErrCancelled, "the late reply changes nothing")
	lcCheckServes(t, c, 500)
}

func TestFutureCancelDerivedCancelsRequest(t *testing.T) {
	t.Parallel()
	c, log := lcDialLogged(t)
	root := c.Call(lcGuard(t), "sleep", 0.3)
	ran := make(chan struct{}, 1)
	end := client.Tuples[float64](root).Finally(func(v []float64, err error) ([]float64, error) {
		ran <- struct{}{}
		return v, err
	})
	lcHanded(t, c)

	require.True(t, end.Cancel())
	_, err := lcAwait(t, end)
	require.ErrorIs(t, err, future.ErrCancelled)
	_, err = lcAwait(t, root)
	require.ErrorIs(t, err, future.ErrCancelled, "cancelling the end of the chain cancels the request")
	require.Zero(t, c.InFlight())
	log.waitFor(t, lcDiscarded, 1)
	lcCheckServes(t, c, 600)
	select {
	case <-ran:
		t.Fatal("the Finally step of a cancelled future ran")
	default:
	}
}

func TestFutureTimeoutOnCommand(t *testing.T) {
	t.Parallel()
	c, log := lcDialLogged(t)
	f := c.Call(lcGuard(t), "sleep", 0.3)
	lcHanded(t, c)
	tf := f.Timeout(50 * time.Millisecond)

	r, err := lcAwait(t, tf)
	require.Nil(t, r)
	require.ErrorIs(t, err, future.ErrTimeout)
	_, err = lcAwait(t, f)
	require.ErrorIs(t, err, future.ErrCancelled, "the timed-out request is cancelled")
	require.Zero(t, c.InFlight())
	log.waitFor(t, lcDiscarded, 1)
	lcCheckServes(t, c, 700)

	// A command that answers in time passes through Timeout unchanged.
	r, err = lcAwait(t, c.Call(lcGuard(t), "echo", "in time").Timeout(lcHangGuard))
	require.NoError(t, err)
	require.Equal(t, []any{"in time"}, lcValues(t, r))
}

// TestContextCancelQueuedRequestIsNeverSent checks the promise behind
// ErrNotSent: a request abandoned while still queued in the client (its
// ContextError says Sent=false) never reaches the server afterwards.
func TestContextCancelQueuedRequestIsNeverSent(t *testing.T) {
	t.Parallel()
	c, srv := lcDialFake(t, client.Options{})
	guard := lcGuard(t)

	f1 := c.Call(guard, "echo", 1)
	srv.holdWriter() // the writer is stuck writing f1
	ctx2, cancel2 := context.WithCancel(guard)
	f2 := c.Call(ctx2, "echo", 2)
	f3 := c.Call(guard, "echo", 3)
	f4 := c.Call(guard, "echo", 4)
	require.Equal(t, 4, c.InFlight())

	cancel2()
	_, err := lcAwait(t, f2)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent, "f2 was still queued in the client")
	require.ErrorIs(t, err, client.ErrNotSent)
	require.True(t, f4.Cancel())
	require.Equal(t, 2, c.InFlight())

	// The server must see f1 and f3 only.
	sync1, args := srv.readCall()
	require.Equal(t, []any{int64(1)}, args)
	sync3, args := srv.readCall()
	require.Equal(t, []any{int64(3)}, args, "the abandoned f2 reached the server")
	require.NoError(t, srv.reply(sync3, 30))
	require.NoError(t, srv.reply(sync1, 10))
	r, err := lcAwait(t, f1)
	require.NoError(t, err)
	require.Equal(t, []any{int64(10)}, lcValues(t, r))
	r, err = lcAwait(t, f3)
	require.NoError(t, err)
	require.Equal(t, []any{int64(30)}, lcValues(t, r))

	// One more request: the next frame the server reads must be this one,
	// not the abandoned f4.
	f5 := c.Call(guard, "echo", 5)
	sync5, args := srv.readCall()
	require.Equal(t, []any{int64(5)}, args, "the cancelled f4 reached the server")
	require.NoError(t, srv.reply(sync5, 50))
	r, err = lcAwait(t, f5)
	require.NoError(t, err)
	require.Equal(t, []any{int64(50)}, lcValues(t, r))
	require.Zero(t, c.InFlight())
}

// TestConnectionBreakSentFlag checks Sent on a broken connection: true for
// the request being written, false for those still queued in the client.
func TestConnectionBreakSentFlag(t *testing.T) {
	t.Parallel()
	c, srv := lcDialFake(t, client.Options{})
	guard := lcGuard(t)

	f1 := c.Call(guard, "echo", 1)
	srv.holdWriter()
	f2 := c.Call(guard, "echo", 2)
	f3 := c.Ping(guard)
	require.NoError(t, srv.conn.Close())

	_, err := lcAwait(t, f1)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.Sent)
	require.Equal(t, "pipe", ce.Addr)
	require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	for _, f := range []*future.Future[*client.Response]{f2, f3} {
		r, err := lcAwait(t, f)
		require.Nil(t, r)
		require.ErrorAs(t, err, &ce)
		require.False(t, ce.Sent)
		require.ErrorIs(t, err, client.ErrNotSent)
	}
	require.Zero(t, c.InFlight())

	r, err := lcAwait(t, c.Ping(guard))
	require.Nil(t, r)
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, client.ErrNotSent)
}
