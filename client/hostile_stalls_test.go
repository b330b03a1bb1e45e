package client_test

// Hostile servers that stall: one that never answers, one that answers a
// byte at a time, one that stops reading. Requests are bounded by their
// context or Options.RequestTimeout and fail with a *client.ContextError;
// Close never hangs. Nothing here asserts speed: timeouts only bound the
// waits, and every wait has the hang guard.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
)

// hsRequireAbandoned checks that a request failed with a *ContextError
// whose cause matches cause, and returns it.
func hsRequireAbandoned(t *testing.T, r *client.Response, err error, cause error) *client.ContextError {
	t.Helper()
	require.Nil(t, r)
	var cte *client.ContextError
	require.ErrorAs(t, err, &cte)
	require.ErrorIs(t, err, cause)
	return cte
}

// TestHostileSilentServer: the server greets, reads every request and
// never answers. Requests fail by Options.RequestTimeout or by their own
// deadline, as sent; the connection stays up.
func TestHostileSilentServer(t *testing.T) {
	hsNoLeaks(t)
	srv := hsServer(t, func(c *fakeiproto.Conn) error {
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		return c.Discard()
	})
	opts := hsOptions()
	opts.RequestTimeout = 100 * time.Millisecond
	c := hsDial(t, srv, opts)

	fs := make([]*future.Future[*client.Response], 10)
	for i := range fs {
		fs[i] = c.Call(lcGuard(t), "f", i)
	}
	for _, f := range fs {
		r, err := lcAwait(t, f)
		cte := hsRequireAbandoned(t, r, err, client.ErrRequestTimeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.True(t, cte.Sent, "the server read it")
		require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	}

	// The request's own, earlier, deadline is reported as such.
	ctx, cancel := context.WithTimeout(lcGuard(t), 30*time.Millisecond)
	defer cancel()
	r, err := lcAwait(t, c.Ping(ctx))
	hsRequireAbandoned(t, r, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, client.ErrRequestTimeout)

	require.True(t, c.Connected(), "silence is not a broken connection")
	require.Zero(t, c.InFlight())
	require.Equal(t, 1, srv.Accepted())
}

// TestHostileSlowLoris: a server that sends everything one byte at a
// time. The client reassembles greeting and frames and works; a request
// whose answer drips in longer than its timeout fails cleanly and the
// late answer is discarded; a greeting slower than DialTimeout fails Dial.
func TestHostileSlowLoris(t *testing.T) {
	hsNoLeaks(t)
	dripping := func(pause time.Duration) fakeiproto.Handler {
		return func(c *fakeiproto.Conn) error {
			c.Drip(pause)
			return fakeiproto.Healthy(c)
		}
	}

	t.Run("works", func(t *testing.T) {
		srv := hsServer(t, dripping(200*time.Microsecond))
		opts := hsOptions()
		opts.SkipSchema = false // the schema load drips in too
		opts.User, opts.Password = "u", "p"
		c := hsDial(t, srv, opts)
		ctx := lcGuard(t)
		fs := make([]*future.Future[*client.Response], 5)
		for i := range fs {
			fs[i] = c.Call(ctx, "echo", i, strings.Repeat("x", i*10))
		}
		for i, f := range fs {
			r, err := lcAwait(t, f)
			require.NoError(t, err)
			require.Equal(t, []any{int64(i), strings.Repeat("x", i*10)}, lcValues(t, r))
		}
		require.Equal(t, 1, srv.Accepted())
	})

	t.Run("times out cleanly", func(t *testing.T) {
		srv := hsServer(t, dripping(2*time.Millisecond))
		opts := hsOptions()
		opts.DialTimeout = time.Minute
		c, log := hsDialLogged(t, srv, opts)
		// About 150 bytes at 2 ms each: far beyond 30 ms.
		ctx, cancel := context.WithTimeout(lcGuard(t), 30*time.Millisecond)
		defer cancel()
		r, err := lcAwait(t, c.Call(ctx, "echo", strings.Repeat("y", 100)))
		cte := hsRequireAbandoned(t, r, err, context.DeadlineExceeded)
		require.True(t, cte.Sent)

		// The next request waits behind the late answer, which is
		// discarded, and gets its own.
		hsRequireServes(t, c, "after the drip")
		log.waitFor(t, lcDiscarded, 1)
		require.Equal(t, 1, srv.Accepted())
	})

	t.Run("greeting slower than DialTimeout", func(t *testing.T) {
		srv := hsServer(t, dripping(5*time.Millisecond))
		opts := hsOptions()
		opts.DialTimeout = 50 * time.Millisecond
		err := hsDialFails(t, srv, opts)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

// TestHostileServerStopsReading: the server greets, then neither reads
// nor writes, so once the socket buffers are full the client's writer is
// blocked in Write. Requests fail by their timeout (those stuck behind
// the blocked write as not sent), and Close returns at once.
func TestHostileServerStopsReading(t *testing.T) {
	hsNoLeaks(t)
	srv := hsServer(t, func(c *fakeiproto.Conn) error {
		if err := c.SetReadBuffer(4096); err != nil {
			return err
		}
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		return c.Hold()
	})
	opts := hsOptions()
	// Long enough for the writer to take the first batch whatever the
	// machine's load.
	opts.RequestTimeout = time.Second
	c, err := client.Dial(lcGuard(t), srv.Addr(), opts)
	require.NoError(t, err)
	defer c.Close() // after a failure only

	// 16 MiB of requests: far more than the socket buffers hold.
	big := strings.Repeat("z", 1<<20)
	fs := make([]*future.Future[*client.Response], 16)
	for i := range fs {
		fs[i] = c.Call(lcGuard(t), "f", big)
	}
	sent := 0
	for _, f := range fs {
		r, err := lcAwait(t, f)
		cte := hsRequireAbandoned(t, r, err, client.ErrRequestTimeout)
		if cte.Sent {
			sent++
		}
	}
	require.Positive(t, sent, "the first batch was handed to the network")

	// The writer is still stuck in that batch's Write: a new request
	// never leaves the client.
	r, err := lcAwait(t, c.Ping(lcGuard(t)))
	cte := hsRequireAbandoned(t, r, err, client.ErrRequestTimeout)
	require.False(t, cte.Sent, "queued behind a blocked write")
	require.ErrorIs(t, err, client.ErrNotSent)

	// A request in flight when Close is called fails with ErrClosed.
	pending := c.Call(context.Background(), "f", big)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		_ = c.Close()
	}()
	select {
	case <-closed:
	case <-time.After(lcHangGuard):
		t.Fatalf("Close hung with the writer blocked; stacks:\n%s", lcAllStacks())
	}
	r, err = lcAwait(t, pending)
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, client.ErrClosed)
	require.False(t, ce.Sent, "never handed to the blocked writer")
}
