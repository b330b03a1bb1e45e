package contribtest

import (
	"context"
	"testing"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// Window is how many requests Pipelined keeps in flight.
const Window = 1024

// Pipelined runs b.N requests made by issue on one goroutine, Window of
// them in flight at once, failing b on the first error. It reports
// allocations; its own cost is one slice of Window futures.
func Pipelined(ctx context.Context, b *testing.B, issue func() *future.Future[*client.Response]) {
	b.Helper()
	window := make([]*future.Future[*client.Response], Window)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		slot := i % Window
		if f := window[slot]; f != nil {
			if _, err := f.Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
		window[slot] = issue()
	}
	for _, f := range window {
		if f != nil {
			if _, err := f.Await(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// PingPipelined runs two sub-benchmarks of pipelined pings (Pipelined) on
// the server: "none", a client with no tracer, and name, a client whose
// Options.Tracer newTracer returns; the difference is the tracer's whole
// cost per request. It skips b when there is no server.
func (s *Server) PingPipelined(b *testing.B, name string, newTracer func(b *testing.B) client.Tracer) {
	addr := s.Require(b)
	for _, traced := range []bool{false, true} {
		sub := "none"
		if traced {
			sub = name
		}
		b.Run(sub, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := client.Options{User: User, Password: Password}
			if traced {
				opts.Tracer = newTracer(b)
			}
			c, err := client.Dial(ctx, addr, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			Pipelined(ctx, b, func() *future.Future[*client.Response] { return c.Ping(ctx) })
		})
	}
}
