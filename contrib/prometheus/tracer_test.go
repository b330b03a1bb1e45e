package txprometheus_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	txprometheus "github.com/txtarantool/txtarantool/contrib/prometheus"
)

// observe runs one request through tr as a client would.
func observe(tr client.Tracer, kind iproto.Type, outcome client.Outcome, d time.Duration) {
	req := client.TraceRequest{Kind: kind, Space: "test", Addr: "127.0.0.1:3301", Start: time.Now()}
	ctx := tr.TraceRequestStart(context.Background(), &req)
	tr.TraceRequestEnd(ctx, &req, client.TraceEnd{Outcome: outcome, Duration: d})
}

func TestTracerHistogram(t *testing.T) {
	tr, err := txprometheus.NewTracer(txprometheus.WithBuckets(0.001, 0.01, 0.1))
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(tr))

	observe(tr, iproto.IPROTO_SELECT, client.OutcomeOK, 500*time.Microsecond)
	observe(tr, iproto.IPROTO_SELECT, client.OutcomeOK, 5*time.Millisecond)
	observe(tr, iproto.IPROTO_CALL, client.OutcomeServerError, 50*time.Millisecond)
	observe(tr, iproto.IPROTO_RAFT, client.OutcomeNotSent, 2*time.Second) // a kind no client sends
	observe(tr, iproto.Type(-5), client.Outcome(200), time.Millisecond)   // nonsense in, no panic

	// One series per kind×outcome pair, observed or not: 20 kinds × 6.
	require.Equal(t, 20*client.NumOutcomes, testutil.CollectAndCount(tr))

	type series struct {
		count   uint64
		sum     float64
		buckets []uint64 // cumulative, for 0.001, 0.01, 0.1
	}
	for _, c := range []struct {
		kind, outcome string
		want          series
	}{
		{"select", "ok", series{2, 0.0055, []uint64{1, 2, 2}}},
		{"call", "server_error", series{1, 0.05, []uint64{0, 0, 1}}},
		{"other", "not_sent", series{1, 2, []uint64{0, 0, 0}}},
		{"other", "invalid", series{1, 0.001, []uint64{1, 1, 1}}},
		{"select", "canceled", series{0, 0, []uint64{0, 0, 0}}},
	} {
		h := histogramOf(t, reg, c.kind, c.outcome)
		got := series{count: h.GetSampleCount(), sum: h.GetSampleSum()}
		for _, b := range h.GetBucket() {
			got.buckets = append(got.buckets, b.GetCumulativeCount())
		}
		require.Equal(t, c.want.count, got.count, c.kind+" "+c.outcome)
		require.InDelta(t, c.want.sum, got.sum, 1e-9, c.kind+" "+c.outcome)
		require.Equal(t, c.want.buckets, got.buckets, c.kind+" "+c.outcome)
	}
}

// histogramOf returns the txtarantool_request_duration_seconds series of
// kind and outcome gathered from reg.
func histogramOf(t *testing.T, reg *prometheus.Registry, kind, outcome string) *dto.Histogram {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != "txtarantool_request_duration_seconds" {
			continue
		}
		require.Equal(t, dto.MetricType_HISTOGRAM, mf.GetType())
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["kind"] == kind && labels["outcome"] == outcome {
				return m.GetHistogram()
			}
		}
	}
	t.Fatalf("no series kind=%q outcome=%q", kind, outcome)
	return nil
}

func TestKindLabel(t *testing.T) {
	require.Equal(t, "select", txprometheus.KindLabel(iproto.IPROTO_SELECT))
	require.Equal(t, "call_16", txprometheus.KindLabel(iproto.IPROTO_CALL_16))
	require.Equal(t, "watch_once", txprometheus.KindLabel(iproto.IPROTO_WATCH_ONCE))
	require.Equal(t, "other", txprometheus.KindLabel(iproto.IPROTO_JOIN))
}

func TestTracerNoAllocation(t *testing.T) {
	tr, err := txprometheus.NewTracer()
	require.NoError(t, err)
	req := client.TraceRequest{Kind: iproto.IPROTO_SELECT, Space: "test", Addr: "127.0.0.1:3301", Start: time.Now()}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(1000, func() {
		c := tr.TraceRequestStart(ctx, &req)
		tr.TraceRequestEnd(c, &req, client.TraceEnd{Outcome: client.OutcomeServerError, Duration: time.Millisecond})
	})
	require.Zero(t, allocs)
}

func TestTracerBadOptions(t *testing.T) {
	for _, opts := range [][]txprometheus.Option{
		{txprometheus.WithBuckets()},
		{txprometheus.WithBuckets(0.1, 0.01)},
		{txprometheus.WithBuckets(0.1, 0.1)},
		{txprometheus.WithNamespace("\xff")},
		{txprometheus.WithConstLabels(prometheus.Labels{"kind": "x"})},
		{txprometheus.WithConstLabels(prometheus.Labels{"le": "x"})},
	} {
		_, err := txprometheus.NewTracer(opts...)
		var cfgErr *txprometheus.ConfigError
		require.ErrorAs(t, err, &cfgErr)
	}
}
