package txprometheus_test

import (
	"context"
	"testing"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	txprometheus "github.com/txtarantool/txtarantool/contrib/prometheus"
)

// BenchmarkTracer measures the duration histogram's cost per request: an
// observer lookup and one observation.
func BenchmarkTracer(b *testing.B) {
	tr, err := txprometheus.NewTracer()
	if err != nil {
		b.Fatal(err)
	}
	req := client.TraceRequest{Kind: iproto.IPROTO_SELECT, Space: "test", Addr: "127.0.0.1:3301", Start: time.Now()}
	end := client.TraceEnd{Duration: 100 * time.Microsecond}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := tr.TraceRequestStart(ctx, &req)
		tr.TraceRequestEnd(c, &req, end)
	}
}

// BenchmarkTracerPingPipelined is the whole cost on a real client: pings
// kept contribtest.Window in flight on one connection, with no tracer and
// with the duration histogram.
func BenchmarkTracerPingPipelined(b *testing.B) {
	server.PingPipelined(b, "prometheus", func(b *testing.B) client.Tracer {
		tr, err := txprometheus.NewTracer()
		if err != nil {
			b.Fatal(err)
		}
		return tr
	})
}
