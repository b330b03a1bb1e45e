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
