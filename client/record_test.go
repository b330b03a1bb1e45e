package client_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// TestReleaseStress has goroutines issue pipelined selects, calls and
// pings, check every response, then release it, while some requests are
// cancelled, time out or get callbacks (which must keep them from being
// reused). A record reused while still in use would show up as a response
// with another request's data, or as a race.
func TestReleaseStress(t *testing.T) {
	ctx := testContext(t)
	c := dialShared(t)
	const base = 8_100_000
	for k := uint64(0); k < 64; k++ {
		_, err := c.Replace(ctx, "test", []any{base + k, fmt.Sprintf("r%d", k)}).Await(ctx)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			type pending struct {
				f    *future.Future[*client.Response]
				kind int
				key  uint64
				chk  *future.Future[*client.Response] // a Then step, for kind 3
			}
			window := make([]pending, 0, 64)
			check := func(p pending) {
				r, err := p.f.Await(ctx)
				switch p.kind {
				case 0: // select
					if !assert.NoError(t, err) {
						return
					}
					var got idNameTuple
					found, err := r.First(&got)
					assert.NoError(t, err)
					assert.True(t, found)
					assert.Equal(t, p.key, got.ID)
					assert.Equal(t, fmt.Sprintf("r%d", p.key-base), got.Name)
				case 1: // call echo
					if !assert.NoError(t, err) {
						return
					}
					var got []int64
					assert.NoError(t, r.Decode(&got))
					assert.Equal(t, []int64{int64((p.key - base) % 100)}, got)
				case 2: // ping with a deadline that may pass first
					if err != nil {
						assert.ErrorIs(t, err, context.DeadlineExceeded)
						return
					}
				case 3: // select with a callback: must stay intact after Release
					if !assert.NoError(t, err) {
						return
					}
					r.Release() // shared with a callback: not reused
					r2, err := p.chk.Await(ctx)
					if assert.NoError(t, err) {
						var got idNameTuple
						_, err = r2.First(&got)
						assert.NoError(t, err)
						assert.Equal(t, p.key, got.ID)
					}
				}
				if r != nil && p.kind != 3 {
					r.Release()
				}
			}
			for i := 0; i < 3000; i++ {
				k := uint64(i % 64)
				p := pending{kind: i % 4, key: base + k}
				switch p.kind {
				case 0:
					p.f = c.Select(ctx, "test", nil, p.key)
				case 1:
					p.f = c.Call(ctx, "echo", int64(k%100))
				case 2:
					dctx, cancel := context.WithTimeout(ctx, time.Duration(i%3)*time.Millisecond)
					p.f = c.Ping(dctx)
					defer cancel()
				case 3:
					p.f = c.Select(ctx, "test", nil, p.key)
					p.chk = p.f.Then(func(r *client.Response) (*client.Response, error) { return r, nil })
				}
				window = append(window, p)
				if len(window) == cap(window) {
					for _, p := range window {
						check(p)
					}
					window = window[:0]
				}
			}
			for _, p := range window {
				check(p)
			}
		}()
	}
	wg.Wait()
}

// TestReleaseAfterCallbackKeepsResponse checks that Release on a response
// whose future has a callback leaves it intact (it is not reused).
func TestReleaseAfterCallbackKeepsResponse(t *testing.T) {
	ctx := testContext(t)
	c := dialShared(t)
	f := c.Call(ctx, "echo", "kept")
	seen := f.Then(func(r *client.Response) (*client.Response, error) { return r, nil })
	r, err := f.Await(ctx)
	require.NoError(t, err)
	r.Release()
	for i := 0; i < 100; i++ { // would reuse the record if it had been released
		_, err := c.Call(ctx, "echo", "other").Await(ctx)
		require.NoError(t, err)
	}
	r2, err := seen.Await(ctx)
	require.NoError(t, err)
	require.Same(t, r, r2)
	var got []string
	require.NoError(t, r.Decode(&got))
	require.Equal(t, []string{"kept"}, got)

	var zero client.Response
	zero.Release() // not the client's: nothing happens
}
