package client_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
)

// The outcome classes of a chaos request.
const (
	chaosAcked        = iota // succeeded
	chaosLostSent            // *ConnectionError, Sent: the connection broke after the write
	chaosLostNotSent         // *ConnectionError, not sent, not ErrNotConnected
	chaosNotConnected        // *ConnectionError matching ErrNotConnected
	chaosCtxSent             // *ContextError, Sent: timed out after the write
	chaosCtxNotSent          // *ContextError, not sent: timed out waiting for a connection
	chaosUnexpected          // anything else: a failure of the test
	chaosClasses
)

var chaosClassNames = [chaosClasses]string{"acked", "lost-sent", "lost-not-sent", "not-connected", "ctx-sent", "ctx-not-sent", "unexpected"}

// chaosOutcome is the fate of one chaos request.
type chaosOutcome struct {
	key       uint64
	class     int
	callbacks atomic.Int32 // runs of its Finally callback
}

// chaosClassify sorts the result of one Replace of key.
func chaosClassify(key uint64, r *client.Response, err error) (int, error) {
	var ce *client.ConnectionError
	var xe *client.ContextError
	switch {
	case err == nil:
		v, verr := r.Values()
		if verr != nil || len(v) != 1 {
			return chaosUnexpected, fmt.Errorf("key %d: bad response %v (%v)", key, v, verr)
		}
		if tuple, ok := v[0].([]any); !ok || len(tuple) != 2 || tuple[0] != int64(key) || tuple[1] != "v" {
			return chaosUnexpected, fmt.Errorf("key %d: the response is %v", key, v)
		}
		return chaosAcked, nil
	case errors.As(err, &xe):
		if !errors.Is(err, context.DeadlineExceeded) {
			return chaosUnexpected, fmt.Errorf("key %d: %w", key, err)
		}
		if xe.Sent {
			return chaosCtxSent, nil
		}
		return chaosCtxNotSent, nil
	case errors.As(err, &ce):
		switch {
		case errors.Is(err, client.ErrClosed) || errors.Is(err, client.ErrReconnectStopped):
			return chaosUnexpected, fmt.Errorf("key %d: %w", key, err)
		case errors.Is(err, client.ErrNotConnected):
			if ce.Sent {
				return chaosUnexpected, fmt.Errorf("key %d: not connected but sent: %w", key, err)
			}
			return chaosNotConnected, nil
		case ce.Sent:
			return chaosLostSent, nil
		default:
			return chaosLostNotSent, nil
		}
	default:
		return chaosUnexpected, fmt.Errorf("key %d: %w", key, err)
	}
}

// TestChaos has 256 goroutines write unique keys for the whole test while
// the server is killed (SIGKILL) and restarted 20 times, on a pool and on a
// single client. Afterwards every future settled exactly once, every
// acknowledged write is in the server, no write reported as not sent is,
// the client serves again and nothing of it outlives Close.
// Not parallel: it counts goroutines.
func TestChaos(t *testing.T) {
	for _, pool := range []bool{true, false} {
		name := map[bool]string{false: "client-unix", true: "pool-tcp"}[pool]
		t.Run(name, func(t *testing.T) { runChaos(t, pool, !pool) })
	}
}

func runChaos(t *testing.T, pool, unix bool) {
	const (
		workers    = 256
		restarts   = 20
		reqTimeout = 200 * time.Millisecond
		poolSize   = 4
	)
	inst := startServer(t, unix)
	baseline := settledGoroutines()
	rec := newEventRecorder()
	opts := testOptions(fastReconnect, withEvents(rec), func(o *client.Options) {
		o.Reconnect = reconnect.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond, Jitter: reconnect.NoJitter}
		// Some requests wait for the next connection, the others fail
		// fast: both paths run.
		o.WaitForReconnect = workers / 4
		if pool {
			o.WaitForReconnect = workers / 4 / poolSize
		}
	})
	var conn client.Conn
	var members []*client.Client
	if pool {
		p, err := client.DialPool(testContext(t), inst.Addr(), poolSize, opts)
		require.NoError(t, err)
		conn, members = p, p.Members()
	} else {
		c, err := client.Dial(testContext(t), inst.Addr(), opts)
		require.NoError(t, err)
		conn, members = c, []*client.Client{c}
	}
	closed := false
	defer func() {
		if !closed {
			_ = conn.Close()
		}
	}()

	// Hang guard of every Await: a request bounded by a 200 ms context that
	// is still pending long after is a failure, not an outcome.
	guard, cancelGuard := context.WithTimeout(context.Background(), time.Minute)
	defer cancelGuard()
	var stop atomic.Bool
	var callbacks atomic.Int64
	outcomes := make([][]*chaosOutcome, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				o := &chaosOutcome{key: uint64(g)*1_000_000 + uint64(i)}
				outcomes[g] = append(outcomes[g], o)
				ctx, cancel := context.WithTimeout(guard, reqTimeout)
				f := conn.Replace(ctx, "test", []any{o.key, "v"})
				f.Finally(func(r *client.Response, err error) (*client.Response, error) {
					o.callbacks.Add(1)
					callbacks.Add(1)
					return r, err
				})
				r, err := f.Await(guard)
				cancel()
				if guard.Err() != nil {
					errs <- fmt.Errorf("key %d: no outcome within the hang guard: %w", o.key, err)
					return
				}
				class, cerr := chaosClassify(o.key, r, err)
				o.class = class
				if cerr != nil {
					errs <- cerr
					return
				}
				if class == chaosNotConnected {
					time.Sleep(5 * time.Millisecond) // as a caller would before retrying
				}
			}
		}()
	}

	// The chaos: deterministic, short, irregular intervals.
	rng := rand.New(rand.NewPCG(20240601, 7))
	// Twenty restarts, each replaying a longer write-ahead log, take far
	// more than hangGuard on a loaded machine; this bounds them all.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for range restarts {
		time.Sleep(time.Duration(100+rng.IntN(250)) * time.Millisecond)
		require.NoError(t, inst.Kill())
		time.Sleep(time.Duration(20+rng.IntN(200)) * time.Millisecond)
		require.NoError(t, inst.Restart(ctx))
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "a request had an outcome outside the allowed classes")
	}

	// Count: every request has exactly one outcome and ran its callback
	// exactly once.
	var counts [chaosClasses]int
	issued := 0
	for _, list := range outcomes {
		for _, o := range list {
			counts[o.class]++
			issued++
		}
	}
	sum := 0
	for _, n := range counts {
		sum += n
	}
	require.Equal(t, issued, sum)
	waitUntil(t, "every Finally callback ran", func() bool { return callbacks.Load() >= int64(issued) })
	require.EqualValues(t, issued, callbacks.Load())
	for _, list := range outcomes {
		for _, o := range list {
			require.EqualValues(t, 1, o.callbacks.Load(), "key %d", o.key)
		}
	}
	require.Zero(t, counts[chaosUnexpected])
	require.Positive(t, counts[chaosAcked])
	require.Positive(t, issued-counts[chaosAcked], "no request failed across %d restarts", restarts)

	// The client serves again; the server has every acknowledged write
	// and none of those reported as not sent.
	waitUntil(t, "connected after the last restart", func() bool { return allConnected(members) })
	r, err := await(t, conn.Ping(ctx))
	require.NoError(t, err)
	require.NotNil(t, r)
	// select, not pairs: from 3.0 a Lua loop over pairs() that runs past
	// the fiber slice (1 s) is aborted with "fiber slice is exceeded".
	r, err = await(t, conn.Eval(ctx, `local keys = {} for _, t in ipairs(box.space.test:select()) do keys[#keys + 1] = t[1] end return keys`))
	require.NoError(t, err)
	v := responseValues(t, r)
	require.Len(t, v, 1)
	keys, ok := v[0].([]any)
	require.True(t, ok, "%T", v[0])
	present := make(map[uint64]bool, len(keys))
	for _, k := range keys {
		n, ok := k.(int64)
		require.True(t, ok, "%T", k)
		present[uint64(n)] = true
	}
	var missing, notSentPresent []uint64
	for _, list := range outcomes {
		for _, o := range list {
			switch o.class {
			case chaosAcked:
				if !present[o.key] {
					missing = append(missing, o.key)
				}
			case chaosLostNotSent, chaosNotConnected, chaosCtxNotSent:
				if present[o.key] {
					notSentPresent = append(notSentPresent, o.key)
				}
			}
		}
	}
	require.Empty(t, missing, "acknowledged writes lost")
	require.Empty(t, notSentPresent, "writes reported as not sent were executed")

	lost := len(rec.Kind("disconnected"))
	require.GreaterOrEqual(t, lost, len(members))
	waitUntil(t, "every loss followed by a reconnection", func() bool { return len(rec.Kind("reconnected")) == lost })
	back := len(rec.Kind("reconnected"))
	require.Len(t, rec.Kind("disconnected"), lost)
	report := fmt.Sprintf("%s: %d restarts, %d requests, %d tuples stored", t.Name(), restarts, issued, len(keys))
	for c, n := range counts {
		report += fmt.Sprintf(", %s %d", chaosClassNames[c], n)
	}
	t.Logf("%s; %d disconnections, %d reconnections", report, lost, back)

	require.NoError(t, conn.Close())
	closed = true
	baseline.requireNoneNew(t)
}
