package future_test

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// The tests in this file prove that long chains settle (and cancel) without
// recursion: they cap every goroutine's stack at smallStack, far below what
// a recursive implementation needs for a million steps (hundreds of
// megabytes), and a goroutine exceeding the cap kills the test binary with
// "goroutine stack exceeds limit". The cap is process-wide, so it is restored
// at once; these tests must not run in parallel with others.

const (
	millionSteps = 1_000_000
	// manySteps is for the variants beyond the required ones: still far
	// more than a recursive implementation could run in smallStack.
	manySteps  = 200_000
	smallStack = 64 << 10
)

// withSmallStack runs fn with every goroutine's stack capped at smallStack.
func withSmallStack(t *testing.T, fn func()) {
	t.Helper()
	old := debug.SetMaxStack(smallStack)
	defer debug.SetMaxStack(old)
	fn()
}

func TestMillionThenStepsBuiltBeforeSettlement(t *testing.T) {
	f, p := future.New[int]()
	g := f
	for range millionSteps {
		g = g.Then(inc)
	}
	withSmallStack(t, func() { p.Resolve(0) })
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, millionSteps, v)
}

func TestMillionThenStepsBuiltAfterSettlement(t *testing.T) {
	g := future.Resolved(0)
	withSmallStack(t, func() {
		for range millionSteps {
			g = g.Then(inc)
		}
	})
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, millionSteps, v)
}

func TestManyMixedStepsWithErrorSkipping(t *testing.T) {
	f, p := future.New[int]()
	g := f.Then(func(int) (int, error) { return 0, errBoom })
	for range manySteps {
		g = g.Then(inc) // all skipped
	}
	g = g.Catch(func(error) (int, error) { return 1, nil })
	withSmallStack(t, func() { p.Resolve(0) })
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 1, v)
}

func TestMillionChainStepsWithSettledInnerFutures(t *testing.T) {
	f, p := future.New[int]()
	g := f
	for range millionSteps {
		g = future.Chain(g, func(v int) *future.Future[int] { return future.Resolved(v + 1) })
	}
	withSmallStack(t, func() { p.Resolve(0) })
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, millionSteps, v)
}

func TestManyChainStepsOnSettledSource(t *testing.T) {
	g := future.Resolved(0)
	withSmallStack(t, func() {
		for range manySteps {
			g = future.Chain(g, func(v int) *future.Future[int] { return future.Resolved(v + 1) })
		}
	})
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, manySteps, v)
}

func TestManyNestedPendingChainsUnwindIteratively(t *testing.T) {
	// Each outer future waits on an inner one that itself waits on the next
	// (Twisted's chained-Deferred recursion): settling the innermost settles
	// them all.
	root, rootP := future.New[int]()
	inner := root
	for range manySteps {
		waitOn := inner
		inner = future.Chain(future.Resolved(0), func(int) *future.Future[int] { return waitOn })
	}
	withSmallStack(t, func() { rootP.Resolve(7) })
	v, err := await(t, inner)
	require.NoError(t, err)
	require.Equal(t, 7, v)
}

func TestManyStepChainCancelledFromEnd(t *testing.T) {
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	g := f
	for range manySteps {
		g = g.Then(inc)
	}
	withSmallStack(t, func() { require.True(t, g.Cancel()) })
	require.True(t, cancelled)
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
}
