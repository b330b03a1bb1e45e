package client_test

// WaitConnected and Ready: waiting for a lazy client or pool to connect,
// and the last attempt's cause in Reconnecting and in not-connected errors.

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
)

// shortContext returns a context that ends soon: a wait that must fail
// because the server is down.
func shortContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

// TestWaitConnectedLazy: a lazy client's WaitConnected fails with the
// ctx's error and the refused dial while the server is down, returns nil
// once it is up (at once when already connected), and fails with
// ErrClosed once closed; Ready settles the same way.
func TestWaitConnectedLazy(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	require.NoError(t, inst.Kill())
	rec := newEventRecorder()
	c, err := client.Lazy(inst.Addr(), testOptions(fastReconnect, withEvents(rec)))
	require.NoError(t, err)
	defer c.Close()
	rec.Wait(t, "reconnecting", 1) // the first attempt failed

	err = c.WaitConnected(shortContext(t))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, client.ErrNotConnected)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "%v", err)
	require.True(t, client.IsUnavailable(err))
	_, err = await(t, c.Ping(testContext(t)))
	require.ErrorIs(t, err, client.ErrNotConnected)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "the not-connected error carries the last attempt's cause: %v", err)

	ready := c.Ready()
	require.False(t, isSettled(ready), "not connected yet")
	restartServer(t, inst)
	require.NoError(t, c.WaitConnected(testContext(t)))
	require.True(t, c.Connected())
	require.NotNil(t, c.Schema(), "connected means the schema is loaded")
	_, err = await(t, ready)
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(context.Background()), "at once when connected")
	_, err = await(t, c.Ready())
	require.NoError(t, err)

	require.NoError(t, c.Close())
	err = c.WaitConnected(testContext(t))
	require.ErrorIs(t, err, client.ErrClosed)
	_, err = await(t, c.Ready())
	require.ErrorIs(t, err, client.ErrClosed)
}

// isSettled reports whether f has settled.
func isSettled[T any](f interface{ Peek() (T, error, bool) }) bool {
	_, _, settled := f.Peek()
	return settled
}

// TestWaitConnectedWokenByClose: a goroutine blocked in WaitConnected,
// and a pending Ready, fail with ErrClosed and the last attempt's cause
// when the client is closed.
func TestWaitConnectedWokenByClose(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	c, err := client.Lazy(closedPort(t), testOptions(fastReconnect, withEvents(rec)))
	require.NoError(t, err)
	ready := c.Ready()
	waited := make(chan error, 1)
	go func() { waited <- c.WaitConnected(testContext(t)) }()
	rec.Wait(t, "reconnecting", 1) // an attempt failed
	require.NoError(t, c.Close())
	select {
	case err = <-waited:
	case <-time.After(hangGuard):
		t.Fatal("WaitConnected not woken by Close")
	}
	require.ErrorIs(t, err, client.ErrClosed)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "%v", err)
	_, err = await(t, ready)
	require.ErrorIs(t, err, client.ErrClosed)
}

// TestWaitConnectedReconnectStopped: when the policy gives up,
// WaitConnected and Ready fail with ErrReconnectStopped wrapping the last
// attempt's error, and Reconnecting was told each attempt's cause.
func TestWaitConnectedReconnectStopped(t *testing.T) {
	t.Parallel()
	rec := newEventRecorder()
	opts := testOptions(withEvents(rec))
	opts.Reconnect = reconnect.MaxAttempts(quickReconnect, 2)
	c, err := client.Lazy(closedPort(t), opts)
	require.NoError(t, err)
	defer c.Close()
	ready := c.Ready()
	err = c.WaitConnected(testContext(t))
	require.ErrorIs(t, err, client.ErrReconnectStopped)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "%v", err)
	require.True(t, client.IsUnavailable(err))
	_, err = await(t, ready)
	require.ErrorIs(t, err, client.ErrReconnectStopped)

	attempts := rec.Wait(t, "reconnecting", 1)
	for _, e := range attempts {
		require.ErrorIs(t, e.Cause, syscall.ECONNREFUSED, "attempt %d: %v", e.Attempt, e.Cause)
	}
}

// TestPoolWaitConnected: a lazy pool's WaitConnected fails while the
// server is down and returns once a connection is up; WaitAllConnected
// once all are; Ready resolves.
func TestPoolWaitConnected(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	require.NoError(t, inst.Kill())
	rec := newEventRecorder()
	p, err := client.LazyPool(inst.Addr(), 3, testOptions(fastReconnect, withEvents(rec)))
	require.NoError(t, err)
	defer p.Close()
	rec.Wait(t, "reconnecting", 1) // an attempt failed

	err = p.WaitConnected(shortContext(t))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "%v", err)
	ready := p.Ready()
	require.False(t, isSettled(ready))

	restartServer(t, inst)
	require.NoError(t, p.WaitConnected(testContext(t)))
	require.True(t, p.Connected())
	require.NoError(t, p.WaitAllConnected(testContext(t)))
	for _, m := range p.Members() {
		require.True(t, m.Connected())
	}
	_, err = await(t, ready)
	require.NoError(t, err)

	require.NoError(t, p.Close())
	err = p.WaitConnected(testContext(t))
	require.ErrorIs(t, err, client.ErrClosed)
	require.True(t, errors.Is(p.WaitAllConnected(testContext(t)), client.ErrClosed))
}
