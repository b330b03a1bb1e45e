package future_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

func TestCancelWithoutCanceller(t *testing.T) {
	f, p := future.New[int]()
	require.True(t, f.Cancel())
	_, err := await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.False(t, p.Resolve(1), "settling after cancel is a no-op")
	require.False(t, f.Cancel(), "a second Cancel changes nothing")
	_, err = await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestCancelRunsCancellerOnceThenRejects(t *testing.T) {
	f, p := future.New[int]()
	calls := 0
	var pendingDuringCanceller bool
	p.OnCancel(func() {
		calls++
		_, _, settled := f.Peek()
		pendingDuringCanceller = !settled
	})
	var seen error
	g := f.Catch(func(err error) (int, error) { seen = err; return 0, err })
	require.True(t, f.Cancel())
	require.False(t, f.Cancel())
	require.Equal(t, 1, calls)
	require.True(t, pendingDuringCanceller, "the canceller runs before the rejection")
	require.ErrorIs(t, seen, future.ErrCancelled, "callbacks see the cancellation")
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestCancellersRunInOrder(t *testing.T) {
	f, p := future.New[int]()
	var order []int
	for i := range 3 {
		p.OnCancel(func() { order = append(order, i) })
	}
	p.OnCancel(nil) // ignored
	f.Cancel()
	require.Equal(t, []int{0, 1, 2}, order)
}

func TestCancellerThatResolves(t *testing.T) {
	f, p := future.New[int]()
	p.OnCancel(func() { p.Resolve(99) })
	require.True(t, f.Cancel())
	v, err := await(t, f)
	require.NoError(t, err, "the canceller's result stands")
	require.Equal(t, 99, v)
}

func TestCancellerThatRejects(t *testing.T) {
	f, p := future.New[int]()
	p.OnCancel(func() { p.Reject(errBoom) })
	require.True(t, f.Cancel())
	_, err := await(t, f)
	require.ErrorIs(t, err, errBoom)
	require.NotErrorIs(t, err, future.ErrCancelled)
}

func TestCancellerThatPanics(t *testing.T) {
	f, p := future.New[int]()
	p.OnCancel(func() { panic("canceller") })
	require.NotPanics(t, func() { require.True(t, f.Cancel()) })
	_, err := await(t, f)
	var pe *future.PanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "canceller", pe.Value)
}

func TestCancellerCallingCancelAgain(t *testing.T) {
	f, p := future.New[int]()
	inner := true
	p.OnCancel(func() { inner = f.Cancel() })
	require.True(t, f.Cancel())
	require.False(t, inner, "Cancel during cancellation reports false")
}

func TestCancelAfterSettlementIsNoop(t *testing.T) {
	f, p := future.New[int]()
	called := false
	p.OnCancel(func() { called = true })
	p.Resolve(1)
	require.False(t, f.Cancel())
	require.False(t, called)
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, 1, v)

	g := future.Rejected[int](errBoom)
	require.False(t, g.Cancel())
	_, err = await(t, g)
	require.ErrorIs(t, err, errBoom)
}

func TestOnCancelAfterSettlementIsIgnored(t *testing.T) {
	f, p := future.New[int]()
	p.Resolve(1)
	p.OnCancel(func() { t.Error("must not run") })
	require.False(t, f.Cancel())
}

func TestCancelDerivedPropagatesToSource(t *testing.T) {
	f, p := future.New[int]()
	cancelled := 0
	p.OnCancel(func() { cancelled++ })
	ran := false
	g := f.Then(inc).Then(func(v int) (int, error) { ran = true; return v, nil }).Then(inc)
	require.True(t, g.Cancel())
	require.Equal(t, 1, cancelled, "cancelling the end of a chain cancels its root")
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
	_, err = await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.False(t, ran, "cancelled steps never run")
}

func TestCancelledDerivedRejectsAtOnceEvenIfSourceCancellerResolves(t *testing.T) {
	f, p := future.New[int]()
	p.OnCancel(func() { p.Resolve(5) })
	ran := false
	g := f.Then(func(v int) (int, error) { ran = true; return v, nil })
	require.True(t, g.Cancel())
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, 5, v, "the source keeps its canceller's value")
	require.False(t, ran)
}

func TestCancelOneBranchKeepsTheOther(t *testing.T) {
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	a := f.Then(inc)
	b := f.Then(func(v int) (int, error) { return v * 10, nil })
	require.True(t, a.Cancel())
	require.False(t, cancelled, "another branch still waits on the source")
	mustPending(t, f)
	p.Resolve(4)
	_, err := await(t, a)
	require.ErrorIs(t, err, future.ErrCancelled)
	v, err := await(t, b)
	require.NoError(t, err)
	require.Equal(t, 40, v)
}

func TestCancelAllBranchesCancelsSource(t *testing.T) {
	f, p := future.New[int]()
	cancelled := 0
	p.OnCancel(func() { cancelled++ })
	a := f.Then(inc)
	b := f.Catch(func(err error) (int, error) { return 0, err })
	c := f.Finally(func(v int, err error) (int, error) { return v, err })
	a.Cancel()
	b.Cancel()
	require.Equal(t, 0, cancelled)
	c.Cancel()
	require.Equal(t, 1, cancelled)
	_, err := await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestCancelBranchOfSettledBranchDoesNotCancelSource(t *testing.T) {
	// A branch that already settled no longer waits; only a pending branch
	// counts, and a source with one pending branch left survives.
	f, p := future.New[int]()
	a := f.Then(inc)
	b := f.Then(inc)
	a.Cancel()
	mustPending(t, f)
	p.Resolve(1)
	require.False(t, b.Cancel())
	v, err := await(t, b)
	require.NoError(t, err)
	require.Equal(t, 2, v)
}

func TestCancelSourceDirectlyIgnoresBranches(t *testing.T) {
	f, _ := future.New[int]()
	a := f.Then(inc)
	b := f.Catch(func(err error) (int, error) { return -1, nil })
	require.True(t, f.Cancel())
	_, err := await(t, a)
	require.ErrorIs(t, err, future.ErrCancelled)
	v, err := await(t, b)
	require.NoError(t, err, "an errback can recover from cancellation")
	require.Equal(t, -1, v)
}

func TestCancelChainOuterCancelsInner(t *testing.T) {
	f, p := future.New[int]()
	inner, innerP := future.New[int]()
	innerCancelled := false
	innerP.OnCancel(func() { innerCancelled = true })
	g := future.Chain(f, func(int) *future.Future[int] { return inner })
	p.Resolve(1)
	require.True(t, g.Cancel())
	require.True(t, innerCancelled, "the outer future was waiting on the inner one")
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
	_, err = await(t, inner)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestCancelChainOuterBeforeSourceSettles(t *testing.T) {
	f, p := future.New[int]()
	sourceCancelled := false
	p.OnCancel(func() { sourceCancelled = true })
	g := future.Chain(f, func(int) *future.Future[int] {
		t.Error("must not run")
		return nil
	})
	require.True(t, g.Cancel())
	require.True(t, sourceCancelled)
}

func TestCancelChainInnerSharedWithAnotherBranch(t *testing.T) {
	inner, innerP := future.New[int]()
	other := inner.Then(inc)
	g := future.Chain(future.Resolved(0), func(int) *future.Future[int] { return inner })
	require.True(t, g.Cancel())
	mustPending(t, inner)
	innerP.Resolve(1)
	v, err := await(t, other)
	require.NoError(t, err)
	require.Equal(t, 2, v)
}

func TestCancelChainWhileCallbackRuns(t *testing.T) {
	// The outer future is cancelled from inside its own callback, before the
	// callback returns the inner future: that inner future is released.
	f, p := future.New[int]()
	inner, innerP := future.New[int]()
	innerCancelled := false
	innerP.OnCancel(func() { innerCancelled = true })
	var g *future.Future[int]
	g = future.Chain(f, func(int) *future.Future[int] {
		g.Cancel()
		return inner
	})
	p.Resolve(1)
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.True(t, innerCancelled)
}

func TestCancelWithExecutorDerived(t *testing.T) {
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	g := f.WithExecutor(future.Inline)
	require.True(t, g.Cancel())
	require.True(t, cancelled)
}

func TestCancelGoFuture(t *testing.T) {
	release := make(chan struct{})
	f := future.Go(func() (int, error) { <-release; return 1, nil })
	require.True(t, f.Cancel())
	close(release)
	_, err := await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestCancelOrderRootCancellerBeforeDerivedRejection(t *testing.T) {
	f, p := future.New[int]()
	var events []string
	p.OnCancel(func() { events = append(events, "root canceller") })
	f.Catch(func(err error) (int, error) { events = append(events, "root branch"); return 0, err })
	mid := f.Then(inc)
	end := mid.Then(inc)
	end.Finally(func(v int, err error) (int, error) {
		require.ErrorIs(t, err, future.ErrCancelled)
		events = append(events, "end rejected")
		return v, err
	})
	// The root has a second branch, so cancelling end stops at mid...
	require.True(t, end.Cancel())
	require.Equal(t, []string{"end rejected"}, events)
	_, err := await(t, mid)
	require.ErrorIs(t, err, future.ErrCancelled)
	mustPending(t, f)
}

func TestCancelOrderThroughWholeChain(t *testing.T) {
	f, p := future.New[int]()
	cancellerRan := false // unsynchronized: the race detector checks the ordering
	p.OnCancel(func() { cancellerRan = true })
	end := f.Then(inc).Then(inc)
	type seen struct {
		err error
		ran bool
	}
	ch := make(chan seen)
	go func() {
		_, err := end.Await(context.Background())
		ch <- seen{err, cancellerRan}
	}()
	require.True(t, end.Cancel())
	got := <-ch
	require.ErrorIs(t, got.err, future.ErrCancelled)
	require.True(t, got.ran, "awaiters of the cancelled end wake after the root canceller ran")
}

func TestCancelDeepChainFromEnd(t *testing.T) {
	f, p := future.New[int]()
	cancelled := 0
	p.OnCancel(func() { cancelled++ })
	g := f
	for range 100 {
		g = g.Then(inc)
	}
	require.True(t, g.Cancel())
	require.Equal(t, 1, cancelled)
	_, err := await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
}
