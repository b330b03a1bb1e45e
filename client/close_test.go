package client_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

func TestCloseFailsPendingRequests(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	const n = 20
	fs := make([]*future.Future[*client.Response], n)
	caught := make([]*future.Future[*client.Response], n)
	seen := make(chan error, n)
	for i := range fs {
		fs[i] = c.Call(ctx, "sleep", 30)
		// A callback attached before Close sees the failure too.
		caught[i] = fs[i].Catch(func(err error) (*client.Response, error) {
			seen <- err
			return nil, err
		})
	}
	requireHanded(t, c)
	require.Equal(t, n, c.InFlight())

	require.NoError(t, c.Close())
	require.Zero(t, c.InFlight())
	for i, f := range fs {
		// Settled by Close itself, not later.
		r, err, settled := f.Peek()
		require.True(t, settled, "request %d still pending after Close", i)
		ce := requireConnError(t, r, err, true, client.ErrClosed) // request i had been written
		require.Equal(t, requireServer(t).Addr(), ce.Addr, "request %d", i)

		r, err = await(t, caught[i])
		require.Nil(t, r)
		require.ErrorIs(t, err, client.ErrClosed, "callback %d", i)
	}
	close(seen)
	count := 0
	for err := range seen {
		require.ErrorIs(t, err, client.ErrClosed)
		count++
	}
	require.Equal(t, n, count)

	// Later commands fail at once, without being sent.
	r, err := await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrClosed)
	r, err = await(t, c.Select(ctx, "test", nil, 900_000))
	requireConnError(t, r, err, false, client.ErrClosed)
	r, err = await(t, c.Call(ctx, "echo", 1))
	requireConnError(t, r, err, false, client.ErrClosed)

	// Idempotent.
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
	r, err = await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrClosed)
}

func TestCloseConcurrentWithRequests(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	const workers, perWorker = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range perWorker {
				r, err := c.Call(ctx, "echo", w*perWorker+i).Await(ctx)
				switch {
				case err == nil:
					v, verr := r.Values()
					if verr != nil || len(v) != 1 || v[0] != int64(w*perWorker+i) {
						errs <- errors.New("a response was matched to the wrong request")
					}
				case !errors.Is(err, client.ErrClosed):
					errs <- err
				}
			}
		}()
	}
	// Several goroutines close at once while requests are issued.
	close(start)
	var closers sync.WaitGroup
	for range 4 {
		closers.Add(1)
		go func() {
			defer closers.Done()
			if err := c.Close(); err != nil {
				errs <- err
			}
		}()
	}
	closers.Wait()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, c.InFlight())
	r, err := await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrClosed)
}

// TestCloseWithWriterStuck closes a client whose writer is blocked in a
// write the server does not read: Close must not hang, and tells apart the
// request being written from those still queued.
func TestCloseWithWriterStuck(t *testing.T) {
	t.Parallel()
	c, srv := dialPipe(t)
	ctx := testContext(t)
	f1 := c.Call(ctx, "echo", 1)
	holdWriter(t, srv)
	f2 := c.Call(ctx, "echo", 2)

	require.NoError(t, c.Close())
	r, err := await(t, f1)
	requireConnError(t, r, err, true, client.ErrClosed)
	r, err = await(t, f2)
	requireConnError(t, r, err, false, client.ErrClosed)
}

func TestCloseFromCallback(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	pending := c.Call(ctx, "sleep", 30)
	requireHanded(t, c)
	f := c.Call(ctx, "echo", 1).Then(func(r *client.Response) (*client.Response, error) {
		return r, c.Close() // must not wait for this very callback
	})
	r, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, responseValues(t, r))
	_, err = await(t, pending)
	require.ErrorIs(t, err, client.ErrClosed)
	r, err = await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrClosed)
}

// TestServerKilledFailsInFlight kills (SIGKILL) the client's own server
// while requests are in flight.
func TestServerKilledFailsInFlight(t *testing.T) {
	t.Parallel()
	inst := tarantooltest.Start(t, serverOptions(false))
	c := dial(t, inst.Addr())
	ctx := testContext(t)
	const n = 50
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		fs[i] = c.Call(ctx, "sleep", 60)
	}
	thens := make([]*future.Future[*client.Response], n)
	for i := range thens {
		thens[i] = fs[i].Then(func(r *client.Response) (*client.Response, error) { return r, nil })
	}
	requireHanded(t, c)
	require.Equal(t, n, c.InFlight())

	require.NoError(t, inst.Kill())
	// The sleeps would last a minute: settling within the guard means the
	// break failed them at once.
	for i := range fs {
		for _, f := range []*future.Future[*client.Response]{fs[i], thens[i]} {
			r, err := await(t, f)
			ce := requireConnError(t, r, err, true, errConnLost) // the client was not closed
			require.Equal(t, inst.Addr(), ce.Addr, "request %d", i)
		}
	}
	require.Zero(t, c.InFlight())

	// No reconnect: later requests fail at once, unsent.
	for _, f := range []*future.Future[*client.Response]{c.Ping(ctx), c.Call(ctx, "echo", 1), c.Select(ctx, "test", nil, 900_000)} {
		r, err := await(t, f)
		requireConnError(t, r, err, false, nil)
		require.NotErrorIs(t, err, client.ErrClosed)
	}
	require.NoError(t, c.Close())
	r, err := await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, client.ErrClosed)
}
