package future_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

func TestUnobservedErrorHandler(t *testing.T) {
	var (
		mu       sync.Mutex
		reported []error
	)
	prev := future.SetUnobservedErrorHandler(func(err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	})
	defer future.SetUnobservedErrorHandler(prev)

	errLost := errors.New("lost")
	errAwaited := errors.New("awaited")
	errCaught := errors.New("caught")
	func() {
		future.Rejected[int](errLost)

		awaited := future.Rejected[int](errAwaited)
		_, _ = awaited.Await(context.Background())

		f, p := future.New[int]()
		f.Catch(func(error) (int, error) { return 0, nil })
		p.Reject(errCaught)

		c, _ := future.New[int]()
		c.Cancel()
	}()

	has := func(target error) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range reported {
			if errors.Is(e, target) {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(hangBound)
	for !has(errLost) && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	require.True(t, has(errLost), "an unobserved rejection is reported when collected")
	for range 3 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	require.False(t, has(errAwaited))
	require.False(t, has(errCaught))
	require.False(t, has(future.ErrCancelled))
}

func TestUnobservedErrorHandlerOffByDefault(t *testing.T) {
	prev := future.SetUnobservedErrorHandler(nil)
	require.Nil(t, prev, "no handler is installed by default")
}
