package client_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/reconnect"
)

// The outcome classes of a soak request.
const (
	skOK           = iota // succeeded, response checked
	skLostSent            // *ConnectionError, Sent: the server died after the write
	skLostNotSent         // *ConnectionError, not sent, not ErrNotConnected
	skNotConnected        // *ConnectionError matching ErrNotConnected
	skClasses
)

var skClassNames = [skClasses]string{"ok", "lost-sent", "lost-not-sent", "not-connected"}

// The operations of the soak, in turn.
const (
	skPing = iota
	skReplace
	skSelect
	skOps
)

var skOpNames = [skOps]string{"ping", "replace", "select"}

// skRequests is the number of requests of TestSoak: the 2,000,000
// with TXT_SOAK=1 (make soak), a tenth of it in the normal suite.
func skRequests() int {
	if os.Getenv("TXT_SOAK") == "1" {
		return 2_000_000
	}
	return 200_000
}

// skHeapAlloc returns the live heap after a full collection.
func skHeapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestSoak sends skRequests() requests (ping, replace, select in turn)
// through one client from a few goroutines, each keeping a window of
// futures in flight, while the server is killed (SIGKILL) and restarted at
// about 1/3 and 2/3 of the way. Every request succeeds, or fails with a
// typed connection error; afterwards the client serves again, the
// goroutines return to the baseline after Close, and the live heap
// (sampled at 25, 50, 75 and 100 % of the requests) does not grow with
// the number of requests. Not parallel: it counts goroutines and samples
// the heap.
func TestSoak(t *testing.T) {
	if testing.Short() && os.Getenv("TXT_SOAK") != "1" {
		t.Skip("soak test skipped in -short mode")
	}
	const (
		workers = 4
		window  = 256 // futures in flight per worker
		keys    = 1000
	)
	total := skRequests()
	inst := rcStart(t, false)
	baseline := lcSettleGoroutines()
	heapBefore := skHeapAlloc()

	rec := newRcRecorder()
	c, err := client.Dial(lcGuard(t), inst.Addr(), rcOptions(rec, func(o *client.Options) {
		o.Reconnect = reconnect.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, Jitter: reconnect.NoJitter}
		// Some requests made during an outage wait for the next
		// connection, the others fail fast; and the window is larger than
		// the in-flight limit, so back-pressure blocks now and then.
		o.WaitForReconnect = 64
		o.MaxInFlight = workers * window * 3 / 4
	}))
	require.NoError(t, err)
	closed := false
	defer func() {
		if !closed {
			_ = c.Close()
		}
	}()
	goroutinesConnected := runtime.NumGoroutine()

	// Hang guard of every Await: generous, it only turns a hang into a
	// failure.
	guardFor := 3 * time.Minute
	if total > 200_000 {
		guardFor = 25 * time.Minute
	}
	guard, cancelGuard := context.WithTimeout(context.Background(), guardFor)
	defer cancelGuard()

	// Milestones, signalled by the worker that issues the request: heap
	// samples at 25/50/75/100 %, kills at 1/3 and 2/3.
	type milestone struct {
		kill   bool
		sample int // index into heap, if !kill
	}
	milestones := map[int]milestone{
		total / 4:     {sample: 0},
		total / 3:     {kill: true},
		total / 2:     {sample: 1},
		2 * total / 3: {kill: true},
		3 * total / 4: {sample: 2},
		total - 1:     {sample: 3},
	}
	events := make(chan milestone, len(milestones))

	var issued atomic.Int64
	var classes [skClasses]atomic.Int64
	var okByOp [skOps]atomic.Int64
	errs := make(chan error, workers)
	ctx := context.Background() // requests are bounded by the outages, not by a deadline
	type slot struct {
		fut *future.Future[*client.Response]
		op  int
		key uint64
	}
	settle := func(s slot) error {
		r, err := s.fut.Await(guard)
		if guard.Err() != nil {
			return fmt.Errorf("%s of key %d: no outcome within %v: %w", skOpNames[s.op], s.key, guardFor, err)
		}
		var ce *client.ConnectionError
		switch {
		case err == nil:
			switch s.op {
			case skPing:
				if r == nil {
					return errors.New("ping: nil response")
				}
			case skReplace:
				v, verr := r.Values()
				if verr != nil || len(v) != 1 {
					return fmt.Errorf("replace of key %d: response %v (%v)", s.key, v, verr)
				}
				if tuple, ok := v[0].([]any); !ok || len(tuple) != 2 || tuple[0] != int64(s.key) {
					return fmt.Errorf("replace of key %d: response %v", s.key, v)
				}
			case skSelect:
				v, verr := r.Values()
				if verr != nil || len(v) > 1 {
					return fmt.Errorf("select of key %d: response %v (%v)", s.key, v, verr)
				}
			}
			classes[skOK].Add(1)
			okByOp[s.op].Add(1)
			if s.key%2 == 0 {
				// Half the records go back for reuse (Response.Release)
				// while connections break and come back.
				r.Release()
			}
		case errors.As(err, &ce):
			switch {
			case errors.Is(err, client.ErrClosed) || errors.Is(err, client.ErrReconnectStopped):
				return fmt.Errorf("%s of key %d: %w", skOpNames[s.op], s.key, err)
			case errors.Is(err, client.ErrNotConnected):
				if ce.Sent {
					return fmt.Errorf("not connected but sent: %w", err)
				}
				classes[skNotConnected].Add(1)
				time.Sleep(2 * time.Millisecond) // as a caller would before retrying
			case ce.Sent:
				classes[skLostSent].Add(1)
			default:
				classes[skLostNotSent].Add(1)
			}
		default:
			return fmt.Errorf("%s of key %d: unexpected error %T: %w", skOpNames[s.op], s.key, err, err)
		}
		return nil
	}

	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ring := make([]slot, window)
			keyBase := 9_000_000_000 + uint64(w)*100_000
			for n := 0; ; n++ {
				i := int(issued.Add(1) - 1)
				if i >= total {
					break
				}
				s := &ring[n%window]
				if s.fut != nil {
					if err := settle(*s); err != nil {
						errs <- err
						return
					}
				}
				s.op, s.key = i%skOps, keyBase+uint64(i%keys)
				switch s.op {
				case skPing:
					s.fut = c.Ping(ctx)
				case skReplace:
					s.fut = c.Replace(ctx, "test", []any{s.key, "soak"})
				case skSelect:
					s.fut = c.Select(ctx, "test", nil, s.key)
				}
				if m, ok := milestones[i]; ok {
					events <- m
				}
			}
			for _, s := range ring {
				if s.fut != nil {
					if err := settle(s); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	workersDone := make(chan struct{})
	go func() {
		wg.Wait()
		close(workersDone)
	}()

	// The controller: kills, restarts and heap samples, in order.
	var heap [4]uint64
	var goroutinesAt [4]int
	restartCtx, cancelRestart := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelRestart()
	kills := 0
	for handled := 0; handled < len(milestones); {
		select {
		case m := <-events:
			handled++
			if m.kill {
				require.NoError(t, inst.Kill())
				kills++
				time.Sleep(50 * time.Millisecond) // an outage the requests notice
				require.NoError(t, inst.Restart(restartCtx))
				continue
			}
			heap[m.sample] = skHeapAlloc()
			goroutinesAt[m.sample] = runtime.NumGoroutine()
		case err := <-errs:
			t.Fatalf("a request had an outcome outside the allowed classes: %v", err)
		case <-workersDone:
			t.Fatalf("the workers ended with %d milestones of %d handled", handled, len(milestones))
		}
	}
	select {
	case <-workersDone:
	case err := <-errs:
		t.Fatalf("a request had an outcome outside the allowed classes: %v", err)
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	elapsed := time.Since(start)

	var counts [skClasses]int64
	var sum int64
	for k := range counts {
		counts[k] = classes[k].Load()
		sum += counts[k]
	}
	require.EqualValues(t, total, sum, "every request has exactly one outcome")
	require.Equal(t, 2, kills)
	require.Positive(t, counts[skOK])
	require.Positive(t, sum-counts[skOK], "no request failed across two kills")

	// The client serves again.
	rcUntil(t, "reconnected", c.Connected)
	r, err := lcAwait(t, c.Ping(lcGuard(t)))
	require.NoError(t, err)
	require.NotNil(t, r)
	rcUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })
	lost := len(rec.Kind("disconnected"))
	require.GreaterOrEqual(t, lost, 2)
	rcUntil(t, "every loss followed by a reconnection", func() bool { return len(rec.Kind("reconnected")) == lost })

	require.NoError(t, c.Close())
	closed = true
	lcWaitGoroutines(t, baseline)
	goroutinesAfter := runtime.NumGoroutine()

	report := fmt.Sprintf("%d requests (%d workers x %d window) in %v (%.0f req/s), %d kills, %d disconnections, %d reconnections",
		total, workers, window, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), kills, lost, len(rec.Kind("reconnected")))
	for k, n := range counts {
		report += fmt.Sprintf("; %s %d", skClassNames[k], n)
	}
	for op := range okByOp {
		report += fmt.Sprintf("; ok %s %d", skOpNames[op], okByOp[op].Load())
	}
	t.Log(report)
	t.Logf("goroutines: baseline %d, connected %d, at 25/50/75/100%%: %v, after Close %d",
		baseline, goroutinesConnected, goroutinesAt, goroutinesAfter)
	t.Logf("live heap after GC: before dial %.2f MiB; at 25/50/75/100%% of requests %.2f, %.2f, %.2f, %.2f MiB; %+.1f bytes per request from 25%% to 100%%",
		skMiB(heapBefore), skMiB(heap[0]), skMiB(heap[1]), skMiB(heap[2]), skMiB(heap[3]),
		(float64(heap[3])-float64(heap[0]))/float64(total-total/4))

	// The live heap holds the windows of futures and the connection's
	// buffers, not anything per request ever made: the last sample may
	// not exceed twice the first plus 4 MiB (GC timing, buffers of the
	// connection of the moment, the race detector's bookkeeping).
	const slack = 4 << 20
	for k := 1; k < len(heap); k++ {
		require.LessOrEqual(t, heap[k], 2*heap[0]+slack,
			"the live heap grew with the number of requests: samples %v", heap)
	}
}

// skMiB converts bytes to MiB.
func skMiB(b uint64) float64 { return float64(b) / (1 << 20) }
