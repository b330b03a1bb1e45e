package client_test

// The constructors: Dial (one blocking attempt), Connect (a future), Lazy
// (returns at once, connects in the background).

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/transport"
)

// TestDialDeadAddress: Dial makes one attempt, whatever the reconnect
// policy, and fails with a *transport.DialError.
func TestDialDeadAddress(t *testing.T) {
	t.Parallel()
	for _, unix := range []bool{false, true} {
		t.Run(networkName(unix), func(t *testing.T) {
			t.Parallel()
			inst := startServer(t, unix)
			require.NoError(t, inst.Kill())
			d := newCountingDialer(t, inst.Addr())
			c, err := client.Dial(testContext(t), inst.Addr(), testOptions(fastReconnect, withDialer(d)))
			require.Nil(t, c)
			var de *transport.DialError
			require.ErrorAs(t, err, &de)
			require.Equal(t, inst.Addr(), de.Address)
			require.NotErrorIs(t, err, context.DeadlineExceeded, "refused at once, not timed out")
			require.EqualValues(t, 1, d.dials.Load(), "Dial makes one attempt")
		})
	}
}

// TestConnectFuture: Connect's future fires with a ready client, fails
// for a dead address, and abandons the attempt when cancelled.
func TestConnectFuture(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	ctx := testContext(t)

	t.Run("up", func(t *testing.T) {
		rec := newEventRecorder()
		f := client.Connect(ctx, inst.Addr(), testOptions(fastReconnect, withEvents(rec)))
		c, err := await(t, f)
		require.NoError(t, err)
		require.NotNil(t, c)
		defer c.Close()
		require.True(t, c.Connected())
		require.NotNil(t, c.Schema(), "the schema is loaded before the future fires")
		r, err := await(t, c.Select(ctx, "test", "primary", keyBlock()))
		require.NoError(t, err)
		require.Empty(t, responseValues(t, r))
		rec.Wait(t, "connected", 1)
		require.Equal(t, []string{"connected"}, rec.Kinds())
	})

	t.Run("cancelled", func(t *testing.T) {
		// A server that accepts but never greets: the attempt hangs until
		// the future is cancelled, which must close its connection.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		accepted := make(chan net.Conn, 1)
		go func() {
			if nc, err := ln.Accept(); err == nil {
				accepted <- nc
			}
		}()
		f := client.Connect(ctx, ln.Addr().String(), client.Options{DialTimeout: time.Hour})
		var nc net.Conn
		select {
		case nc = <-accepted:
		case <-time.After(hangGuard):
			t.Fatal("Connect did not dial")
		}
		defer nc.Close()
		_, _, settled := f.Peek()
		require.False(t, settled)
		require.True(t, f.Cancel())
		c, err := await(t, f)
		require.Nil(t, c)
		require.ErrorIs(t, err, future.ErrCancelled)
		// The client side hangs up: the server reads EOF.
		require.NoError(t, nc.SetReadDeadline(time.Now().Add(hangGuard)))
		n, err := nc.Read(make([]byte, 1))
		require.Zero(t, n)
		require.ErrorIs(t, err, io.EOF, "the abandoned attempt kept its connection")
	})

	t.Run("dead", func(t *testing.T) {
		require.NoError(t, inst.Kill())
		c, err := await(t, client.Connect(ctx, inst.Addr(), testOptions(fastReconnect)))
		require.Nil(t, c)
		var de *transport.DialError
		require.ErrorAs(t, err, &de)
		require.Equal(t, inst.Addr(), de.Address)
	})
}

// TestLazyServerDownThenUp: Lazy returns at once with the server down;
// requests fail fast as not connected until the server comes up on that
// address, then the client serves.
func TestLazyServerDownThenUp(t *testing.T) {
	t.Parallel()
	for _, unix := range []bool{false, true} {
		t.Run(networkName(unix), func(t *testing.T) {
			t.Parallel()
			inst := startServer(t, unix)
			require.NoError(t, inst.Kill())
			rec := newEventRecorder()
			c, err := client.Lazy(inst.Addr(), testOptions(fastReconnect, withEvents(rec)))
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			require.Equal(t, inst.Addr(), c.Addr())
			require.False(t, c.Connected())
			require.Nil(t, c.Schema())
			ctx := testContext(t)
			base := keyBlock()

			// By name too: without a connection the client has no schema
			// yet, and that is "not connected", not "no such space".
			for _, f := range []*future.Future[*client.Response]{
				c.Ping(ctx),
				c.Call(ctx, "echo", 1),
				c.Select(ctx, "test", "primary", base),
				c.Replace(ctx, "test", []any{base, "down"}),
				c.Select(ctx, 512, 0, base),
			} {
				r, err := await(t, f)
				requireConnError(t, r, err, false, client.ErrNotConnected)
				require.NotContains(t, err.Error(), "connection lost", "no connection was ever made")
			}
			rec.Wait(t, "reconnecting", 1)

			restartServer(t, inst)
			rec.Wait(t, "connected", 1)
			require.True(t, c.Connected())
			require.NotNil(t, c.Schema())
			r, err := await(t, c.Replace(ctx, "test", []any{base, "up"}))
			require.NoError(t, err)
			require.Equal(t, []any{[]any{int64(base), "up"}}, responseValues(t, r))
			r, err = await(t, c.Select(ctx, "test", "primary", base))
			require.NoError(t, err)
			require.Equal(t, []any{[]any{int64(base), "up"}}, responseValues(t, r))

			// Retries before the first connection are reconnecting
			// events counted from 1; the success is "connected".
			events := rec.Events()
			last := events[len(events)-1]
			require.Equal(t, "connected", last.Kind)
			require.Same(t, c, last.Client)
			for i, e := range events[:len(events)-1] {
				require.Equal(t, "reconnecting", e.Kind)
				require.Equal(t, i+1, e.Attempt)
				require.Equal(t, quickReconnect.Delay, e.Delay)
			}
		})
	}
}

// TestLazyWaitForReconnect: with WaitForReconnect, requests made before
// the first connection (by space name too) wait for it and succeed. The
// dial timeout is longer than the hang guard, so a connection attempt
// stuck behind the waiting requests fails the test.
func TestLazyWaitForReconnect(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	require.NoError(t, inst.Kill())
	c, err := client.Lazy(inst.Addr(), testOptions(fastReconnect, func(o *client.Options) {
		o.WaitForReconnect = 3
		o.DialTimeout = 2 * hangGuard
	}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := testContext(t)
	base := keyBlock()

	replace := c.Replace(ctx, "test", []any{base, "queued"})
	sel := c.Select(ctx, "test", "primary", base+1)
	call := c.Call(ctx, "echo", "queued")
	r, err := await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrNotConnected)
	for _, f := range []*future.Future[*client.Response]{replace, sel, call} {
		_, _, settled := f.Peek()
		require.False(t, settled)
	}

	restartServer(t, inst)
	r, err = await(t, replace)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(base), "queued"}}, responseValues(t, r))
	r, err = await(t, sel)
	require.NoError(t, err)
	require.Empty(t, responseValues(t, r))
	r, err = await(t, call)
	require.NoError(t, err)
	require.Equal(t, []any{"queued"}, responseValues(t, r))
	require.True(t, c.Connected())
}

// TestReloadSchemaWhileDown: a schema reload asked for while disconnected
// fails fast instead of waiting for the connection (the next connection's
// own schema load would join it and wait for it: a deadlock until the
// dial timeout). The dial timeout is longer than the hang guard.
func TestReloadSchemaWhileDown(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	rec := newEventRecorder()
	c := dial(t, inst.Addr(), fastReconnect, withEvents(rec), func(o *client.Options) {
		o.WaitForReconnect = 10
		o.DialTimeout = 2 * hangGuard
	})
	ctx := testContext(t)

	require.NoError(t, inst.Kill())
	rec.Wait(t, "disconnected", 1)
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	s, err := c.ReloadSchema(short)
	require.Nil(t, s)
	requireConnError(t, nil, err, false, client.ErrNotConnected)
	waiting := c.Call(ctx, "echo", "w")

	restartServer(t, inst)
	rec.Wait(t, "reconnected", 1)
	r, err := await(t, waiting)
	require.NoError(t, err)
	require.Equal(t, []any{"w"}, responseValues(t, r))
	s, err = c.ReloadSchema(ctx)
	require.NoError(t, err)
	require.Same(t, s, c.Schema())
}

// TestLazyInvalidAddress: Lazy and LazyPool fail only for an address that
// cannot be parsed.
func TestLazyInvalidAddress(t *testing.T) {
	t.Parallel()
	c, err := client.Lazy("tcp://", client.Options{})
	require.Nil(t, c)
	var ae *transport.AddressError
	require.ErrorAs(t, err, &ae)
	p, err := client.LazyPool("tcp://", 3, client.Options{})
	require.Nil(t, p)
	require.ErrorAs(t, err, &ae)
}

// TestLazyPool: LazyPool returns at once with the server down, with
// DefaultPoolSize members for size 0; every member connects once the
// server is up.
func TestLazyPool(t *testing.T) {
	t.Parallel()
	inst := startServer(t, true)
	require.NoError(t, inst.Kill())
	rec := newEventRecorder()
	p, err := client.LazyPool(inst.Addr(), 0, testOptions(fastReconnect, withEvents(rec)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	require.Len(t, p.Members(), client.DefaultPoolSize)
	require.Equal(t, 10, client.DefaultPoolSize)
	require.False(t, p.Connected())
	ctx := testContext(t)
	r, err := await(t, p.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrNotConnected)

	restartServer(t, inst)
	connected := rec.Wait(t, "connected", client.DefaultPoolSize)
	require.Len(t, connected, client.DefaultPoolSize)
	members := map[*client.Client]bool{}
	for _, e := range connected {
		members[e.Client] = true
	}
	for _, m := range p.Members() {
		require.True(t, members[m], "a member never connected")
		require.True(t, m.Connected())
	}
	require.True(t, p.Connected())
	r, err = await(t, p.Call(ctx, "echo", 5))
	require.NoError(t, err)
	require.Equal(t, []any{int64(5)}, responseValues(t, r))
}

// TestLazyConcurrentFirstUse: many goroutines use a lazy client while it
// connects; every request either succeeds or fails as not connected.
func TestLazyConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	require.NoError(t, inst.Kill())
	c, err := client.Lazy(inst.Addr(), testOptions(fastReconnect))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := testContext(t)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, notConnected int
	var unexpected []error
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r, err := c.Call(ctx, "echo", g, i).Await(ctx)
				mu.Lock()
				switch {
				case err == nil:
					if v, verr := r.Values(); verr != nil || len(v) != 2 || v[0] != int64(g) || v[1] != int64(i) {
						unexpected = append(unexpected, errors.New("a response was matched to the wrong request"))
					}
					ok++
				case errors.Is(err, client.ErrNotConnected) && errors.Is(err, client.ErrNotSent):
					notConnected++
				default:
					unexpected = append(unexpected, err)
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	restartServer(t, inst)
	waitUntil(t, "connected", c.Connected)
	waitUntil(t, "requests succeeding", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ok >= 100
	})
	close(stop)
	wg.Wait()
	require.Empty(t, unexpected)
	require.Greater(t, notConnected, 0, "requests were made before the server was up")
	require.GreaterOrEqual(t, ok, 100)
}
