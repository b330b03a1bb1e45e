package client_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// connRecorder is a Tracer and a ConnTracer recording connection events.
type connRecorder struct {
	recordingTracer
	mu          sync.Mutex
	connects    []client.ConnectEvent
	disconnects []client.DisconnectEvent
}

func (r *connRecorder) TraceConnect(_ *client.Client, ev client.ConnectEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.connects = append(r.connects, ev)
}

func (r *connRecorder) TraceDisconnect(_ *client.Client, ev client.DisconnectEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.disconnects = append(r.disconnects, ev)
}

func (r *connRecorder) events() ([]client.ConnectEvent, []client.DisconnectEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]client.ConnectEvent(nil), r.connects...), append([]client.DisconnectEvent(nil), r.disconnects...)
}

// TestConnTracerEvents kills and restarts the server: the tracer is told
// of the first connection, of the disconnection with the number of
// requests it failed, of the failed attempts while the server is down and
// of the reconnection.
func TestConnTracerEvents(t *testing.T) {
	inst := startServer(t, false)
	rec := &connRecorder{recordingTracer: *newRecordingTracer()}
	c := dial(t, inst.Addr(), withTracer(rec), fastReconnect)
	ctx := testContext(t)
	waitUntil(t, "the first connect event", func() bool { cs, _ := rec.events(); return len(cs) == 1 })
	cs, _ := rec.events()
	assert.Equal(t, 1, cs[0].Attempt)
	assert.NoError(t, cs[0].Err)
	assert.Equal(t, c.Addr(), cs[0].Addr)
	assert.Positive(t, cs[0].Duration)

	pending := []*future.Future[*client.Response]{c.Call(ctx, "sleep", 10), c.Call(ctx, "sleep", 10)}
	requireHanded(t, c)
	require.NoError(t, inst.Kill())
	waitUntil(t, "a disconnect event and a failed attempt", func() bool {
		cs, ds := rec.events()
		return len(ds) == 1 && len(cs) >= 2
	})
	restartServer(t, inst)
	require.NoError(t, c.WaitConnected(ctx))
	waitUntil(t, "the reconnect event", func() bool {
		cs, _ := rec.events()
		return cs[len(cs)-1].Err == nil && len(cs) >= 3
	})
	cs, ds := rec.events()
	assert.Equal(t, 2, ds[0].Failed, "the two calls in flight failed")
	assert.Error(t, ds[0].Cause)
	assert.Positive(t, ds[0].Uptime)
	for i, ev := range cs[1 : len(cs)-1] {
		assert.Error(t, ev.Err, "attempt %d while down", i+1)
		assert.Equal(t, i+1, ev.Attempt)
	}
	last := cs[len(cs)-1]
	assert.Equal(t, len(cs)-1, last.Attempt, "attempts are numbered since the disconnection")
	for _, f := range pending {
		_, err := f.Await(ctx)
		require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	}
	// Close is no disconnection.
	require.NoError(t, c.Close())
	_, ds = rec.events()
	assert.Len(t, ds, 1)
}

// orderTracer records the order its tracers are called in.
type orderTracer struct {
	name string
	log  *[]string
	mu   *sync.Mutex
}

type orderKey string

func (o orderTracer) TraceRequestStart(ctx context.Context, _ *client.TraceRequest) context.Context {
	o.mu.Lock()
	*o.log = append(*o.log, "start "+o.name)
	o.mu.Unlock()
	return context.WithValue(ctx, orderKey(o.name), true)
}

func (o orderTracer) TraceRequestEnd(ctx context.Context, _ *client.TraceRequest, _ client.TraceEnd) {
	o.mu.Lock()
	defer o.mu.Unlock()
	seen := ctx.Value(orderKey(o.name)) == true
	*o.log = append(*o.log, "end "+o.name+map[bool]string{true: "", false: " without its context"}[seen])
}

// TestTracersOrder composes three tracers (and nils): starts in order,
// ends in reverse order, each end with its own start's context value;
// connection events reach the ConnTracer among them.
func TestTracersOrder(t *testing.T) {
	var log []string
	var mu sync.Mutex
	a, b := orderTracer{"a", &log, &mu}, orderTracer{"b", &log, &mu}
	conns := &connRecorder{recordingTracer: *newRecordingTracer()}
	tr := client.Tracers(nil, a, b, nil, conns)
	c := dialShared(t, withTracer(tr))
	ctx := testContext(t)
	mu.Lock()
	log = nil
	mu.Unlock()
	_, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	conns.last(t)
	mu.Lock()
	assert.Equal(t, []string{"start a", "start b", "end b", "end a"}, log)
	mu.Unlock()
	waitUntil(t, "the connect event", func() bool { cs, _ := conns.events(); return len(cs) == 1 })

	assert.Nil(t, client.Tracers())
	assert.Nil(t, client.Tracers(nil, nil))
	assert.Equal(t, client.Tracer(a), client.Tracers(nil, a))
}
