package client_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/transport"
)

// TestCallbackDoesNotRunOnReader proves without timing that Then
// callbacks do not run on the network reader: the callback on A issues B
// and waits for B's response. B is sent only once the callback runs, so
// its response necessarily comes after A's; were the callback running on
// the reader, the reader would be stuck in it and B would never settle
// (the guard then fails the test instead of hanging).
func TestCallbackDoesNotRunOnReader(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	var inner []any
	f := c.Call(ctx, "echo", "a").Then(func(r *client.Response) (*client.Response, error) {
		rb, err := c.Call(ctx, "echo", "b").Await(ctx)
		if err != nil {
			return nil, fmt.Errorf("awaiting B inside A's callback: %w", err)
		}
		inner, err = rb.Values()
		return r, err
	})
	r, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, []any{"a"}, responseValues(t, r))
	require.Equal(t, []any{"b"}, inner)

	// Catch callbacks too: the error of A is handled while B is awaited.
	g := c.Call(ctx, "lc_no_such_function").Catch(func(err error) (*client.Response, error) {
		if !errors.Is(err, client.ErrorCode(iproto.ER_NO_SUCH_PROC)) {
			return nil, err
		}
		return c.Call(ctx, "echo", "recovered").Await(ctx)
	})
	r, err = await(t, g)
	require.NoError(t, err)
	require.Equal(t, []any{"recovered"}, responseValues(t, r))
}

// TestCallbacksRunOneAtATimeOnOneGoroutine checks the Serial executor:
// callbacks of many concurrent requests (Then, Catch, Finally, Tuples)
// never overlap and all run on one goroutine, which is not the caller's.
func TestCallbacksRunOneAtATimeOnOneGoroutine(t *testing.T) {
	t.Parallel()
	td, err := transport.NewDialer(requireServer(t).Addr())
	require.NoError(t, err)
	readers := &readersDialer{Dialer: td}
	c := dialShared(t, withDialer(readers))
	ctx := testContext(t)
	const n = 2000
	var running, overlaps, ran atomic.Int64
	var mu sync.Mutex
	goroutines := map[uint64]int{}
	enter := func() {
		if running.Add(1) != 1 {
			overlaps.Add(1)
		}
		mu.Lock()
		goroutines[goroutineID()]++
		mu.Unlock()
		runtime.Gosched() // give another callback every chance to overlap
		ran.Add(1)
		running.Add(-1)
	}

	var waits []func() error
	for i := range n {
		switch i % 4 {
		case 0:
			f := c.Call(ctx, "echo", i).Then(func(r *client.Response) (*client.Response, error) {
				enter()
				return r, nil
			})
			waits = append(waits, func() error {
				r, err := f.Await(ctx)
				if err != nil {
					return err
				}
				v, err := r.Values()
				if err != nil || len(v) != 1 || v[0] != int64(i) {
					return fmt.Errorf("echo %d: got %v, %v", i, v, err)
				}
				return nil
			})
		case 1:
			f := c.Call(ctx, "lc_no_such_function", i).Catch(func(err error) (*client.Response, error) {
				enter()
				if !errors.Is(err, client.ErrorCode(iproto.ER_NO_SUCH_PROC)) {
					return nil, err
				}
				return nil, nil
			})
			waits = append(waits, func() error { _, err := f.Await(ctx); return err })
		case 2:
			f := c.Call(ctx, "echo", i).Finally(func(r *client.Response, err error) (*client.Response, error) {
				enter()
				return r, err
			})
			waits = append(waits, func() error { _, err := f.Await(ctx); return err })
		case 3:
			f := future.Map(client.Tuples[int](c.Call(ctx, "echo", i, i+1)), func(v []int) ([]int, error) {
				enter()
				if len(v) != 2 || v[0] != i || v[1] != i+1 {
					return nil, fmt.Errorf("tuples %d: got %v", i, v)
				}
				return v, nil
			})
			waits = append(waits, func() error { _, err := f.Await(ctx); return err })
		}
	}
	for _, wait := range waits {
		require.NoError(t, wait())
	}
	require.EqualValues(t, n, ran.Load())
	require.Zero(t, overlaps.Load(), "callbacks ran concurrently")
	require.Len(t, goroutines, 1, "callbacks ran on several goroutines: %v", goroutines)
	require.NotContains(t, goroutines, goroutineID())
	for id := range goroutines {
		require.False(t, readers.isReader(id), "callbacks ran on the network reader")
	}
}

// TestAwaitNotBlockedByBusyExecutor checks that Await is woken by the
// reader directly: while a callback holds the executor, a later request
// can still be awaited, though the callbacks attached to it wait their
// turn.
func TestAwaitNotBlockedByBusyExecutor(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	entered, release := make(chan struct{}), make(chan struct{})
	blocker := c.Call(ctx, "echo", "blocker").Then(func(r *client.Response) (*client.Response, error) {
		close(entered)
		select {
		case <-release:
			return r, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	select {
	case <-entered:
	case <-ctx.Done():
		t.Fatal("the blocking callback never ran")
	}

	var thenRan atomic.Bool
	f := c.Call(ctx, "echo", "while blocked")
	then := f.Then(func(r *client.Response) (*client.Response, error) {
		thenRan.Store(true)
		return r, nil
	})
	r, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, []any{"while blocked"}, responseValues(t, r))
	// Deterministic: the executor is held until release is closed.
	_, _, settled := then.Peek()
	require.False(t, settled, "the callback cannot have run while the executor is held")
	require.False(t, thenRan.Load())

	close(release)
	r, err = await(t, then)
	require.NoError(t, err)
	require.Equal(t, []any{"while blocked"}, responseValues(t, r))
	require.True(t, thenRan.Load())
	_, err = await(t, blocker)
	require.NoError(t, err)
}

// TestCallbackPanicDoesNotStopClient checks that a panicking callback
// fails only its own future.
func TestCallbackPanicDoesNotStopClient(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	boom := errors.New("lc: boom")
	f := c.Call(ctx, "echo", 1).Then(func(*client.Response) (*client.Response, error) { panic(boom) })
	_, err := await(t, f)
	var pe *future.PanicError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, boom)
	requireServesMany(t, c, 800)

	// Callbacks after it still run on the executor.
	r, err := await(t, c.Call(ctx, "echo", 2).Then(func(r *client.Response) (*client.Response, error) { return r, nil }))
	require.NoError(t, err)
	require.Equal(t, []any{int64(2)}, responseValues(t, r))
}
