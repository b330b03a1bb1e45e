package future_test

import (
	"context"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/future"
)

// BenchmarkFutureNewResolveAwait: create, settle, and Await a settled future.
func BenchmarkFutureNewResolveAwait(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, p := future.New[int]()
		p.Resolve(i)
		if v, _ := f.Await(ctx); v != i {
			b.Fatal(v)
		}
	}
}

// BenchmarkFutureAwaitSettled: Await on an already settled future.
func BenchmarkFutureAwaitSettled(b *testing.B) {
	ctx := context.Background()
	f := future.Resolved(1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := f.Await(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFutureAwaitPending: New, then Await while another goroutine (a
// long-lived "network reader") resolves it. Counts New's allocation too.
func BenchmarkFutureAwaitPending(b *testing.B) {
	ctx := context.Background()
	promises := make(chan *future.Promise[int])
	go func() {
		for p := range promises {
			p.Resolve(1)
		}
	}()
	defer close(promises)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, p := future.New[int]()
		promises <- p
		if _, err := f.Await(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFutureThenPending: one Then step registered on a pending future
// and run when the chain settles (b.N steps in one chain).
func BenchmarkFutureThenPending(b *testing.B) {
	f, p := future.New[int]()
	g := f
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		g = g.Then(inc)
	}
	p.Resolve(0)
	if v, _, _ := g.Peek(); v != b.N {
		b.Fatal(v)
	}
}

// BenchmarkFutureThenSettled: one Then step on a settled future (runs at once).
func BenchmarkFutureThenSettled(b *testing.B) {
	f := future.Resolved(0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f.Then(inc)
	}
}

// BenchmarkFutureChainSettledInner: one Chain step whose callback returns an
// already settled future (the Resolved allocation is included).
func BenchmarkFutureChainSettledInner(b *testing.B) {
	f, p := future.New[int]()
	g := f
	next := func(v int) *future.Future[int] { return future.Resolved(v + 1) }
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		g = future.Chain(g, next)
	}
	p.Resolve(0)
	if v, _, _ := g.Peek(); v != b.N {
		b.Fatal(v)
	}
}

// BenchmarkFutureCancelChain: New, a two-step chain, cancel from the end.
func BenchmarkFutureCancelChain(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, _ := future.New[int]()
		f.Then(inc).Then(inc).Cancel()
	}
}

// BenchmarkFutureAll: All of 8 settled futures.
func BenchmarkFutureAll(b *testing.B) {
	fs := make([]*future.Future[int], 8)
	for i := range fs {
		fs[i] = future.Resolved(i)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		future.All(fs...)
	}
}

// BenchmarkFutureSerialExecute: queue a function on a Serial executor.
func BenchmarkFutureSerialExecute(b *testing.B) {
	s := future.NewSerial()
	defer s.Close()
	fn := func() {}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Execute(fn)
	}
}

// BenchmarkFutureThenOnSerial: a Then step whose callback runs on a Serial.
func BenchmarkFutureThenOnSerial(b *testing.B) {
	s := future.NewSerial()
	defer s.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, p := future.NewOn[int](s)
		g := f.Then(inc)
		p.Resolve(i)
		if _, err := g.Await(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFutureTimeoutSettledFirst: New, Timeout, Resolve before the
// deadline (the timer is created and stopped).
func BenchmarkFutureTimeoutSettledFirst(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, p := future.New[int]()
		g := f.Timeout(time.Hour)
		p.Resolve(i)
		if v, _, _ := g.Peek(); v != i {
			b.Fatal(v)
		}
	}
}
