package client_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/reconnect"
)

// TestOutcomeOfRealErrors classifies errors the client really returns,
// one per class, made against the real server.
func TestOutcomeOfRealErrors(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	errOf := func(f *future.Future[*client.Response]) error {
		_, err := f.Await(ctx)
		require.Error(t, err)
		return err
	}
	cases := map[string]struct {
		err  error
		want client.Outcome
	}{}
	add := func(name string, err error, want client.Outcome) {
		cases[name] = struct {
			err  error
			want client.Outcome
		}{err, want}
	}

	add("ok", nil, client.OutcomeOK)
	add("server error", errOf(c.Call(ctx, "fail", "boom")), client.OutcomeServerError)
	add("unknown space", errOf(c.Select(ctx, "no_such_space", nil, 1)), client.OutcomeInvalid)
	add("nil tuple", errOf(c.Insert(ctx, "test", nil)), client.OutcomeInvalid)
	add("not an array", errOf(c.Insert(ctx, "test", 5)), client.OutcomeInvalid)
	//lint:ignore SA1012 a nil context on purpose
	add("nil context", errOf(c.Ping(nil)), client.OutcomeInvalid)
	if !c.ServerInfo().Has(iproto.IPROTO_FEATURE_PAGINATION) {
		add("missing feature", errOf(c.Select(ctx, "test", nil, 1, client.FetchPos())), client.OutcomeInvalid)
	}
	r, err := c.Call(ctx, "echo", "not a number").Await(ctx)
	require.NoError(t, err)
	var n []int
	add("undecodable response", r.Decode(&n), client.OutcomeInvalid)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	add("canceled context", errOf(c.Ping(cctx)), client.OutcomeCanceled)
	tctx, tcancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer tcancel()
	add("deadline while sent", errOf(c.Call(tctx, "sleep", 5)), client.OutcomeCanceled)
	timeouts := dialShared(t, func(o *client.Options) { o.RequestTimeout = 20 * time.Millisecond })
	add("request timeout", errOf(timeouts.Call(ctx, "sleep", 5)), client.OutcomeCanceled)
	cancelled := c.Call(ctx, "sleep", 5)
	cancelled.Cancel()
	add("cancelled future", errOf(cancelled), client.OutcomeCanceled)

	limited := dialShared(t, func(o *client.Options) { o.MaxInFlight, o.WhenFull = 1, client.FailWhenFull })
	busy := limited.Call(ctx, "sleep", 0.2)
	add("in-flight limit", errOf(limited.Ping(ctx)), client.OutcomeNotSent)
	_, _ = busy.Await(ctx)

	closed := dialShared(t)
	require.NoError(t, closed.Close())
	add("closed", errOf(closed.Ping(ctx)), client.OutcomeNotSent)

	down, err := client.Lazy("127.0.0.1:1", client.Options{Reconnect: reconnect.Never()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = down.Close() })
	add("not connected", errOf(down.Ping(ctx)), client.OutcomeNotSent)

	inst := startServer(t, false)
	killed := dial(t, inst.Addr(), fastReconnect)
	sent := killed.Call(ctx, "sleep", 5)
	requireHanded(t, killed)
	require.NoError(t, inst.Kill())
	add("connection lost while sent", errOf(sent), client.OutcomeUnknown)

	add("unknown error", errors.New("something else"), client.OutcomeUnknown)
	add("bare not sent", client.ErrNotSent, client.OutcomeNotSent)
	add("bare outcome unknown", client.ErrOutcomeUnknown, client.OutcomeUnknown)

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, client.OutcomeOf(tc.err), "%v", tc.err)
			if tc.err == nil {
				return
			}
			// Wrapped, and joined with another error, the client's error
			// still decides.
			assert.Equal(t, tc.want, client.OutcomeOf(fmt.Errorf("wrapped: %w", tc.err)))
			assert.Equal(t, tc.want, client.OutcomeOf(errors.Join(tc.err, errors.New("rollback"))))
		})
	}
}

// TestOutcomeOfPrefersOutermost checks that the client's own wrapper
// decides, not its cause: a connection error caused by a dial timeout is
// not a cancellation.
func TestOutcomeOfPrefersOutermost(t *testing.T) {
	err := &client.ConnectionError{Addr: "x", Err: fmt.Errorf("%w (last attempt: %w)", client.ErrNotConnected, context.DeadlineExceeded)}
	assert.Equal(t, client.OutcomeNotSent, client.OutcomeOf(err))
	assert.Equal(t, client.OutcomeCanceled, client.OutcomeOf(&client.ContextError{Sent: true, Err: client.ErrRequestTimeout}))
}

// TestOutcomeOfAllocatesNothing: classifying the usual errors costs no
// allocation (the Stats counters classify every failed request).
func TestOutcomeOfAllocatesNothing(t *testing.T) {
	errs := []error{
		&client.ConnectionError{Addr: "x", Sent: true, Err: client.ErrServerClosed},
		&client.ServerError{Code: iproto.ER_TUPLE_FOUND},
		fmt.Errorf("wrapped: %w", &client.EncodeError{Err: errors.New("x")}),
		errors.New("other"),
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, err := range errs {
			_ = client.OutcomeOf(err)
		}
	})
	assert.Zero(t, allocs)
}

// TestOutcomeStrings pins the labels the metrics adapters use.
func TestOutcomeStrings(t *testing.T) {
	want := []string{"ok", "server_error", "not_sent", "unknown", "canceled", "invalid"}
	require.Len(t, want, client.NumOutcomes)
	for i, w := range want {
		assert.Equal(t, w, client.Outcome(i).String())
	}
	assert.Equal(t, "invalid", client.Outcome(200).String())
}
