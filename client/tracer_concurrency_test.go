package client_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// countingTracer counts starts and ends, and fails the test on an end
// without a start or a second end of the same request.
type countingTracer struct {
	t       *testing.T
	starts  atomic.Int64
	ends    atomic.Int64
	byOut   [client.NumOutcomes]atomic.Int64
	mu      sync.Mutex
	pending map[*client.TraceRequest]bool
}

type countingKey struct{}

func (c *countingTracer) TraceRequestStart(ctx context.Context, req *client.TraceRequest) context.Context {
	c.starts.Add(1)
	c.mu.Lock()
	if c.pending[req] {
		c.t.Errorf("TraceRequest %p started twice", req)
	}
	c.pending[req] = true
	c.mu.Unlock()
	return context.WithValue(ctx, countingKey{}, req)
}

func (c *countingTracer) TraceRequestEnd(ctx context.Context, req *client.TraceRequest, end client.TraceEnd) {
	c.mu.Lock()
	if !c.pending[req] {
		c.t.Errorf("TraceRequest %p ended without a start, or twice", req)
	}
	delete(c.pending, req)
	c.mu.Unlock()
	if ctx.Value(countingKey{}) != req {
		c.t.Errorf("TraceRequestEnd got another request's context")
	}
	if end.Outcome != client.OutcomeOf(end.Err) {
		c.t.Errorf("outcome %v for %v", end.Outcome, end.Err)
	}
	c.byOut[end.Outcome].Add(1)
	c.ends.Add(1)
}

// TestTracerOncePerRequestUnderConcurrency runs 64 goroutines of mixed
// requests (some cancelled, some with bad input) while the server is
// killed and restarted: every request is started and ended exactly once,
// and Stats counts exactly the requests made, by the outcomes the tracer
// saw.
func TestTracerOncePerRequestUnderConcurrency(t *testing.T) {
	inst := startServer(t, false)
	tr := &countingTracer{t: t, pending: map[*client.TraceRequest]bool{}}
	c := dial(t, inst.Addr(), withTracer(tr), fastReconnect)
	ctx := testContext(t)

	const workers, perWorker = 64, 150
	var made atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				var err error
				switch (w + i) % 5 {
				case 0:
					_, err = c.Ping(ctx).Await(ctx)
				case 1:
					_, err = c.Replace(ctx, "test", []any{9_200_000 + w, "x"}).Await(ctx)
				case 2:
					cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
					_, err = c.Call(cctx, "sleep", 0.01).Await(ctx)
					cancel()
				case 3:
					_, err = c.Insert(ctx, "test", nil).Await(ctx)
				case 4:
					f := c.Call(ctx, "echo", i)
					if i%2 == 0 {
						f.Cancel()
					}
					_, err = f.Await(ctx)
				}
				_ = err
				made.Add(1)
			}
		}()
	}
	go func() {
		defer close(stop)
		time.Sleep(100 * time.Millisecond)
		if inst.Kill() == nil {
			time.Sleep(50 * time.Millisecond)
			_ = inst.Restart(ctx)
		}
	}()
	wg.Wait()
	<-stop
	waitUntil(t, "every request to end", func() bool { return tr.ends.Load() == made.Load() })
	assert.Equal(t, made.Load(), tr.starts.Load())
	tr.mu.Lock()
	assert.Empty(t, tr.pending)
	tr.mu.Unlock()
	s := c.Stats()
	require.Equal(t, uint64(made.Load()), s.Total())
	for o := range client.NumOutcomes {
		assert.Equal(t, uint64(tr.byOut[o].Load()), s.Requests[o], "outcome %v", client.Outcome(o))
	}
	t.Logf("outcomes: %v", s.Requests)
}
