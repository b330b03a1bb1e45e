package future_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// These tests are meant for -race: they provoke the interleavings that
// matter and check invariants that hold under every interleaving.

const rounds = 500

func TestConcurrentRegisterAndSettle(t *testing.T) {
	for range rounds / 10 {
		f, p := future.New[int]()
		const n = 16
		var calls atomic.Int32
		outs := make([]*future.Future[int], n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				outs[i] = f.Then(func(v int) (int, error) { calls.Add(1); return v + i, nil })
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p.Resolve(100)
		}()
		close(start)
		wg.Wait()
		require.Equal(t, int32(n), calls.Load(), "each callback runs exactly once")
		for i, o := range outs {
			v, err := await(t, o)
			require.NoError(t, err)
			require.Equal(t, 100+i, v)
		}
	}
}

func TestConcurrentSettlers(t *testing.T) {
	for range rounds {
		f, p := future.New[int]()
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if p.Resolve(i) {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		require.Equal(t, int32(1), wins.Load())
		_, err := await(t, f)
		require.NoError(t, err)
	}
}

func TestConcurrentCancelAndSettle(t *testing.T) {
	for range rounds {
		f, p := future.New[int]()
		var cancellerCalls atomic.Int32
		p.OnCancel(func() { cancellerCalls.Add(1) })
		end := f.Then(inc)
		var resolved, cancelled bool
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); resolved = p.Resolve(1) }()
		go func() { defer wg.Done(); cancelled = end.Cancel() }()
		wg.Wait()
		v, err := await(t, f)
		if resolved {
			require.NoError(t, err)
			require.Equal(t, 1, v)
		} else {
			require.ErrorIs(t, err, future.ErrCancelled)
			require.True(t, cancelled)
			require.Equal(t, int32(1), cancellerCalls.Load())
		}
		require.LessOrEqual(t, cancellerCalls.Load(), int32(1))
		w, err := await(t, end)
		if cancelled {
			require.ErrorIs(t, err, future.ErrCancelled)
		} else {
			require.NoError(t, err)
			require.Equal(t, 2, w)
		}
	}
}

func TestConcurrentBranchCancellation(t *testing.T) {
	for range rounds {
		f, p := future.New[int]()
		var cancellerCalls atomic.Int32
		p.OnCancel(func() { cancellerCalls.Add(1) })
		a, b := f.Then(inc), f.Then(inc)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); a.Cancel() }()
		go func() { defer wg.Done(); b.Cancel() }()
		wg.Wait()
		require.Equal(t, int32(1), cancellerCalls.Load(), "the last branch cancelled cancels the source once")
	}
}

func TestConcurrentTimeoutAndCancelReleaseOnce(t *testing.T) {
	// The source has a second branch, so it must survive however the
	// timeout's expiry and an explicit Cancel interleave: releasing it twice
	// would wrongly cancel it.
	for range rounds {
		f, p := future.New[int]()
		var done atomic.Bool
		p.OnCancel(func() {
			if !done.Load() {
				t.Error("source cancelled: released twice")
			}
		})
		other := f.Then(inc)
		g := f.Timeout(time.Microsecond)
		g.Cancel()
		_, err := await(t, g)
		require.Error(t, err)
		time.Sleep(2 * time.Microsecond) // let a racing expiry run
		mustPending(t, f)
		done.Store(true)
		other.Cancel() // the last dependant: now the source is cancelled
		_, err = await(t, f)
		require.ErrorIs(t, err, future.ErrCancelled)
	}
}

func TestConcurrentTimeoutAndSettle(t *testing.T) {
	for i := range rounds {
		f, p := future.New[int]()
		g := f.Timeout(time.Duration(i%50) * time.Microsecond)
		resolved := p.Resolve(1)
		v, err := await(t, g)
		if err == nil {
			require.Equal(t, 1, v)
		} else {
			require.False(t, resolved)
			require.ErrorIs(t, err, future.ErrTimeout)
		}
	}
}

func TestManyAwaiters(t *testing.T) {
	f, p := future.New[int]()
	const n = 200
	results := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := f.Await(context.Background())
			if err == nil {
				results <- v
			}
		}()
	}
	time.Sleep(time.Millisecond)
	p.Resolve(9)
	wg.Wait()
	close(results)
	count := 0
	for v := range results {
		require.Equal(t, 9, v)
		count++
	}
	require.Equal(t, n, count)
}

func TestConcurrentAwaitWithExpiringContexts(t *testing.T) {
	f, p := future.New[int]()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i)*time.Microsecond)
			defer cancel()
			_, _ = f.Await(ctx)
		}()
	}
	p.Resolve(1)
	wg.Wait()
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, 1, v)
}

func TestConcurrentRace(t *testing.T) {
	for range rounds / 5 {
		const n = 8
		fs := make([]*future.Future[int], n)
		ps := make([]*future.Promise[int], n)
		for i := range fs {
			fs[i], ps[i] = future.New[int]()
		}
		r := future.Race(fs...)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); ps[i].Resolve(i) }()
		}
		wg.Wait()
		v, err := await(t, r)
		require.NoError(t, err)
		require.Equal(t, v.Index, v.Value)
		w, err := await(t, fs[v.Index])
		require.NoError(t, err, "the winner is not cancelled")
		require.Equal(t, v.Value, w)
	}
}

func TestConcurrentAll(t *testing.T) {
	const n = 64
	fs := make([]*future.Future[int], n)
	ps := make([]*future.Promise[int], n)
	for i := range fs {
		fs[i], ps[i] = future.New[int]()
	}
	all := future.All(fs...)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); ps[i].Resolve(i * i) }()
	}
	wg.Wait()
	v, err := await(t, all)
	require.NoError(t, err)
	for i := range n {
		require.Equal(t, i*i, v[i])
	}
}

func TestConcurrentChainCancelAndInnerSettle(t *testing.T) {
	for range rounds {
		inner, innerP := future.New[int]()
		g := future.Chain(future.Resolved(0), func(int) *future.Future[int] { return inner })
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); innerP.Resolve(1) }()
		go func() { defer wg.Done(); g.Cancel() }()
		wg.Wait()
		v, err := await(t, g)
		if err == nil {
			require.Equal(t, 1, v)
		} else {
			require.ErrorIs(t, err, future.ErrCancelled)
		}
	}
}

func TestConcurrentSerialSettlement(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	const n = 100
	var inFlight, overlaps atomic.Int32
	outs := make([]*future.Future[int], n)
	var wg sync.WaitGroup
	for i := range n {
		f, p := future.NewOn[int](s)
		outs[i] = f.Then(func(v int) (int, error) {
			if inFlight.Add(1) != 1 {
				overlaps.Add(1)
			}
			defer inFlight.Add(-1)
			return v, nil
		})
		wg.Add(1)
		go func() { defer wg.Done(); p.Resolve(i) }()
	}
	wg.Wait()
	for i, o := range outs {
		v, err := await(t, o)
		require.NoError(t, err)
		require.Equal(t, i, v)
	}
	require.Zero(t, overlaps.Load())
}
