package client_test

import (
	"testing"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// benchWindow is how many requests the pipelined benchmarks keep in flight.
const benchWindow = 1024

// benchPipelined keeps benchWindow requests in flight on one connection
// (dialed with opts) from one goroutine, checking every response with
// check.
func benchPipelined(b *testing.B, issue func(c *client.Client, i int) *future.Future[*client.Response], check func(r *client.Response, i int) error, opts ...clientOption) {
	c := dialShared(b, opts...)
	ctx := testContext(b)
	window := make([]*future.Future[*client.Response], benchWindow)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		slot := i % benchWindow
		if f := window[slot]; f != nil {
			r, err := f.Await(ctx)
			if err == nil {
				err = check(r, i-benchWindow)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		window[slot] = issue(c, i)
	}
	for _, f := range window {
		if f != nil {
			if _, err := f.Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkClientPingPipelined(b *testing.B) {
	ctx := testContext(b)
	benchPipelined(b,
		func(c *client.Client, i int) *future.Future[*client.Response] { return c.Ping(ctx) },
		func(*client.Response, int) error { return nil })
}

func BenchmarkClientSelectPipelined(b *testing.B) {
	ctx := testContext(b)
	c := dialShared(b)
	const key = 7_000_001
	if _, err := c.Replace(ctx, "test", []any{key, "bench"}).Await(ctx); err != nil {
		b.Fatal(err)
	}
	benchPipelined(b,
		func(c *client.Client, i int) *future.Future[*client.Response] {
			return c.Select(ctx, "test", nil, uint64(key))
		},
		func(r *client.Response, _ int) error {
			var t idNameTuple
			found, err := r.First(&t)
			if err == nil && (!found || t.ID != key || t.Name != "bench") {
				b.Fatalf("select returned %+v (found %v)", t, found)
			}
			return err
		})
}

func BenchmarkClientCallSync(b *testing.B) {
	ctx := testContext(b)
	c := dialShared(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := c.Call(ctx, "echo", i).Await(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var got []int
		if err := r.Decode(&got); err != nil || len(got) != 1 || got[0] != i {
			b.Fatalf("echo %d returned %v (%v)", i, got, err)
		}
	}
}

func BenchmarkClientCallParallel(b *testing.B) {
	ctx := testContext(b)
	c := dialShared(b)
	b.ReportAllocs()
	b.SetParallelism(64)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			r, err := c.Call(ctx, "echo", i).Await(ctx)
			if err != nil {
				b.Fatal(err)
			}
			var got []int
			if err := r.Decode(&got); err != nil || len(got) != 1 || got[0] != i {
				b.Fatalf("echo %d returned %v (%v)", i, got, err)
			}
		}
	})
}
