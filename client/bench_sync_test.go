package client_test

import (
	"context"
	"testing"
)

// BenchmarkClientPingSync256 runs 256 goroutines that each send a ping and
// await it, sharing one connection (the bench harness's sync/256 mode).
func BenchmarkClientPingSync256(b *testing.B) {
	c := dialShared(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(128)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Ping(ctx).Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
