package client_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
)

// traceKey is the context key the recording tracer stores its span in.
type traceKey struct{}

// tracedRequest is one request as the recording tracer saw it.
type tracedRequest struct {
	req     client.TraceRequest
	end     client.TraceEnd
	ended   int  // how many times TraceRequestEnd was called
	ctxSeen bool // TraceRequestEnd got the context TraceRequestStart returned
}

// recordingTracer records every request's start and end.
type recordingTracer struct {
	mu    sync.Mutex
	reqs  []*tracedRequest
	byReq map[*client.TraceRequest]*tracedRequest
}

func newRecordingTracer() *recordingTracer {
	return &recordingTracer{byReq: map[*client.TraceRequest]*tracedRequest{}}
}

func (r *recordingTracer) TraceRequestStart(ctx context.Context, req *client.TraceRequest) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	tr := &tracedRequest{req: *req}
	r.reqs = append(r.reqs, tr)
	r.byReq[req] = tr
	return context.WithValue(ctx, traceKey{}, tr)
}

func (r *recordingTracer) TraceRequestEnd(ctx context.Context, req *client.TraceRequest, end client.TraceEnd) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tr := r.byReq[req]
	if tr == nil {
		panic("TraceRequestEnd for a request never started")
	}
	delete(r.byReq, req)
	tr.ended++
	tr.end = end
	tr.ctxSeen = ctx.Value(traceKey{}) == tr
}

// last returns the last request recorded, once it ended.
func (r *recordingTracer) last(t testing.TB) *tracedRequest {
	t.Helper()
	var tr *tracedRequest
	waitUntil(t, "the last traced request to end", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(r.reqs) == 0 {
			return false
		}
		tr = r.reqs[len(r.reqs)-1]
		return tr.ended > 0
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	return tr
}

// all returns every request recorded.
func (r *recordingTracer) all() []*tracedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tracedRequest(nil), r.reqs...)
}

// withTracer sets Options.Tracer.
func withTracer(tr client.Tracer) clientOption {
	return func(o *client.Options) { o.Tracer = tr }
}

// TestTracerRequestFields runs every command kind once on the real server
// and checks what the tracer was told of it: the kind, space, index,
// function, query, stream and address, its outcome, and the frame sizes.
func TestTracerRequestFields(t *testing.T) {
	rec := newRecordingTracer()
	c := dialShared(t, withTracer(rec))
	ctx := testContext(t)
	addr := c.Addr()

	type want struct {
		kind          iproto.Type
		space         string
		spaceID       uint32
		index         string
		function      string
		query         string
		stream        bool
		outcome       client.Outcome
		code          iproto.Error
		noResponse    bool
		nothingQueued bool
	}
	st := c.NewStream()
	// Streams need Tarantool 2.10+: on an older server their requests
	// fail before sending (*FeatureError) and are traced as invalid.
	streamWant := func(w want) want {
		if !c.ServerInfo().Has(iproto.IPROTO_FEATURE_STREAMS) {
			w.outcome, w.noResponse, w.nothingQueued = client.OutcomeInvalid, true, true
		}
		return w
	}
	cases := []struct {
		name string
		run  func() error
		want want
	}{
		{"ping", func() error { _, err := c.Ping(ctx).Await(ctx); return err },
			want{kind: iproto.IPROTO_PING}},
		{"select by names", func() error {
			_, err := c.Select(ctx, "tree", "by_name_age", []any{"x", 1}).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_SELECT, space: "tree", index: "by_name_age"}},
		{"select by numbers", func() error { _, err := c.Select(ctx, 513, 1, []any{"x", 1}).Await(ctx); return err },
			want{kind: iproto.IPROTO_SELECT, space: "tree", spaceID: 513, index: "by_name_age"}},
		{"select primary by number", func() error { _, err := c.Select(ctx, uint32(512), 0, 1).Await(ctx); return err },
			want{kind: iproto.IPROTO_SELECT, space: "test", spaceID: 512}},
		{"insert", func() error { _, err := c.Replace(ctx, "test", []any{9_100_001, "a"}).Await(ctx); return err },
			want{kind: iproto.IPROTO_REPLACE, space: "test"}},
		{"insert duplicate", func() error { _, err := c.Insert(ctx, "test", []any{9_100_001, "a"}).Await(ctx); return err },
			want{kind: iproto.IPROTO_INSERT, space: "test", outcome: client.OutcomeServerError, code: iproto.ER_TUPLE_FOUND}},
		{"update", func() error {
			_, err := c.Update(ctx, "test", "primary", 9_100_001, []protocol.Op{protocol.OpAssign(1, "b")}).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_UPDATE, space: "test", index: "primary"}},
		{"upsert", func() error {
			_, err := c.Upsert(ctx, "counters", []any{9_100_001}, []protocol.Op{protocol.OpAssign(0, 9_100_001)}).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_UPSERT, space: "counters"}},
		{"delete", func() error { _, err := c.Delete(ctx, "test", nil, 9_100_001).Await(ctx); return err },
			want{kind: iproto.IPROTO_DELETE, space: "test"}},
		{"call", func() error { _, err := c.Call(ctx, "echo", 1).Await(ctx); return err },
			want{kind: iproto.IPROTO_CALL, function: "echo"}},
		{"call16", func() error { _, err := c.Call16(ctx, "echo", 1).Await(ctx); return err },
			want{kind: iproto.IPROTO_CALL_16, function: "echo"}},
		{"call with push", func() error {
			_, err := c.CallWithPush(ctx, func(*client.Push) {}, "echo", 1).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_CALL, function: "echo"}},
		{"eval", func() error { _, err := c.Eval(ctx, "return ...", 1).Await(ctx); return err },
			want{kind: iproto.IPROTO_EVAL, query: "return ..."}},
		{"execute", func() error { _, err := c.Execute(ctx, "SELECT 1").Await(ctx); return err },
			want{kind: iproto.IPROTO_EXECUTE, query: "SELECT 1"}},
		{"prepare", func() error { _, err := c.Prepare(ctx, "SELECT ?").Await(ctx); return err },
			want{kind: iproto.IPROTO_PREPARE, query: "SELECT ?"}},
		{"begin", func() error { _, err := st.Begin(ctx).Await(ctx); return err },
			streamWant(want{kind: iproto.IPROTO_BEGIN, stream: true})},
		{"stream replace", func() error { _, err := st.Replace(ctx, "test", []any{9_100_002, "s"}).Await(ctx); return err },
			streamWant(want{kind: iproto.IPROTO_REPLACE, space: "test", stream: true})},
		{"commit", func() error { _, err := st.Commit(ctx).Await(ctx); return err },
			streamWant(want{kind: iproto.IPROTO_COMMIT, stream: true})},
		{"unknown space", func() error { _, err := c.Select(ctx, "no_such_space", nil, 1).Await(ctx); return err },
			want{kind: iproto.IPROTO_SELECT, space: "no_such_space", outcome: client.OutcomeInvalid, noResponse: true, nothingQueued: true}},
		{"nil tuple", func() error { _, err := c.Insert(ctx, "test", nil).Await(ctx); return err },
			want{kind: iproto.IPROTO_INSERT, space: "test", outcome: client.OutcomeInvalid, noResponse: true, nothingQueued: true}},
		{"nil tuple replace existing", func() error { _, err := c.ReplaceExisting(ctx, "test", nil).Await(ctx); return err },
			want{kind: iproto.IPROTO_EVAL, query: client.ReplaceExistingLua, outcome: client.OutcomeInvalid, noResponse: true, nothingQueued: true}},
		{"not an array", func() error { _, err := c.Insert(ctx, "test", 5).Await(ctx); return err },
			want{kind: iproto.IPROTO_INSERT, space: "test", outcome: client.OutcomeInvalid, noResponse: true, nothingQueued: true}},
		{"nil context", func() error {
			//lint:ignore SA1012 a nil context on purpose
			_, err := c.Ping(nil).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_PING, outcome: client.OutcomeInvalid, noResponse: true, nothingQueued: true}},
		{"canceled", func() error {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := c.Ping(cctx).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_PING, outcome: client.OutcomeCanceled, noResponse: true, nothingQueued: true}},
		{"timed out", func() error {
			tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := c.Call(tctx, "sleep", 5).Await(ctx)
			return err
		}, want{kind: iproto.IPROTO_CALL, function: "sleep", outcome: client.OutcomeCanceled, noResponse: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			tr := rec.last(t)
			w := tc.want
			assert.Equal(t, w.kind, tr.req.Kind, "kind")
			assert.Equal(t, w.space, tr.req.Space, "space")
			assert.Equal(t, w.spaceID, tr.req.SpaceID, "space id")
			assert.Equal(t, w.index, tr.req.Index, "index")
			assert.Equal(t, w.function, tr.req.Function, "function")
			assert.Equal(t, w.query, tr.req.Query, "query")
			assert.Equal(t, addr, tr.req.Addr, "addr")
			if w.stream {
				assert.Equal(t, st.ID(), tr.req.StreamID, "stream")
			} else {
				assert.Zero(t, tr.req.StreamID, "stream")
			}
			assert.False(t, tr.req.Start.IsZero(), "start")
			assert.Equal(t, 1, tr.ended, "ended once")
			assert.True(t, tr.ctxSeen, "end got the start's context")
			assert.Equal(t, w.outcome, tr.end.Outcome, "outcome of %v", err)
			assert.Equal(t, w.outcome, client.OutcomeOf(err), "OutcomeOf(%v)", err)
			assert.Equal(t, w.code, tr.end.Code, "code")
			assert.Equal(t, err, tr.end.Err, "err")
			assert.Positive(t, tr.end.Duration, "duration")
			if w.nothingQueued {
				assert.Zero(t, tr.end.BytesSent, "bytes sent")
			} else {
				assert.Greater(t, tr.end.BytesSent, 5, "bytes sent")
			}
			if w.noResponse {
				assert.Zero(t, tr.end.BytesReceived, "bytes received")
			} else {
				assert.Greater(t, tr.end.BytesReceived, 5, "bytes received")
			}
		})
	}
	// The client's own requests (the schema loads of Dial and of the
	// unknown name) were not traced.
	for _, tr := range rec.all() {
		assert.NotEqual(t, "_vspace", tr.req.Space)
		assert.NotEqual(t, uint32(281), tr.req.SpaceID)
	}
}

// TestTracerPingSizes checks the frame sizes of a ping exactly: the
// request frame is a 5-byte length prefix and a 9-byte header map (type,
// sync < 128, schema version 0 omitted... as encoded by the protocol
// package), the response's what the server sent.
func TestTracerPingSizes(t *testing.T) {
	rec := newRecordingTracer()
	c := dialShared(t, withTracer(rec))
	ctx := testContext(t)
	_, err := c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	frame, err := protocol.AppendFrame(nil, protocol.Header{Sync: 1_000_000}, protocol.Ping{})
	require.NoError(t, err)
	tr := rec.last(t)
	// The sync id is a small number here, so the frame is at most as long
	// as one with a large sync.
	assert.LessOrEqual(t, tr.end.BytesSent, len(frame))
	assert.GreaterOrEqual(t, tr.end.BytesSent, len(frame)-4)
	assert.GreaterOrEqual(t, tr.end.BytesReceived, 8)
}

// TestTracerNotSent checks a request made while disconnected: traced as
// not sent, nothing queued.
func TestTracerNotSent(t *testing.T) {
	inst := startServer(t, false)
	rec := newRecordingTracer()
	c := dial(t, inst.Addr(), withTracer(rec), fastReconnect)
	ctx := testContext(t)
	require.NoError(t, inst.Kill())
	waitUntil(t, "the client to notice", func() bool { return !c.Connected() })
	_, err := c.Ping(ctx).Await(ctx)
	require.ErrorIs(t, err, client.ErrNotSent)
	tr := rec.last(t)
	assert.Equal(t, client.OutcomeNotSent, tr.end.Outcome)
	assert.Zero(t, tr.end.BytesSent)
	assert.Zero(t, tr.end.BytesReceived)
}

// TestTracerEndsBeforeCallbacks checks that TraceRequestEnd has returned
// when the future's callbacks run and when Await returns.
func TestTracerEndsBeforeCallbacks(t *testing.T) {
	rec := newRecordingTracer()
	c := dialShared(t, withTracer(rec))
	ctx := testContext(t)
	endedInCallback := make(chan int, 1)
	f := c.Ping(ctx)
	f.Then(func(r *client.Response) (*client.Response, error) {
		all := rec.all()
		rec.mu.Lock()
		endedInCallback <- all[len(all)-1].ended
		rec.mu.Unlock()
		return r, nil
	})
	_, err := f.Await(ctx)
	require.NoError(t, err)
	all := rec.all()
	rec.mu.Lock()
	assert.Equal(t, 1, all[len(all)-1].ended, "ended when Await returned")
	rec.mu.Unlock()
	select {
	case n := <-endedInCallback:
		assert.Equal(t, 1, n, "ended when the callback ran")
	case <-ctx.Done():
		t.Fatal("callback never ran")
	}
}

// TestTracerCancelledFuture checks that cancelling the future ends the
// trace, once, as canceled.
func TestTracerCancelledFuture(t *testing.T) {
	rec := newRecordingTracer()
	c := dialShared(t, withTracer(rec))
	ctx := testContext(t)
	f := c.Call(ctx, "sleep", 5)
	require.True(t, f.Cancel())
	_, err := f.Await(ctx)
	require.Error(t, err)
	tr := rec.last(t)
	assert.Equal(t, 1, tr.ended)
	assert.Equal(t, client.OutcomeCanceled, tr.end.Outcome)
	assert.True(t, errors.Is(tr.end.Err, err) || tr.end.Err != nil)
}
