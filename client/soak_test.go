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
	soakOK           = iota // succeeded, response checked
	soakLostSent            // *ConnectionError, Sent: the server died after the write
	soakLostNotSent         // *ConnectionError, not sent, not ErrNotConnected
	soakNotConnected        // *ConnectionError matching ErrNotConnected
	soakClasses
)

var soakClassNames = [soakClasses]string{"ok", "lost-sent", "lost-not-sent", "not-connected"}

// The operations of the soak, in turn.
const (
	soakPing = iota
	soakReplace
	soakSelect
	soakOps
)

var soakOpNames = [soakOps]string{"ping", "replace", "select"}

// soakRequests is the number of requests of TestSoak: the full soak's 2,000,000
// with TXT_SOAK=1 (make soak), a tenth of it in the normal suite.
func soakRequests() int {
	if os.Getenv("TXT_SOAK") == "1" {
		return 2_000_000
	}
	return 200_000
}

// heapAlloc returns the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestSoak sends soakRequests() requests (ping, replace, select in turn)
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
	total := soakRequests()
	inst := startServer(t, false)
	baseline := settledGoroutines()
	heapBefore := heapAlloc()

	rec := newEventRecorder()
	c, err := client.Dial(testContext(t), inst.Addr(), testOptions(fastReconnect, withEvents(rec), func(o *client.Options) {
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
	var classes [soakClasses]atomic.Int64
	var okByOp [soakOps]atomic.Int64
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
			return fmt.Errorf("%s of key %d: no outcome within %v: %w", soakOpNames[s.op], s.key, guardFor, err)
		}
		var ce *client.ConnectionError
		switch {
		case err == nil:
			switch s.op {
			case soakPing:
				if r == nil {
					return errors.New("ping: nil response")
				}
			case soakReplace:
				v, verr := r.Values()
				if verr != nil || len(v) != 1 {
					return fmt.Errorf("replace of key %d: response %v (%v)", s.key, v, verr)
				}
				if tuple, ok := v[0].([]any); !ok || len(tuple) != 2 || tuple[0] != int64(s.key) {
					return fmt.Errorf("replace of key %d: response %v", s.key, v)
				}
			case soakSelect:
				v, verr := r.Values()
				if verr != nil || len(v) > 1 {
					return fmt.Errorf("select of key %d: response %v (%v)", s.key, v, verr)
				}
			}
			classes[soakOK].Add(1)
			okByOp[s.op].Add(1)
			if s.key%2 == 0 {
				// Half the records go back for reuse (Response.Release)
				// while connections break and come back.
				r.Release()
			}
		case errors.As(err, &ce):
			switch {
			case errors.Is(err, client.ErrClosed) || errors.Is(err, client.ErrReconnectStopped):
				return fmt.Errorf("%s of key %d: %w", soakOpNames[s.op], s.key, err)
			case errors.Is(err, client.ErrNotConnected):
				if ce.Sent {
					return fmt.Errorf("not connected but sent: %w", err)
				}
				classes[soakNotConnected].Add(1)
				time.Sleep(2 * time.Millisecond) // as a caller would before retrying
			case ce.Sent:
				classes[soakLostSent].Add(1)
			default:
				classes[soakLostNotSent].Add(1)
			}
		default:
			return fmt.Errorf("%s of key %d: unexpected error %T: %w", soakOpNames[s.op], s.key, err, err)
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
				s.op, s.key = i%soakOps, keyBase+uint64(i%keys)
				switch s.op {
				case soakPing:
					s.fut = c.Ping(ctx)
				case soakReplace:
					s.fut = c.Replace(ctx, "test", []any{s.key, "soak"})
				case soakSelect:
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
			heap[m.sample] = heapAlloc()
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

	var counts [soakClasses]int64
	var sum int64
	for k := range counts {
		counts[k] = classes[k].Load()
		sum += counts[k]
	}
	require.EqualValues(t, total, sum, "every request has exactly one outcome")
	require.Equal(t, 2, kills)
	require.Positive(t, counts[soakOK])
	require.Positive(t, sum-counts[soakOK], "no request failed across two kills")

	// The client serves again.
	waitUntil(t, "reconnected", c.Connected)
	r, err := await(t, c.Ping(testContext(t)))
	require.NoError(t, err)
	require.NotNil(t, r)
	waitUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })
	lost := len(rec.Kind("disconnected"))
	require.GreaterOrEqual(t, lost, 2)
	waitUntil(t, "every loss followed by a reconnection", func() bool { return len(rec.Kind("reconnected")) == lost })

	require.NoError(t, c.Close())
	closed = true
	baseline.requireNoneNew(t)
	goroutinesAfter := runtime.NumGoroutine()

	report := fmt.Sprintf("%d requests (%d workers x %d window) in %v (%.0f req/s), %d kills, %d disconnections, %d reconnections",
		total, workers, window, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), kills, lost, len(rec.Kind("reconnected")))
	for k, n := range counts {
		report += fmt.Sprintf("; %s %d", soakClassNames[k], n)
	}
	for op := range okByOp {
		report += fmt.Sprintf("; ok %s %d", soakOpNames[op], okByOp[op].Load())
	}
	t.Log(report)
	t.Logf("goroutines: baseline %d, connected %d, at 25/50/75/100%%: %v, after Close %d",
		len(baseline), goroutinesConnected, goroutinesAt, goroutinesAfter)
	t.Logf("live heap after GC: before dial %.2f MiB; at 25/50/75/100%% of requests %.2f, %.2f, %.2f, %.2f MiB; %+.1f bytes per request from 25%% to 100%%",
		mib(heapBefore), mib(heap[0]), mib(heap[1]), mib(heap[2]), mib(heap[3]),
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

// mib converts bytes to MiB.
func mib(b uint64) float64 { return float64(b) / (1 << 20) }
