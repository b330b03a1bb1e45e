package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

func TestContextCancelledInFlight(t *testing.T) {
	t.Parallel()
	log := newLogRecorder()
	c := dialShared(t, withLog(log))
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()

	f := c.Call(ctx, "sleep", 0.5)
	requireHanded(t, c)
	require.Equal(t, 1, c.InFlight())
	cancel()

	r, err := await(t, f)
	ce := requireCtxError(t, r, err, context.Canceled)
	require.True(t, ce.Sent, "the request was written before the cancel")
	require.Zero(t, c.InFlight(), "a cancelled request is forgotten at once")

	// The server still answers after its sleep; the client drops that
	// reply without settling anything.
	log.waitFor(t, logDiscarded, 1)
	again, errAgain, settled := f.Peek()
	require.True(t, settled)
	require.Nil(t, again)
	require.Equal(t, err, errAgain)
	requireServesMany(t, c, 100)
}

func TestContextCancelledBeforeCall(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	r, err := await(t, c.Call(ctx, "echo", 1))
	ce := requireCtxError(t, r, err, context.Canceled)
	require.False(t, ce.Sent)

	// A bound command takes the same path.
	r, err = await(t, c.Select(ctx, "test", nil, 900_001))
	require.Nil(t, r)
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, c.InFlight())
	requireServesMany(t, c, 200)
}

func TestContextCancelCause(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	cause := errors.New("lc: user went away")
	ctx, cancel := context.WithCancelCause(testContext(t))
	f := c.Call(ctx, "sleep", 0.3)
	requireHanded(t, c)
	cancel(cause)
	r, err := await(t, f)
	ce := requireCtxError(t, r, err, cause) // the context's cause is kept
	require.True(t, ce.Sent)
}

func TestContextDeadline(t *testing.T) {
	t.Parallel()
	log := newLogRecorder()
	c := dialShared(t, withLog(log))
	ctx, cancel := context.WithTimeout(testContext(t), 100*time.Millisecond)
	defer cancel()

	r, err := await(t, c.Call(ctx, "sleep", 0.5))
	ce := requireCtxError(t, r, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, client.ErrRequestTimeout, "no RequestTimeout is set")
	require.Zero(t, c.InFlight())
	if ce.Sent {
		log.waitFor(t, logDiscarded, 1)
	}
	requireServesMany(t, c, 300)

	// A deadline already passed: nothing is sent.
	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	r, err = await(t, c.Ping(past))
	require.Nil(t, r)
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, client.ErrNotSent)
}

func TestRequestTimeoutOption(t *testing.T) {
	t.Parallel()
	c := dialShared(t, func(o *client.Options) { o.RequestTimeout = time.Second })

	r, err := await(t, c.Call(testContext(t), "sleep", 3))
	ce := requireCtxError(t, r, err, client.ErrRequestTimeout)
	require.True(t, ce.Sent)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, c.InFlight())

	// The request timeout also applies with a context that has no
	// deadline at all.
	r, err = await(t, c.Call(context.Background(), "sleep", 3))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrRequestTimeout)

	// Quick requests are not affected.
	requireServesMany(t, c, 400)
}

func TestRequestTimeoutEarlierContextDeadlineWins(t *testing.T) {
	t.Parallel()
	c := dialShared(t, func(o *client.Options) { o.RequestTimeout = time.Hour })
	ctx, cancel := context.WithTimeout(testContext(t), 100*time.Millisecond)
	defer cancel()

	r, err := await(t, c.Call(ctx, "sleep", 0.5))
	requireCtxError(t, r, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, client.ErrRequestTimeout, "the context's own deadline came first")
	require.Zero(t, c.InFlight())
}

func TestFutureCancelPendingCommand(t *testing.T) {
	t.Parallel()
	log := newLogRecorder()
	c := dialShared(t, withLog(log))
	f := c.Call(testContext(t), "sleep", 0.3)
	requireHanded(t, c)
	require.Equal(t, 1, c.InFlight())

	require.True(t, f.Cancel())
	require.Zero(t, c.InFlight(), "Cancel forgets the request at once")
	r, err := await(t, f)
	require.Nil(t, r)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.False(t, f.Cancel(), "a second Cancel does nothing")

	log.waitFor(t, logDiscarded, 1)
	_, err2, _ := f.Peek()
	require.ErrorIs(t, err2, future.ErrCancelled, "the late reply changes nothing")
	requireServesMany(t, c, 500)
}

func TestFutureCancelDerivedCancelsRequest(t *testing.T) {
	t.Parallel()
	log := newLogRecorder()
	c := dialShared(t, withLog(log))
	root := c.Call(testContext(t), "sleep", 0.3)
	ran := make(chan struct{}, 1)
	end := client.Tuples[float64](root).Finally(func(v []float64, err error) ([]float64, error) {
		ran <- struct{}{}
		return v, err
	})
	requireHanded(t, c)

	require.True(t, end.Cancel())
	_, err := await(t, end)
	require.ErrorIs(t, err, future.ErrCancelled)
	_, err = await(t, root)
	require.ErrorIs(t, err, future.ErrCancelled, "cancelling the end of the chain cancels the request")
	require.Zero(t, c.InFlight())
	log.waitFor(t, logDiscarded, 1)
	requireServesMany(t, c, 600)
	select {
	case <-ran:
		t.Fatal("the Finally step of a cancelled future ran")
	default:
	}
}

func TestFutureTimeoutOnCommand(t *testing.T) {
	t.Parallel()
	log := newLogRecorder()
	c := dialShared(t, withLog(log))
	f := c.Call(testContext(t), "sleep", 0.3)
	requireHanded(t, c)
	tf := f.Timeout(50 * time.Millisecond)

	r, err := await(t, tf)
	require.Nil(t, r)
	require.ErrorIs(t, err, future.ErrTimeout)
	_, err = await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled, "the timed-out request is cancelled")
	require.Zero(t, c.InFlight())
	log.waitFor(t, logDiscarded, 1)
	requireServesMany(t, c, 700)

	// A command that answers in time passes through Timeout unchanged.
	r, err = await(t, c.Call(testContext(t), "echo", "in time").Timeout(hangGuard))
	require.NoError(t, err)
	require.Equal(t, []any{"in time"}, responseValues(t, r))
}

// TestContextCancelQueuedRequestIsNeverSent checks the promise behind
// ErrNotSent: a request abandoned while still queued in the client (its
// ContextError says Sent=false) never reaches the server afterwards.
func TestContextCancelQueuedRequestIsNeverSent(t *testing.T) {
	t.Parallel()
	c, srv := dialPipe(t)
	guard := testContext(t)

	f1 := c.Call(guard, "echo", 1)
	holdWriter(t, srv) // the writer is stuck writing f1
	ctx2, cancel2 := context.WithCancel(guard)
	f2 := c.Call(ctx2, "echo", 2)
	f3 := c.Call(guard, "echo", 3)
	f4 := c.Call(guard, "echo", 4)
	require.Equal(t, 4, c.InFlight())

	cancel2()
	r, err := await(t, f2)
	ce := requireCtxError(t, r, err, nil)
	require.False(t, ce.Sent, "f2 was still queued in the client")
	require.True(t, f4.Cancel())
	require.Equal(t, 2, c.InFlight())

	// The server must see f1 and f3 only.
	req1, args := readCall(t, srv)
	require.Equal(t, []any{int64(1)}, args)
	req3, args := readCall(t, srv)
	require.Equal(t, []any{int64(3)}, args, "the abandoned f2 reached the server")
	require.NoError(t, srv.ReplyOK(req3, 30))
	require.NoError(t, srv.ReplyOK(req1, 10))
	r, err = await(t, f1)
	require.NoError(t, err)
	require.Equal(t, []any{int64(10)}, responseValues(t, r))
	r, err = await(t, f3)
	require.NoError(t, err)
	require.Equal(t, []any{int64(30)}, responseValues(t, r))

	// One more request: the next frame the server reads must be this one,
	// not the abandoned f4.
	f5 := c.Call(guard, "echo", 5)
	req5, args := readCall(t, srv)
	require.Equal(t, []any{int64(5)}, args, "the cancelled f4 reached the server")
	require.NoError(t, srv.ReplyOK(req5, 50))
	r, err = await(t, f5)
	require.NoError(t, err)
	require.Equal(t, []any{int64(50)}, responseValues(t, r))
	require.Zero(t, c.InFlight())
}

// TestConnectionBreakSentFlag checks Sent on a broken connection: true for
// the request being written, false for those still queued in the client.
func TestConnectionBreakSentFlag(t *testing.T) {
	t.Parallel()
	c, srv := dialPipe(t)
	guard := testContext(t)

	f1 := c.Call(guard, "echo", 1)
	holdWriter(t, srv)
	f2 := c.Call(guard, "echo", 2)
	f3 := c.Ping(guard)
	require.NoError(t, srv.Close())

	r, err := await(t, f1)
	ce := requireConnError(t, r, err, true, nil)
	require.Equal(t, "pipe", ce.Addr)
	for _, f := range []*future.Future[*client.Response]{f2, f3} {
		r, err := await(t, f)
		requireConnError(t, r, err, false, nil)
	}
	require.Zero(t, c.InFlight())

	r, err = await(t, c.Ping(guard))
	requireConnError(t, r, err, false, nil)
}
