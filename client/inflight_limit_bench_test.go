package client_test

import (
	"context"
	"testing"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// BenchmarkClientPingPipelinedNoDeadlineLimit is
// BenchmarkClientPingPipelinedNoDeadline (a window of benchWindow pings in
// flight, a context that is never done) by MaxInFlight: 0 is the default,
// no limit, and must cost what the unlimited benchmark costs; 4096 never
// fills up with this window, so it shows the price of taking and returning
// a slot; 256 is smaller than the window, so the sender blocks for slots.
func BenchmarkClientPingPipelinedNoDeadlineLimit(b *testing.B) {
	for _, bc := range []struct {
		name  string
		limit int
	}{{"MaxInFlight=0", 0}, {"MaxInFlight=4096", 4096}, {"MaxInFlight=256", 256}} {
		b.Run(bc.name, func(b *testing.B) {
			c := dialShared(b, func(o *client.Options) { o.MaxInFlight = bc.limit })
			ctx := context.Background()
			window := make([]*future.Future[*client.Response], benchWindow)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				slot := i % benchWindow
				if f := window[slot]; f != nil {
					if _, err := f.Await(ctx); err != nil {
						b.Fatal(err)
					}
				}
				window[slot] = c.Ping(ctx)
			}
			for _, f := range window {
				if f != nil {
					if _, err := f.Await(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
