package txotel_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/txtarantool/txtarantool/client"
	txotel "github.com/txtarantool/txtarantool/contrib/otel"
)

// recorder is a Tracer with an in-memory span exporter and a manual
// metric reader.
type recorder struct {
	tracer *txotel.Tracer
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
}

func newRecorder(t *testing.T, sampler sdktrace.Sampler, opts ...txotel.Option) *recorder {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans), sdktrace.WithSampler(sampler))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tr, err := txotel.NewTracer(append([]txotel.Option{txotel.WithTracerProvider(tp), txotel.WithMeterProvider(mp)}, opts...)...)
	require.NoError(t, err)
	return &recorder{tracer: tr, spans: spans, reader: reader, tp: tp}
}

// trace runs req through the tracer as a client would, ending it with end.
func (r *recorder) trace(ctx context.Context, req client.TraceRequest, end client.TraceEnd) {
	ctx = r.tracer.TraceRequestStart(ctx, &req)
	r.tracer.TraceRequestEnd(ctx, &req, end)
}

// histogram returns the data points of db.client.operation.duration.
func (r *recorder) histogram(t *testing.T) metricdata.Histogram[float64] {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	require.Equal(t, txotel.ScopeName, rm.ScopeMetrics[0].Scope.Name)
	require.Len(t, rm.ScopeMetrics[0].Metrics, 1)
	m := rm.ScopeMetrics[0].Metrics[0]
	require.Equal(t, txotel.DurationMetric, m.Name)
	require.Equal(t, "s", m.Unit)
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%T", m.Data)
	return h
}

// attrMap flattens attributes for comparison.
func attrMap(kvs []attribute.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

var start = time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)

func TestSelectSpanAndMetric(t *testing.T) {
	r := newRecorder(t, sdktrace.AlwaysSample())
	ctx, parent := r.tp.Tracer("app").Start(context.Background(), "handler")
	r.trace(ctx, client.TraceRequest{
		Kind: iproto.IPROTO_SELECT, Space: "test", SpaceID: 512, Index: "primary",
		Addr: "tester:secret@db.example:3301", Start: start,
	}, client.TraceEnd{Outcome: client.OutcomeOK, Duration: 3 * time.Millisecond, BytesSent: 30, BytesReceived: 40})
	parent.End()

	spans := r.spans.GetSpans()
	require.Len(t, spans, 2)
	s := spans[0]
	require.Equal(t, "SELECT test", s.Name)
	require.Equal(t, trace.SpanKindClient, s.SpanKind)
	require.Equal(t, parent.SpanContext().SpanID(), s.Parent.SpanID())
	require.Equal(t, parent.SpanContext().TraceID(), s.SpanContext.TraceID())
	require.Equal(t, start, s.StartTime)
	require.Equal(t, start.Add(3*time.Millisecond), s.EndTime)
	require.Equal(t, codes.Unset, s.Status.Code)
	want := map[string]any{
		"db.system.name":     "tarantool",
		"db.operation.name":  "SELECT",
		"db.collection.name": "test",
		"server.address":     "db.example",
		"server.port":        int64(3301),
	}
	require.Equal(t, want, attrMap(s.Attributes))
	require.Equal(t, txotel.ScopeName, s.InstrumentationScope.Name)

	h := r.histogram(t)
	require.Len(t, h.DataPoints, 1)
	dp := h.DataPoints[0]
	require.Equal(t, uint64(1), dp.Count)
	require.InDelta(t, 0.003, dp.Sum, 1e-9)
	require.Equal(t, []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}, dp.Bounds)
	require.Equal(t, want, attrMap(dp.Attributes.ToSlice()))
}

func TestCallSpanName(t *testing.T) {
	r := newRecorder(t, sdktrace.AlwaysSample())
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_CALL, Function: "sum", Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Duration: time.Millisecond})
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_PING, Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Duration: time.Millisecond})
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_CALL_16, Function: "old", Addr: "3301", Start: start},
		client.TraceEnd{Duration: time.Millisecond})
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_INSERT, SpaceID: 600, Addr: "3301", Start: start},
		client.TraceEnd{Duration: time.Millisecond})
	spans := r.spans.GetSpans()
	require.Len(t, spans, 4)
	require.Equal(t, "CALL sum", spans[0].Name)
	require.Equal(t, "sum", attrMap(spans[0].Attributes)["db.stored_procedure.name"])
	require.NotContains(t, attrMap(spans[0].Attributes), "db.collection.name")
	require.Equal(t, "PING", spans[1].Name)
	require.Equal(t, "CALL_16 old", spans[2].Name)
	require.Equal(t, "127.0.0.1", attrMap(spans[2].Attributes)["server.address"], "a bare port is 127.0.0.1, as Dial reads it")
	require.Equal(t, "INSERT 600", spans[3].Name, "a space known by number only")
	require.Equal(t, "600", attrMap(spans[3].Attributes)["db.collection.name"])
	// One series per operation and target.
	require.Len(t, r.histogram(t).DataPoints, 4)
}

func TestFailedRequests(t *testing.T) {
	r := newRecorder(t, sdktrace.AlwaysSample())
	serverErr := errors.New("Duplicate key exists in unique index 'primary' in space 'test'")
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_INSERT, Space: "test", Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Err: serverErr, Outcome: client.OutcomeServerError, Code: iproto.ER_TUPLE_FOUND, Duration: time.Millisecond})
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_INSERT, Space: "test", Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Err: client.ErrNotSent, Outcome: client.OutcomeNotSent, Duration: time.Millisecond})
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_INSERT, Space: "test", Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Err: client.ErrOutcomeUnknown, Outcome: client.OutcomeUnknown, Duration: time.Millisecond})
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_INSERT, Space: "test", Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Err: context.Canceled, Outcome: client.OutcomeCanceled, Duration: time.Millisecond})
	spans := r.spans.GetSpans()
	require.Len(t, spans, 4)

	require.Equal(t, codes.Error, spans[0].Status.Code)
	require.Equal(t, serverErr.Error(), spans[0].Status.Description)
	a := attrMap(spans[0].Attributes)
	require.Equal(t, "3", a["error.type"])
	require.Equal(t, "3", a["db.response.status_code"])

	for i, want := range []string{"not_sent", "unknown", "canceled"} {
		s := spans[i+1]
		require.Equal(t, codes.Error, s.Status.Code, want)
		a := attrMap(s.Attributes)
		require.Equal(t, want, a["error.type"])
		require.NotContains(t, a, "db.response.status_code", want)
	}

	// The metric's series are told apart by error.type.
	got := map[string]uint64{}
	for _, dp := range r.histogram(t).DataPoints {
		v, _ := dp.Attributes.Value("error.type")
		got[v.AsString()] += dp.Count
		code, ok := dp.Attributes.Value("db.response.status_code")
		require.Equal(t, v.AsString() == "3", ok)
		if ok {
			require.Equal(t, "3", code.AsString())
		}
	}
	require.Equal(t, map[string]uint64{"3": 1, "not_sent": 1, "unknown": 1, "canceled": 1}, got)
}

func TestServerAddresses(t *testing.T) {
	r := newRecorder(t, sdktrace.AlwaysSample())
	for _, addr := range []string{"unix:/tmp/t.sock", "user:pw@unix/:/tmp/t.sock", "tcp://user:hunter2@[::1]:3302", "not a valid address"} {
		r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_PING, Addr: addr, Start: start}, client.TraceEnd{})
	}
	spans := r.spans.GetSpans()
	require.Len(t, spans, 4)
	require.Equal(t, map[string]any{"db.system.name": "tarantool", "db.operation.name": "PING", "server.address": "/tmp/t.sock"}, attrMap(spans[0].Attributes))
	require.Equal(t, "/tmp/t.sock", attrMap(spans[1].Attributes)["server.address"])
	require.Equal(t, "::1", attrMap(spans[2].Attributes)["server.address"])
	require.Equal(t, int64(3302), attrMap(spans[2].Attributes)["server.port"])
	require.NotContains(t, attrMap(spans[3].Attributes), "server.address")
	for _, s := range spans {
		for _, kv := range s.Attributes {
			require.NotContains(t, kv.Value.Emit(), "hunter2")
			require.NotContains(t, kv.Value.Emit(), "pw@")
		}
	}
}

func TestQueryText(t *testing.T) {
	req := client.TraceRequest{Kind: iproto.IPROTO_EXECUTE, Query: "SELECT * FROM t WHERE secret = 'x'", Addr: "127.0.0.1:3301", Start: start}
	off := newRecorder(t, sdktrace.AlwaysSample())
	off.trace(context.Background(), req, client.TraceEnd{})
	require.Equal(t, "EXECUTE", off.spans.GetSpans()[0].Name)
	require.NotContains(t, attrMap(off.spans.GetSpans()[0].Attributes), "db.query.text")

	on := newRecorder(t, sdktrace.AlwaysSample(), txotel.WithQueryText())
	on.trace(context.Background(), req, client.TraceEnd{})
	require.Equal(t, req.Query, attrMap(on.spans.GetSpans()[0].Attributes)["db.query.text"])
	// Never on the metric: the text is not a low-cardinality attribute.
	_, ok := on.histogram(t).DataPoints[0].Attributes.Value("db.query.text")
	require.False(t, ok)
}

func TestWithAttributes(t *testing.T) {
	r := newRecorder(t, sdktrace.AlwaysSample(),
		txotel.WithAttributes(attribute.String("service.name", "shop")),
		txotel.WithAttributes(attribute.String("deployment.environment.name", "test")))
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_PING, Addr: "127.0.0.1:3301", Start: start}, client.TraceEnd{})
	a := attrMap(r.spans.GetSpans()[0].Attributes)
	require.Equal(t, "shop", a["service.name"])
	require.Equal(t, "test", a["deployment.environment.name"])
	m := attrMap(r.histogram(t).DataPoints[0].Attributes.ToSlice())
	require.Equal(t, "shop", m["service.name"])
	require.Equal(t, "test", m["deployment.environment.name"])
}

func TestUnsampledStillMeasured(t *testing.T) {
	r := newRecorder(t, sdktrace.NeverSample())
	r.trace(context.Background(), client.TraceRequest{Kind: iproto.IPROTO_PING, Addr: "127.0.0.1:3301", Start: start},
		client.TraceEnd{Err: client.ErrNotSent, Outcome: client.OutcomeNotSent, Duration: 2 * time.Second})
	require.Empty(t, r.spans.GetSpans())
	h := r.histogram(t)
	require.Len(t, h.DataPoints, 1)
	require.Equal(t, uint64(1), h.DataPoints[0].Count)
	require.InDelta(t, 2.0, h.DataPoints[0].Sum, 1e-9)
}

func TestGlobalProvidersByDefault(t *testing.T) {
	// With no options the tracer takes the global providers, no-ops unless
	// the program set them: it works and records nothing.
	tr, err := txotel.NewTracer()
	require.NoError(t, err)
	req := client.TraceRequest{Kind: iproto.IPROTO_PING, Addr: "127.0.0.1:3301", Start: start}
	ctx := tr.TraceRequestStart(context.Background(), &req)
	require.False(t, trace.SpanFromContext(ctx).SpanContext().IsValid())
	tr.TraceRequestEnd(ctx, &req, client.TraceEnd{})
	var _ client.Tracer = tr
	require.True(t, strings.HasPrefix(txotel.ScopeName, "github.com/txtarantool/"))
}
