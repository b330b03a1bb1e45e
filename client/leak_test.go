package client_test

// These tests count goroutines, so none of them is parallel: Go runs them
// before any parallel test of the package starts.

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// goroutineSlack is how many goroutines beyond the baseline the
// runtime, the race detector or a timer firing may add at any moment.
const goroutineSlack = 20

// TestNoGoroutinePerRequest keeps 1,000 requests with cancellable
// contexts (and a request timeout, so a timer each) in flight and checks
// that they cost no goroutine each.
func TestNoGoroutinePerRequest(t *testing.T) {
	c := dialShared(t, func(o *client.Options) { o.RequestTimeout = time.Minute })
	guard := testContext(t)
	requireServesMany(t, c, 1100) // warm up: the connection's goroutines exist
	baseline := settledGoroutines()

	const n = 1000
	fs := make([]*future.Future[*client.Response], n)
	cancels := make([]context.CancelFunc, n)
	for i := range fs {
		ctx, cancel := context.WithCancel(guard)
		cancels[i] = cancel
		fs[i] = c.Call(ctx, "sleep", 0.2).Then(func(r *client.Response) (*client.Response, error) { return r, nil })
	}
	during := runtime.NumGoroutine()
	inFlight := c.InFlight()
	require.LessOrEqual(t, during, len(baseline)+goroutineSlack,
		"%d goroutines with %d requests in flight (baseline %d); stacks:\n%s", during, inFlight, len(baseline), allStacks())

	requireHanded(t, c)
	during = runtime.NumGoroutine()
	require.LessOrEqual(t, during, len(baseline)+goroutineSlack,
		"%d goroutines with %d requests in flight (baseline %d)", during, c.InFlight(), len(baseline))

	for i, f := range fs {
		r, err := await(t, f)
		require.NoError(t, err, "request %d", i)
		require.Equal(t, []any{0.2}, responseValues(t, r))
		cancels[i]()
	}
	require.Zero(t, c.InFlight())
	baseline.requireNoneNew(t)
}

// TestCloseLeavesNoGoroutines checks that nothing of a client outlives
// Close: reader, writer, callback executor, context watchers, timers.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	srv := requireServer(t)
	baseline := settledGoroutines()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := client.Dial(ctx, srv.Addr(), client.Options{User: testUser, Password: testPassword, RequestTimeout: time.Minute})
	require.NoError(t, err)
	fs := make([]*future.Future[*client.Response], 0, 100)
	for i := range 50 {
		fs = append(fs, c.Call(ctx, "sleep", 30))
		fs = append(fs, c.Call(ctx, "echo", i).Then(func(r *client.Response) (*client.Response, error) { return r, nil }))
	}
	requireHanded(t, c)
	require.NoError(t, c.Close())
	for i, f := range fs {
		_, err, settled := f.Peek()
		if i%2 == 0 {
			require.True(t, settled, "a pending request outlived Close")
			require.ErrorIs(t, err, client.ErrClosed)
		} else {
			_, err = await(t, f) // an echo answered before Close, or failed by it
			if err != nil {
				require.ErrorIs(t, err, client.ErrClosed)
			}
		}
	}
	baseline.requireNoneNew(t)
}

// TestFailedDialLeavesNoGoroutines covers every way Dial can fail.
func TestFailedDialLeavesNoGoroutines(t *testing.T) {
	srv := requireServer(t)
	closed := closedPort(t)
	silent := silentServer(t, nil)
	baseline := settledGoroutines()

	ctx := testContext(t)
	for _, tc := range []struct {
		name string
		addr string
		opts client.Options
	}{
		{"closed port", closed, client.Options{}},
		{"no greeting", silent, client.Options{DialTimeout: 20 * time.Millisecond}},
		{"wrong password", srv.Addr(), client.Options{User: testUser, Password: printerSecret}},
		{"schema too large for the frame limit", srv.Addr(), client.Options{User: testUser, Password: testPassword, MaxFrameSize: 256}},
	} {
		c, err := client.Dial(ctx, tc.addr, tc.opts)
		require.Error(t, err, tc.name)
		require.Nil(t, c, tc.name)
	}
	baseline.requireNoneNew(t)
}
