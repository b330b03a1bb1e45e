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

// TestHostileSilentServer: the server greets, reads every request and
// never answers. Requests fail by Options.RequestTimeout or by their own
// deadline, as sent; the connection stays up.
func TestHostileSilentServer(t *testing.T) {
	requireNoLeaks(t)
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		return c.Discard()
	})
	c := dialFake(t, srv, func(o *client.Options) { o.RequestTimeout = 100 * time.Millisecond })

	fs := make([]*future.Future[*client.Response], 10)
	for i := range fs {
		fs[i] = c.Call(testContext(t), "f", i)
	}
	for _, f := range fs {
		r, err := await(t, f)
		cte := requireCtxError(t, r, err, client.ErrRequestTimeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.True(t, cte.Sent, "the server read it")
		require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	}

	// The request's own, earlier, deadline is reported as such.
	ctx, cancel := context.WithTimeout(testContext(t), 30*time.Millisecond)
	defer cancel()
	r, err := await(t, c.Ping(ctx))
	requireCtxError(t, r, err, context.DeadlineExceeded)
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
	requireNoLeaks(t)
	dripping := func(pause time.Duration) fakeiproto.Handler {
		return func(c *fakeiproto.Conn) error {
			c.Drip(pause)
			return fakeiproto.Healthy(c)
		}
	}

	t.Run("works", func(t *testing.T) {
		srv := startFake(t, dripping(200*time.Microsecond))
		c := dialFake(t, srv, func(o *client.Options) {
			o.SkipSchema = false // the schema load drips in too
			o.User, o.Password = "u", "p"
		})
		ctx := testContext(t)
		fs := make([]*future.Future[*client.Response], 5)
		for i := range fs {
			fs[i] = c.Call(ctx, "echo", i, strings.Repeat("x", i*10))
		}
		for i, f := range fs {
			r, err := await(t, f)
			require.NoError(t, err)
			require.Equal(t, []any{int64(i), strings.Repeat("x", i*10)}, responseValues(t, r))
		}
		require.Equal(t, 1, srv.Accepted())
	})

	t.Run("times out cleanly", func(t *testing.T) {
		srv := startFake(t, dripping(2*time.Millisecond))
		log := newLogRecorder()
		c := dialFake(t, srv, withLog(log), func(o *client.Options) { o.DialTimeout = time.Minute })
		// About 150 bytes at 2 ms each: far beyond 30 ms.
		ctx, cancel := context.WithTimeout(testContext(t), 30*time.Millisecond)
		defer cancel()
		r, err := await(t, c.Call(ctx, "echo", strings.Repeat("y", 100)))
		cte := requireCtxError(t, r, err, context.DeadlineExceeded)
		require.True(t, cte.Sent)

		// The next request waits behind the late answer, which is
		// discarded, and gets its own.
		requireEchoes(t, c, "after the drip")
		log.waitFor(t, logDiscarded, 1)
		require.Equal(t, 1, srv.Accepted())
	})

	t.Run("greeting slower than DialTimeout", func(t *testing.T) {
		srv := startFake(t, dripping(5*time.Millisecond))
		err := dialFails(t, srv, func(o *client.Options) { o.DialTimeout = 50 * time.Millisecond })
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

// TestHostileServerStopsReading: the server greets, then neither reads
// nor writes, so once the socket buffers are full the client's writer is
// blocked in Write. Requests fail by their timeout (those stuck behind
// the blocked write as not sent), and Close returns at once.
func TestHostileServerStopsReading(t *testing.T) {
	requireNoLeaks(t)
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		if err := c.SetReadBuffer(4096); err != nil {
			return err
		}
		if err := c.WriteGreeting(); err != nil {
			return err
		}
		return c.Hold()
	})
	c, err := client.Dial(testContext(t), srv.Addr(), fakeOptions(func(o *client.Options) {
		// Long enough for the writer to take the first batch whatever
		// the machine's load.
		o.RequestTimeout = time.Second
	}))
	require.NoError(t, err)
	defer c.Close() // after a failure only

	// 16 MiB of requests: far more than the socket buffers hold.
	big := strings.Repeat("z", 1<<20)
	fs := make([]*future.Future[*client.Response], 16)
	for i := range fs {
		fs[i] = c.Call(testContext(t), "f", big)
	}
	sent := 0
	for _, f := range fs {
		r, err := await(t, f)
		cte := requireCtxError(t, r, err, client.ErrRequestTimeout)
		if cte.Sent {
			sent++
		}
	}
	require.Positive(t, sent, "the first batch was handed to the network")

	// The writer is still stuck in that batch's Write: a new request
	// never leaves the client.
	r, err := await(t, c.Ping(testContext(t)))
	cte := requireCtxError(t, r, err, client.ErrRequestTimeout)
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
	case <-time.After(hangGuard):
		t.Fatalf("Close hung with the writer blocked; stacks:\n%s", allStacks())
	}
	r, err = await(t, pending)
	requireConnError(t, r, err, false, client.ErrClosed) // never handed to the blocked writer
}
