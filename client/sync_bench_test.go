package client_test

import (
	"context"
	"testing"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// BenchmarkClientPingSync256 runs 256 goroutines that each send a ping and
// await it, sharing one connection (the bench harness's sync/256 mode).
func BenchmarkClientPingSync256(b *testing.B) { benchPingSync256(b, false) }

// benchPingSync256 is BenchmarkClientPingSync256, releasing every response
// (Response.Release) if release is set.
func benchPingSync256(b *testing.B, release bool) {
	c := dialShared(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(128)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, err := c.Ping(ctx).Await(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if release {
				r.Release()
			}
		}
	})
}

// BenchmarkClientPingPipelinedNoDeadline is BenchmarkClientPingPipelined
// with a context that can never be cancelled, as the bench harness uses:
// no context watcher is registered per request.
func BenchmarkClientPingPipelinedNoDeadline(b *testing.B) {
	ctx := context.Background()
	benchPipelined(b,
		func(c *client.Client, i int) *future.Future[*client.Response] { return c.Ping(ctx) },
		func(*client.Response, int) error { return nil })
}

// BenchmarkClientPingPipelinedRelease is BenchmarkClientPingPipelinedNoDeadline
// with every response released (Response.Release): records are reused, so
// steady traffic allocates nothing.
func BenchmarkClientPingPipelinedRelease(b *testing.B) {
	ctx := context.Background()
	benchPipelined(b,
		func(c *client.Client, i int) *future.Future[*client.Response] { return c.Ping(ctx) },
		func(r *client.Response, _ int) error { r.Release(); return nil })
}

// BenchmarkClientPingSync256Release is BenchmarkClientPingSync256 with every
// response released.
func BenchmarkClientPingSync256Release(b *testing.B) { benchPingSync256(b, true) }
