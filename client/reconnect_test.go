package client_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/reconnect"
)

// TestConnectionLoss kills (SIGKILL) the server under a client and a
// pool, over TCP and a Unix socket: requests in flight fail at once as
// sent, requests made while it is down fail fast as not connected, and once
// the server is back the client has reconnected by itself, logged in again
// and reloaded the schema.
func TestConnectionLoss(t *testing.T) {
	t.Parallel()
	for _, unix := range []bool{false, true} {
		for _, pool := range []bool{false, true} {
			name := networkName(unix) + "/client"
			if pool {
				name = networkName(unix) + "/pool"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				inst := startServer(t, unix)
				rec := newEventRecorder()
				conn, members := dialClientOrPool(t, inst.Addr(), pool, 3, fastReconnect, withEvents(rec))
				ctx := testContext(t)
				base := keyBlock()

				r, err := await(t, conn.Replace(ctx, "test", []any{base, "before"}))
				require.NoError(t, err)
				require.Equal(t, []any{[]any{int64(base), "before"}}, responseValues(t, r))
				schemas := make([]*client.Schema, len(members))
				for i, m := range members {
					schemas[i] = m.Schema()
					require.NotNil(t, schemas[i])
				}

				// Requests in flight: each sleeps a minute, so settling
				// within the hang guard means the loss failed them.
				const n = 30
				fs := make([]*future.Future[*client.Response], n)
				for i := range fs {
					fs[i] = conn.Call(ctx, "sleep", 60)
				}
				requireAllHanded(t, members)
				require.Equal(t, n, conn.InFlight())

				require.NoError(t, inst.Kill())
				for i, f := range fs {
					r, err := await(t, f)
					require.Equal(t, inst.Addr(), requireConnError(t, r, err, true, errConnLost).Addr)
					require.Falsef(t, errors.Is(err, context.DeadlineExceeded), "request %d: %v", i, err)
				}
				require.Zero(t, conn.InFlight())

				// Every member saw the loss, with its cause.
				lost := rec.Wait(t, "disconnected", len(members))
				require.Len(t, lost, len(members))
				seen := map[*client.Client]bool{}
				for _, e := range lost {
					require.NotNil(t, e.Cause)
					seen[e.Client] = true
				}
				require.Len(t, seen, len(members), "one disconnection per member")
				require.False(t, conn.Connected())
				require.True(t, noneConnected(members))

				// While it is down: fail fast, not sent, whatever the command.
				for _, f := range []*future.Future[*client.Response]{
					conn.Ping(ctx),
					conn.Call(ctx, "echo", 1),
					conn.Select(ctx, "test", "primary", base),
					conn.Replace(ctx, "test", []any{base + 1, "down"}),
					conn.Eval(ctx, "return 1"),
				} {
					r, err := await(t, f)
					requireConnError(t, r, err, false, client.ErrNotConnected)
					// The cause is kept: the loss, or the reconnect attempt
					// that failed after it (the server is down).
					msg := err.Error()
					require.Truef(t, strings.Contains(msg, "connection lost") || strings.Contains(msg, "last attempt"),
						"the cause of the loss or of the last attempt is kept: %v", err)
				}

				restartServer(t, inst)
				back := rec.Wait(t, "reconnected", len(members))
				require.Len(t, back, len(members))
				for _, e := range back {
					require.Greater(t, e.Downtime, time.Duration(0))
				}
				waitUntil(t, "all members connected", func() bool { return allConnected(members) })
				require.True(t, conn.Connected())

				// A new schema snapshot was loaded on each new connection.
				for i, m := range members {
					require.NotSame(t, schemas[i], m.Schema(), "member %d kept the old schema", i)
					sp, ok := m.Schema().SpaceByName("test")
					require.True(t, ok)
					require.EqualValues(t, 512, sp.ID)
				}
				// Logged in again as tester: guest could not write.
				r, err = await(t, conn.Replace(ctx, "test", []any{base + 2, "after"}))
				require.NoError(t, err)
				require.Equal(t, []any{[]any{int64(base + 2), "after"}}, responseValues(t, r))
				// By space and index name; the write made before the kill
				// survived it, the one refused while down was never made.
				for k, want := range map[uint64][]any{
					base:     {[]any{int64(base), "before"}},
					base + 1: {},
					base + 2: {[]any{int64(base + 2), "after"}},
				} {
					r, err = await(t, conn.Select(ctx, "test", "primary", k))
					require.NoError(t, err)
					require.Equal(t, want, responseValues(t, r), "key %d", k)
				}
				r, err = await(t, conn.Call(ctx, "echo", "x", 2))
				require.NoError(t, err)
				require.Equal(t, []any{"x", int64(2)}, responseValues(t, r))
				require.Len(t, rec.Kind("disconnected"), len(members), "no further disconnection")
				require.Len(t, rec.Kind("reconnected"), len(members))
			})
		}
	}
}

// TestConnectionLossUnsentRequests breaks a connection while requests are
// still queued in the client, which a real server cannot arrange, so it
// uses in-memory pipes to a fake server (kit_fake_test.go): the request being
// written fails as sent, the queued ones as not sent, and these are never
// sent on the next connection either.
func TestConnectionLossUnsentRequests(t *testing.T) {
	t.Parallel()
	for _, pool := range []bool{false, true} {
		t.Run(map[bool]string{false: "client", true: "pool"}[pool], func(t *testing.T) {
			t.Parallel()
			pipes := newPipes(t)
			rec := newEventRecorder()
			opts := client.Options{Dialer: pipes, SkipSchema: true, Reconnect: reconnect.Constant{Delay: 10 * time.Millisecond}, Handlers: rec.Handlers()}
			conn, _ := dialClientOrPool(t, pipes.Address(), pool, 1, withOptions(opts))
			ctx := testContext(t)
			srv := nextPipe(t, pipes)

			f1 := conn.Call(ctx, "echo", 1)
			holdWriter(t, srv) // the writer is stuck writing f1
			f2 := conn.Call(ctx, "echo", 2)
			f3 := conn.Ping(ctx)
			require.Equal(t, 3, conn.InFlight())
			require.NoError(t, srv.Close())

			r, err := await(t, f1)
			require.Equal(t, "pipe", requireConnError(t, r, err, true, errConnLost).Addr)
			for _, f := range []*future.Future[*client.Response]{f2, f3} {
				r, err := await(t, f)
				requireConnError(t, r, err, false, nil)
				require.NotErrorIs(t, err, client.ErrOutcomeUnknown)
			}
			require.Zero(t, conn.InFlight())

			// The client reconnects; the first request the new server
			// reads is a new one, not f2 or f3.
			srv2 := nextPipe(t, pipes)
			rec.Wait(t, "reconnected", 1)
			f4 := conn.Call(ctx, "echo", 4)
			req, args := readCall(t, srv2)
			require.Equal(t, []any{int64(4)}, args)
			require.NoError(t, srv2.ReplyOK(req, 40))
			r, err = await(t, f4)
			require.NoError(t, err)
			require.Equal(t, []any{int64(40)}, responseValues(t, r))
			require.Equal(t, []string{"connected", "disconnected", "reconnecting", "reconnected"}, rec.Kinds())
		})
	}
}

// TestWaitForReconnect: with Options.WaitForReconnect = N, up to N
// requests made while the server is down wait for it (per member of a
// pool); one more fails fast; a waiting request whose context ends fails
// as not sent; the others are sent after the reconnect and succeed.
func TestWaitForReconnect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		unix, pool bool
	}{{false, false}, {true, true}, {true, false}, {false, true}} {
		name := networkName(tc.unix) + map[bool]string{false: "/client", true: "/pool"}[tc.pool]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const perMember, size = 4, 2
			inst := startServer(t, tc.unix)
			rec := newEventRecorder()
			conn, members := dialClientOrPool(t, inst.Addr(), tc.pool, size, fastReconnect, withEvents(rec), func(o *client.Options) {
				o.WaitForReconnect = perMember
			})
			capacity := perMember * len(members)
			ctx := testContext(t)
			base := keyBlock()

			require.NoError(t, inst.Kill())
			rec.Wait(t, "disconnected", len(members))
			require.True(t, noneConnected(members))

			// One request per member with a short deadline; the rest of
			// the queue with the guard's. A pool hands requests to its
			// dead members in turn, so each member's queue fills evenly.
			short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancelShort()
			var expiring, waiting []*future.Future[*client.Response]
			for i := range capacity {
				if i < len(members) {
					expiring = append(expiring, conn.Replace(short, "test", []any{base + uint64(i), "expired"}))
				} else {
					waiting = append(waiting, conn.Replace(ctx, "test", []any{base + uint64(i), "waited"}))
				}
			}
			// The queue is full: the next one fails fast.
			r, err := await(t, conn.Call(ctx, "echo", "overflow"))
			requireConnError(t, r, err, false, client.ErrNotConnected)
			for i, f := range waiting {
				_, _, settled := f.Peek()
				require.False(t, settled, "waiting request %d settled while the server is down", i)
			}

			// The short deadline ends while the server is still down.
			for _, f := range expiring {
				r, err := await(t, f)
				xe := requireCtxError(t, r, err, context.DeadlineExceeded)
				require.False(t, xe.Sent)
			}
			// Their places are free again.
			refill := make([]*future.Future[*client.Response], len(members))
			for i := range refill {
				refill[i] = conn.Call(ctx, "echo", i)
			}
			r, err = await(t, conn.Ping(ctx))
			requireConnError(t, r, err, false, client.ErrNotConnected)

			restartServer(t, inst)
			for i, f := range waiting {
				r, err := await(t, f)
				require.NoError(t, err, "waiting request %d", i)
				k := base + uint64(len(members)+i)
				require.Equal(t, []any{[]any{int64(k), "waited"}}, responseValues(t, r))
			}
			for i, f := range refill {
				r, err := await(t, f)
				require.NoError(t, err)
				require.Equal(t, []any{int64(i)}, responseValues(t, r))
			}
			// The expired requests were never executed.
			for i := range members {
				r, err := await(t, conn.Select(ctx, "test", "primary", base+uint64(i)))
				require.NoError(t, err)
				require.Empty(t, responseValues(t, r))
			}
			rec.Wait(t, "reconnected", len(members))
		})
	}
}

// TestReconnectHandlers follows the handlers through two outages with an
// exact (unjittered) backoff: every attempt number and delay, the
// downtime, and the delay starting over after each successful connection.
func TestReconnectHandlers(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	rec := newEventRecorder()
	policy := reconnect.Backoff{Initial: 10 * time.Millisecond, Max: 80 * time.Millisecond, Multiplier: 2, Jitter: reconnect.NoJitter}
	c := dial(t, inst.Addr(), fastReconnect, withEvents(rec), func(o *client.Options) { o.Reconnect = policy })
	ctx := testContext(t)
	rec.Wait(t, "connected", 1)

	outage := func(round int) {
		before, tried := len(rec.Events()), len(rec.Kind("reconnecting"))
		require.NoError(t, inst.Kill())
		rec.Wait(t, "disconnected", round)
		// At least five failed attempts: 10, 20, 40, 80, 80 ms.
		rec.Wait(t, "reconnecting", tried+5)
		restartServer(t, inst)
		rec.Wait(t, "reconnected", round)
		_, err := await(t, c.Ping(ctx))
		require.NoError(t, err)

		events := rec.Events()[before:]
		require.Equal(t, "disconnected", events[0].Kind)
		require.NotNil(t, events[0].Cause)
		require.NotErrorIs(t, events[0].Cause, client.ErrClosed)
		last := events[len(events)-1]
		require.Equal(t, "reconnected", last.Kind)
		attempts := events[1 : len(events)-1]
		require.GreaterOrEqual(t, len(attempts), 5)
		var slept time.Duration
		for i, e := range attempts {
			require.Equal(t, "reconnecting", e.Kind)
			require.Equal(t, i+1, e.Attempt, "round %d: attempts count from 1 in every outage", round)
			want, ok := policy.Next(i + 1)
			require.True(t, ok)
			require.Equal(t, want, e.Delay, "round %d attempt %d", round, i+1)
			slept += e.Delay
		}
		require.Equal(t, 10*time.Millisecond, attempts[0].Delay, "round %d: the delay starts over", round)
		require.Equal(t, 80*time.Millisecond, attempts[4].Delay)
		// The client slept every delay while down.
		require.GreaterOrEqual(t, last.Downtime, slept)
		for _, e := range events {
			require.Same(t, c, e.Client)
		}
	}
	outage(1)
	outage(2) // the backoff restarted after the successful reconnect

	require.NoError(t, c.Close())
	closed := rec.Wait(t, "closed", 1)
	require.Len(t, closed, 1)
	require.Nil(t, closed[0].Cause)
	require.Same(t, c, closed[0].Client)
	kinds := rec.Kinds()
	require.Equal(t, "connected", kinds[0])
	require.Equal(t, "closed", kinds[len(kinds)-1])
	require.Len(t, rec.Kind("connected"), 1, "connected is reported once; later ones are reconnections")
}

// TestHandlersNeverBlockClient blocks the Disconnected handler (and so
// the client's callback executor) for the whole test: the client still
// reconnects, and requests awaited with Await still complete, including
// one that needs a schema reload.
func TestHandlersNeverBlockClient(t *testing.T) {
	t.Parallel()
	inst := startServer(t, false)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	reconnected := make(chan struct{}, 1)
	var once bool
	c := dial(t, inst.Addr(), fastReconnect, func(o *client.Options) {
		o.Handlers.Disconnected = func(*client.Client, error) {
			if !once {
				once = true
				entered <- struct{}{}
				<-release
			}
		}
		o.Handlers.Reconnected = func(*client.Client, time.Duration) { reconnected <- struct{}{} }
	})
	defer close(release) // before the Close of dial's cleanup
	ctx := testContext(t)
	base := keyBlock()

	require.NoError(t, inst.Kill())
	select {
	case <-entered:
	case <-time.After(hangGuard):
		t.Fatal("the Disconnected handler was not called")
	}
	restartServer(t, inst)
	waitUntil(t, "reconnected", c.Connected)

	// The executor is stuck in the handler: callbacks wait, Await does not.
	then := c.Ping(ctx).Then(func(r *client.Response) (*client.Response, error) { return r, nil })
	r, err := c.Replace(ctx, "test", []any{base, "x"}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(base), "x"}}, responseValues(t, r))
	r, err = c.Call(ctx, "echo", 7).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{int64(7)}, responseValues(t, r))

	// A space created after the connection: naming it makes the client
	// reload the schema, which must not wait for the executor either.
	name := uniqueName("rc_blocked")
	createSpace(t, c, name, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	r, err = c.Replace(ctx, name, []any{1, "y"}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(1), "y"}}, responseValues(t, r))
	r, err = c.Select(ctx, name, "primary", 1).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(1), "y"}}, responseValues(t, r))

	_, _, settled := then.Peek()
	require.False(t, settled, "a callback ran while the executor was blocked")
	select {
	case <-reconnected:
		t.Fatal("the Reconnected handler ran while the executor was blocked")
	default:
	}
	release <- struct{}{} // unblock (close in defer would do; this checks order)
	r, err = await(t, then)
	require.NoError(t, err)
	require.NotNil(t, r)
	select {
	case <-reconnected:
	case <-time.After(hangGuard):
		t.Fatal("the Reconnected handler never ran")
	}
}

// TestReconnectMaxAttempts: with MaxAttempts(..., 3) and the server down,
// the client gives up, tells Handlers.Closed why, fails the waiting
// requests and every later one with ErrReconnectStopped, and never dials
// again, even once the server is back.
func TestReconnectMaxAttempts(t *testing.T) {
	t.Parallel()
	for _, lazy := range []bool{false, true} {
		t.Run(map[bool]string{false: "after-loss", true: "lazy"}[lazy], func(t *testing.T) {
			t.Parallel()
			inst := startServer(t, false)
			d := newCountingDialer(t, inst.Addr())
			rec := newEventRecorder()
			opts := testOptions(fastReconnect, withEvents(rec), func(o *client.Options) {
				o.Dialer = d
				o.Reconnect = reconnect.MaxAttempts(reconnect.Constant{Delay: 10 * time.Millisecond}, 3)
				o.WaitForReconnect = 10
			})
			ctx := testContext(t)
			var c *client.Client
			var waiting *future.Future[*client.Response]
			if lazy {
				require.NoError(t, inst.Kill())
				var err error
				c, err = client.Lazy(inst.Addr(), opts)
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close() })
				waiting = c.Ping(ctx)
			} else {
				var err error
				c, err = client.Dial(ctx, inst.Addr(), opts)
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close() })
				require.EqualValues(t, 1, d.dials.Load())
				require.NoError(t, inst.Kill())
				rec.Wait(t, "disconnected", 1)
				waiting = c.Ping(ctx)
			}

			closed := rec.Wait(t, "closed", 1)
			require.Len(t, closed, 1)
			require.ErrorIs(t, closed[0].Cause, client.ErrReconnectStopped)
			require.Same(t, c, closed[0].Client)
			require.False(t, c.Connected())

			// Attempts: a lazy client's first one is immediate, then one
			// per delay the policy grants (attempts 1 and 2; the third
			// failure is the last). After a loss, the loss counts as the
			// first failure, so two reconnects are tried.
			reconnecting := rec.Kind("reconnecting")
			require.Len(t, reconnecting, 2)
			for i, e := range reconnecting {
				require.Equal(t, i+1, e.Attempt)
				require.Equal(t, 10*time.Millisecond, e.Delay)
			}
			wantDials := int64(3) // the first Dial and two reconnects, or three lazy attempts
			require.Equal(t, wantDials, d.dials.Load())
			if lazy {
				require.Equal(t, []string{"reconnecting", "reconnecting", "closed"}, rec.Kinds())
			} else {
				require.Equal(t, []string{"connected", "disconnected", "reconnecting", "reconnecting", "closed"}, rec.Kinds())
			}

			for _, f := range []*future.Future[*client.Response]{waiting, c.Ping(ctx), c.Call(ctx, "echo", 1), c.Select(ctx, "test", nil, 1)} {
				r, err := await(t, f)
				requireConnError(t, r, err, false, nil)
				require.ErrorIs(t, err, client.ErrReconnectStopped)
				require.NotErrorIs(t, err, client.ErrClosed)
			}

			// The server comes back; the client has stopped for good.
			restartServer(t, inst)
			time.Sleep(200 * time.Millisecond) // twenty delays of the policy
			require.Equal(t, wantDials, d.dials.Load(), "the client dialled after giving up")
			r, err := await(t, c.Ping(ctx))
			require.Nil(t, r)
			require.ErrorIs(t, err, client.ErrReconnectStopped)
			require.False(t, c.Connected())
		})
	}
}

// TestReconnectNever: reconnect.Never() makes no attempt after a loss.
func TestReconnectNever(t *testing.T) {
	t.Parallel()
	inst := startServer(t, true)
	d := newCountingDialer(t, inst.Addr())
	rec := newEventRecorder()
	c := dial(t, inst.Addr(), fastReconnect, withEvents(rec), func(o *client.Options) {
		o.Dialer = d
		o.Reconnect = reconnect.Never()
	})
	ctx := testContext(t)
	_, err := await(t, c.Ping(ctx))
	require.NoError(t, err)

	require.NoError(t, inst.Kill())
	closed := rec.Wait(t, "closed", 1)
	require.ErrorIs(t, closed[0].Cause, client.ErrReconnectStopped)
	require.Equal(t, []string{"connected", "disconnected", "closed"}, rec.Kinds())
	r, err := await(t, c.Ping(ctx))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrReconnectStopped)
	require.ErrorIs(t, err, client.ErrNotSent)

	restartServer(t, inst)
	time.Sleep(100 * time.Millisecond)
	require.EqualValues(t, 1, d.dials.Load(), "a reconnect was attempted")
	require.False(t, c.Connected())
	require.Equal(t, []string{"connected", "disconnected", "closed"}, rec.Kinds())
}

// TestCloseStopsReconnecting closes clients while the server is down and
// a reconnect is scheduled a minute later: Close returns at once, the
// waiting requests fail as closed and not sent, and no goroutine is left.
// Not parallel: it counts goroutines.
func TestCloseStopsReconnecting(t *testing.T) {
	for _, tc := range []string{"client", "lazy", "pool"} {
		t.Run(tc, func(t *testing.T) {
			inst := startServer(t, tc == "pool")
			baseline := settledGoroutines()
			rec := newEventRecorder()
			opts := testOptions(fastReconnect, withEvents(rec), func(o *client.Options) {
				o.Reconnect = reconnect.Constant{Delay: time.Minute}
				o.WaitForReconnect = 5
			})
			ctx := testContext(t)
			var conn client.Conn
			members := 1
			switch tc {
			case "client":
				c, err := client.Dial(ctx, inst.Addr(), opts)
				require.NoError(t, err)
				conn = c
			case "lazy":
				require.NoError(t, inst.Kill())
				c, err := client.Lazy(inst.Addr(), opts)
				require.NoError(t, err)
				conn = c
			case "pool":
				members = 3
				p, err := client.DialPool(ctx, inst.Addr(), members, opts)
				require.NoError(t, err)
				conn = p
			}
			require.NoError(t, inst.Kill())
			// Every member is waiting a minute for its next attempt.
			rec.Wait(t, "reconnecting", members)
			for _, e := range rec.Kind("reconnecting") {
				require.Equal(t, 1, e.Attempt)
				require.Equal(t, time.Minute, e.Delay)
			}
			waiting := []*future.Future[*client.Response]{conn.Ping(ctx), conn.Call(ctx, "echo", 1)}

			closed := make(chan error, 1)
			go func() { closed <- conn.Close() }()
			select {
			case err := <-closed:
				require.NoError(t, err)
			case <-time.After(hangGuard):
				t.Fatalf("Close did not return while a reconnect was scheduled; stacks:\n%s", allStacks())
			}
			for _, f := range waiting {
				r, err, settled := f.Peek()
				require.True(t, settled, "a waiting request outlived Close")
				requireConnError(t, r, err, false, client.ErrClosed)
			}
			r, err := await(t, conn.Ping(ctx))
			requireConnError(t, r, err, false, client.ErrClosed)
			closedEvents := rec.Wait(t, "closed", members)
			require.Len(t, closedEvents, members)
			for _, e := range closedEvents {
				require.Nil(t, e.Cause)
			}
			require.Empty(t, rec.Kind("reconnected"))
			baseline.requireNoneNew(t)
		})
	}
}

// TestReconnectAfterLongOutage: the server comes back on the same address
// after a long outage; the client, with a capped backoff, finds it and
// serves. About 3 s of downtime; TXT_LONG_TESTS=1 makes it 2 minutes.
func TestReconnectAfterLongOutage(t *testing.T) {
	t.Parallel()
	downtime, policy := 3*time.Second, reconnect.Backoff{Initial: 10 * time.Millisecond, Max: 200 * time.Millisecond, Jitter: reconnect.NoJitter}
	if os.Getenv("TXT_LONG_TESTS") == "1" {
		downtime, policy = 2*time.Minute, reconnect.Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second, Jitter: reconnect.NoJitter}
	}
	for _, pool := range []bool{false, true} {
		t.Run(map[bool]string{false: "client", true: "pool"}[pool], func(t *testing.T) {
			t.Parallel()
			inst := startServer(t, false)
			rec := newEventRecorder()
			conn, members := dialClientOrPool(t, inst.Addr(), pool, 2, fastReconnect, withEvents(rec), func(o *client.Options) { o.Reconnect = policy })
			ctx, cancel := context.WithTimeout(context.Background(), downtime+hangGuard)
			defer cancel()
			base := keyBlock()
			_, err := conn.Replace(ctx, "test", []any{base, "before"}).Await(ctx)
			require.NoError(t, err)

			require.NoError(t, inst.Kill())
			time.Sleep(downtime)
			r, err := await(t, conn.Ping(ctx))
			requireConnError(t, r, err, false, client.ErrNotConnected)
			restartServer(t, inst)
			back := rec.Wait(t, "reconnected", len(members))
			for _, e := range back {
				// Measured from when the client noticed the loss.
				require.Greater(t, e.Downtime, downtime/2)
			}
			// The delays grew to the cap and stayed there.
			for _, e := range rec.Kind("reconnecting") {
				want, _ := policy.Next(e.Attempt)
				require.Equal(t, want, e.Delay)
				require.LessOrEqual(t, e.Delay, policy.Max)
			}
			attempts := len(rec.Kind("reconnecting")) / len(members)
			require.Greater(t, attempts, 5, "the capped backoff kept trying")

			r, err = await(t, conn.Select(ctx, "test", "primary", base))
			require.NoError(t, err)
			require.Equal(t, []any{[]any{int64(base), "before"}}, responseValues(t, r))
			r, err = await(t, conn.Replace(ctx, "test", []any{base + 1, "after"}))
			require.NoError(t, err)
			require.Equal(t, []any{[]any{int64(base + 1), "after"}}, responseValues(t, r))
		})
	}
}
