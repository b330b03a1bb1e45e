package client_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// issueMixed issues request i of a mixed batch: even i a Replace of key
// base+i, odd i a Call of echo.
func issueMixed(ctx context.Context, c *client.Client, base, i int) *future.Future[*client.Response] {
	if i%2 == 0 {
		return c.Replace(ctx, "test", []any{base + i, fmt.Sprintf("lc-%d", i)})
	}
	return c.Call(ctx, "echo", i, fmt.Sprintf("echo-%d", i))
}

// checkMixed checks the response to request i of a mixed batch.
func checkMixed(t *testing.T, base, i int, r *client.Response, err error) {
	t.Helper()
	require.NoError(t, err, "request %d", i)
	got := responseValues(t, r)
	if i%2 == 0 {
		require.Equal(t, []any{[]any{int64(base + i), fmt.Sprintf("lc-%d", i)}}, got, "replace %d", i)
	} else {
		require.Equal(t, []any{int64(i), fmt.Sprintf("echo-%d", i)}, got, "echo %d", i)
	}
}

func TestConcurrent10kOneGoroutine(t *testing.T) {
	t.Parallel()
	const n, base = 10_000, 900_000
	c := dialShared(t)
	deleteRange(t, c, base, n)
	ctx := testContext(t)

	// Issue every request before awaiting any.
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		fs[i] = issueMixed(ctx, c, base, i)
	}
	for i, f := range fs {
		r, err := await(t, f)
		checkMixed(t, base, i, r, err)
	}
	require.Zero(t, c.InFlight())

	// The replaces really happened, each with its own tuple.
	sel := make([]*future.Future[*client.Response], 0, n/2)
	for i := 0; i < n; i += 2 {
		sel = append(sel, c.Select(ctx, "test", "primary", base+i))
	}
	for j, f := range sel {
		i := 2 * j
		r, err := await(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{[]any{int64(base + i), fmt.Sprintf("lc-%d", i)}}, responseValues(t, r))
	}
	require.Zero(t, c.InFlight())
}

func TestConcurrent10kFrom64Goroutines(t *testing.T) {
	t.Parallel()
	const goroutines, perG, base = 64, 10_000 / 64, 910_000
	c := dialShared(t)
	deleteRange(t, c, base, goroutines*perG)
	ctx := testContext(t)

	// Each goroutine issues all its requests, then awaits them; all of
	// them start issuing together.
	start := make(chan struct{})
	errs := make(chan error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fs := make([]*future.Future[*client.Response], perG)
			for k := range fs {
				fs[k] = issueMixed(ctx, c, base, g*perG+k)
				if k%16 == 0 {
					runtime.Gosched() // interleave with the other goroutines
				}
			}
			for k, f := range fs {
				i := g*perG + k
				r, err := f.Await(ctx)
				if err != nil {
					errs <- fmt.Errorf("request %d: %w", i, err)
					return
				}
				v, err := r.Values()
				if err != nil {
					errs <- fmt.Errorf("request %d: %w", i, err)
					return
				}
				want := []any{int64(i), fmt.Sprintf("echo-%d", i)}
				if i%2 == 0 {
					want = []any{[]any{int64(base + i), fmt.Sprintf("lc-%d", i)}}
				}
				if !equalValues(want, v) {
					errs <- fmt.Errorf("request %d: got %#v, want %#v", i, v, want)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, c.InFlight())
}

// equalValues compares decoded values (no testing.T: it runs on
// worker goroutines).
func equalValues(want, got []any) bool {
	return fmt.Sprintf("%#v", want) == fmt.Sprintf("%#v", got)
}

// TestConcurrentAwaitersAndCallbacksOnOneFuture fans one response out to
// many awaiting goroutines and many callbacks.
func TestConcurrentAwaitersAndCallbacksOnOneFuture(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	f := c.Call(ctx, "echo", "shared")
	const n = 100
	var wg sync.WaitGroup
	results := make(chan []any, 2*n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := f.Await(ctx)
			if err == nil {
				v, _ := r.Values()
				results <- v
			} else {
				results <- []any{err.Error()}
			}
		}()
	}
	thens := make([]*future.Future[*client.Response], n)
	for i := range thens {
		thens[i] = f.Then(func(r *client.Response) (*client.Response, error) {
			v, err := r.Values()
			results <- v
			return r, err
		})
	}
	for _, tf := range thens {
		_, err := await(t, tf)
		require.NoError(t, err)
	}
	wg.Wait()
	close(results)
	count := 0
	for v := range results {
		require.Equal(t, []any{"shared"}, v)
		count++
	}
	require.Equal(t, 2*n, count)
}
