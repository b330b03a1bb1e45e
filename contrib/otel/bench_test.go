package txotel_test

import (
	"context"
	"testing"
	"time"

	"github.com/tarantool/go-iproto"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/txtarantool/txtarantool/client"
	txotel "github.com/txtarantool/txtarantool/contrib/otel"
)

// BenchmarkTracer measures the tracer's cost per request, the SDK behind
// it: a span exported to a no-op exporter and a measurement kept by a
// ManualReader. "sampled" records every span; "unsampled" samples none
// (a parent-based sampler under an unsampled parent costs the same), so
// only the metric is recorded.
func BenchmarkTracer(b *testing.B) {
	for _, bc := range []struct {
		name    string
		sampler sdktrace.Sampler
	}{
		{"sampled", sdktrace.AlwaysSample()},
		{"unsampled", sdktrace.NeverSample()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()), sdktrace.WithSampler(bc.sampler))
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
			tr, err := txotel.NewTracer(txotel.WithTracerProvider(tp), txotel.WithMeterProvider(mp))
			if err != nil {
				b.Fatal(err)
			}
			req := client.TraceRequest{Kind: iproto.IPROTO_SELECT, Space: "test", Index: "primary", Addr: "127.0.0.1:3301", Start: time.Now()}
			end := client.TraceEnd{Duration: 100 * time.Microsecond, BytesSent: 30, BytesReceived: 40}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := tr.TraceRequestStart(ctx, &req)
				tr.TraceRequestEnd(c, &req, end)
			}
		})
	}
}

// BenchmarkTracerPingPipelined is the whole cost on a real client: pings
// kept 1024 in flight on one connection, with no tracer and with the
// tracer (the SDK as in BenchmarkTracer, every span sampled).
func BenchmarkTracerPingPipelined(b *testing.B) {
	server.PingPipelined(b, "otel", func(b *testing.B) client.Tracer {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		tr, err := txotel.NewTracer(txotel.WithTracerProvider(tp), txotel.WithMeterProvider(mp))
		if err != nil {
			b.Fatal(err)
		}
		return tr
	})
}
