package future

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAwaitWakeupsRaceWithContextEnd races the settling of futures with
// the end of their waiters' contexts, with one and with several waiters
// per future. Every Await must return either the outcome or the context's
// error, and every wake-up channel that goes back to the pool must be
// empty (a stray token would wake a later, unrelated Await too early).
func TestAwaitWakeupsRaceWithContextEnd(t *testing.T) {
	for _, waiters := range []int{1, 3} {
		for i := 0; i < 2000; i++ {
			f, p := New[int]()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for range waiters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := f.Await(ctx)
					if err != nil {
						assert.ErrorIs(t, err, context.Canceled)
						return
					}
					assert.Equal(t, 42, v)
				}()
			}
			if i%2 == 0 {
				go cancel()
				p.Resolve(42)
			} else {
				go p.Resolve(42)
				cancel()
			}
			wg.Wait()
		}
	}
	for range 64 {
		w := wakeups.Get().(chan struct{})
		require.Zero(t, len(w), "a pooled wake-up channel holds a token")
	}
}

// TestAwaitSecondWaiterSharesDone checks that a second concurrent Await is
// woken too (it blocks on the shared Done channel, the first on a pooled
// wake-up) and that the future is then free of both.
func TestAwaitSecondWaiterSharesDone(t *testing.T) {
	f, p := New[string]()
	results := make(chan string, 2)
	for range 2 {
		go func() {
			v, _ := f.Await(context.Background())
			results <- v
		}()
	}
	require.Eventually(t, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.waiter != nil && f.done != nil
	}, 5*time.Second, time.Millisecond)
	p.Resolve("x")
	require.Equal(t, "x", <-results)
	require.Equal(t, "x", <-results)
	require.Nil(t, f.waiter)
	require.Nil(t, f.done)
}
