package client_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// awaitRounds is how many times the tests below race an Await against the
// request's own context watcher: on code where the Await loses the typed
// outcome, nearly every round fails.
const awaitRounds = 200

// slowEval is a request the server takes long to answer: every round's
// request is still running when its context ends.
const slowEval = "require('fiber').sleep(5)"

// TestAwaitSameCtxCancelledSent: a request known to be sent, whose context
// is cancelled, awaited with that same context, fails with the request's
// *ContextError (Sent, outcome unknown), never a bare context.Canceled;
// also with Options.RequestTimeout, which derives the request's context
// from the caller's.
func TestAwaitSameCtxCancelledSent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []clientOption
	}{
		{"plain", nil},
		{"RequestTimeout", []clientOption{func(o *client.Options) { o.RequestTimeout = time.Hour }}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialShared(t, tc.opts...)
			for i := range awaitRounds {
				ctx, cancel := context.WithCancel(testContext(t))
				f := c.Eval(ctx, slowEval)
				requireHanded(t, c) // answered after f was written: f was sent
				cancel()
				r, err := f.Await(ctx)
				ce := requireCtxError(t, r, err, context.Canceled)
				require.True(t, ce.Sent, "round %d", i)
			}
			require.Zero(t, c.InFlight())
		})
	}
}

// TestAwaitSameCtxDeadline is the case: a 1 ms deadline, the
// request awaited with its own context. Whether it was sent or not by
// then, the error is the request's *ContextError matching
// context.DeadlineExceeded and exactly one of ErrNotSent and
// ErrOutcomeUnknown.
func TestAwaitSameCtxDeadline(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	for range awaitRounds {
		ctx, cancel := context.WithTimeout(testContext(t), time.Millisecond)
		r, err := c.Eval(ctx, slowEval).Await(ctx)
		requireCtxError(t, r, err, context.DeadlineExceeded)
		cancel()
	}
	require.Zero(t, c.InFlight())
}

// TestAwaitSameCtxNotSent: a request still queued in the client (the
// writer is held) whose context is cancelled, awaited with that context,
// fails with a *ContextError saying it was not sent, both cancelled and
// past its deadline.
func TestAwaitSameCtxNotSent(t *testing.T) {
	t.Parallel()
	c, srv := dialPipe(t)
	guard := testContext(t)
	first := c.Call(guard, "echo", 0)
	holdWriter(t, srv) // the writer is stuck writing first
	for i := range awaitRounds {
		ctx, cancel := context.WithCancel(guard)
		f := c.Call(ctx, "echo", i)
		cancel()
		r, err := f.Await(ctx)
		ce := requireCtxError(t, r, err, context.Canceled)
		require.False(t, ce.Sent, "round %d", i)

		ctx, cancel = context.WithTimeout(guard, time.Millisecond)
		r, err = c.Ping(ctx).Await(ctx)
		ce = requireCtxError(t, r, err, context.DeadlineExceeded)
		require.False(t, ce.Sent, "round %d", i)
		cancel()
	}
	require.Equal(t, 1, c.InFlight(), "only the first request is left")
	require.True(t, first.Cancel())
}

// TestAwaitUnrelatedCtx: an Await whose own context ends while the
// request's is live returns that context's error and leaves the request
// pending, still answerable.
func TestAwaitUnrelatedCtx(t *testing.T) {
	t.Parallel()
	c, srv := dialPipe(t)
	guard := testContext(t)
	f := c.Call(guard, "echo", 1)
	other, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := f.Await(other)
	require.Nil(t, r)
	require.ErrorIs(t, err, context.Canceled)
	var ce *client.ContextError
	require.False(t, errors.As(err, &ce), "the request's context is live: nothing to report about it")
	mustPendingResponse(t, f) // the fake server has not answered yet

	req, _ := readCall(t, srv)
	require.NoError(t, srv.ReplyOK(req, 10))
	r, err = f.Await(guard)
	require.NoError(t, err)
	require.Equal(t, []any{int64(10)}, responseValues(t, r))
}

// mustPendingResponse fails the test if f has settled.
func mustPendingResponse(t testing.TB, f *future.Future[*client.Response]) {
	t.Helper()
	_, _, settled := f.Peek()
	require.False(t, settled, "the future must be left pending")
}

// TestAwaitSameCtxDerived: futures derived from a request (Tuples, One, a
// Then chain, Tap, a Chain) awaited with the request's context get the
// request's typed error too.
func TestAwaitSameCtxDerived(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	pass := func(r *client.Response) (*client.Response, error) { return r, nil }
	for i := range awaitRounds {
		ctx, cancel := context.WithCancel(testContext(t))
		tuples := client.Tuples[int](c.Eval(ctx, slowEval))
		one := client.One[int](c.Eval(ctx, slowEval))
		chain := c.Eval(ctx, slowEval).Then(pass).Tap(func(*client.Response) {}).Then(pass)
		issued := make(chan struct{})
		chained := future.Chain(c.Ping(ctx), func(*client.Response) *future.Future[*client.Response] {
			defer close(issued)
			return c.Eval(ctx, slowEval)
		})
		select {
		case <-issued:
		case <-testContext(t).Done():
			t.Fatal("the Chain step did not run")
		}
		// A ping answered after every eval above was written, through a
		// step that runs on the executor after the Chain step has finished
		// linking its inner future.
		_, err := c.Ping(testContext(t)).Then(pass).Await(testContext(t))
		require.NoError(t, err)
		cancel()

		_, err = tuples.Await(ctx)
		require.True(t, requireCtxError(t, nil, err, context.Canceled).Sent, "round %d: Tuples", i)
		_, err = one.Await(ctx)
		require.True(t, requireCtxError(t, nil, err, context.Canceled).Sent, "round %d: One", i)
		r, err := chain.Await(ctx)
		require.True(t, requireCtxError(t, r, err, context.Canceled).Sent, "round %d: Then chain", i)
		r, err = chained.Await(ctx)
		require.True(t, requireCtxError(t, r, err, context.Canceled).Sent, "round %d: Chain", i)
	}
	require.Zero(t, c.InFlight())
}

// TestAwaitOneTuplesInThen: One and Tuples awaited inside a Then callback,
// which runs on the client's executor, the same that decodes them, answer
// instead of deadlocking. Bounded by one second.
func TestAwaitOneTuplesInThen(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx, cancel := context.WithTimeout(testContext(t), time.Second)
	defer cancel()
	got := future.Map(c.Ping(ctx), func(*client.Response) (string, error) {
		one, err := client.One[int](c.Eval(ctx, "return 7, 8")).Await(ctx)
		if err != nil {
			return "", err
		}
		all, err := client.Tuples[int](c.Eval(ctx, "return 7, 8")).Await(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(one, all), nil
	})
	s, err := got.Await(ctx)
	require.NoError(t, err, "One/Tuples awaited on the executor must not hang")
	require.Equal(t, "{7 true} [7 8]", s)
}
