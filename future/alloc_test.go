package future_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// These pin the allocation budget of the hot paths (counts, not speed).

func TestAllocsNewResolveAwait(t *testing.T) {
	ctx := context.Background()
	n := testing.AllocsPerRun(1000, func() {
		f, p := future.New[int]()
		p.Resolve(1)
		_, _ = f.Await(ctx)
	})
	require.LessOrEqual(t, n, 1.0)
}

func TestAllocsAwaitSettled(t *testing.T) {
	ctx := context.Background()
	f := future.Resolved(1)
	g := future.Rejected[int](errBoom)
	n := testing.AllocsPerRun(1000, func() {
		_, _ = f.Await(ctx)
		_, _ = g.Await(ctx)
		_, _, _ = f.Peek()
		<-f.Done()
	})
	require.Zero(t, n)
}

func TestAllocsThenStep(t *testing.T) {
	f, p := future.New[int]()
	g := f
	n := testing.AllocsPerRun(1000, func() { g = g.Then(inc) })
	require.LessOrEqual(t, n, 2.0, "a step on a pending future")
	p.Resolve(0)

	settled := future.Resolved(0)
	n = testing.AllocsPerRun(1000, func() { settled.Then(inc) })
	require.LessOrEqual(t, n, 2.0, "a step on a settled future")
}

func TestAllocsSerialExecuteSteadyState(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	fn := func() {}
	n := testing.AllocsPerRun(10000, func() { s.Execute(fn) })
	require.Zero(t, n)
}

// noopWaitEnder is a producer that is asked and never gives up.
type noopWaitEnder struct{}

func (noopWaitEnder) FutureCancelled()                {}
func (noopWaitEnder) FutureWaitEnded(context.Context) {}

func TestAllocsAwaitEndedAsksProducer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, p := future.New[int]()
	p.AddCanceller(noopWaitEnder{})
	g := f.Then(func(v int) (int, error) { return v, nil })
	n := testing.AllocsPerRun(1000, func() {
		_, _ = f.Await(ctx)
		_, _ = g.Await(ctx)
	})
	require.Zero(t, n)
}
