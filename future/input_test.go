package future_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// TestNilFutureReceiver: every method on a nil *Future answers with
// ErrNilFuture (or does nothing), never a panic.
func TestNilFutureReceiver(t *testing.T) {
	var f *future.Future[int]
	ctx := context.Background()
	_, err := f.Await(ctx)
	require.ErrorIs(t, err, future.ErrNilFuture)
	_, err, settled := f.Peek()
	require.True(t, settled)
	require.ErrorIs(t, err, future.ErrNilFuture)
	select {
	case <-f.Done():
	default:
		t.Fatal("Done of a nil future must be closed")
	}
	require.False(t, f.Cancel())
	for name, g := range map[string]*future.Future[int]{
		"Then":         f.Then(inc),
		"Catch":        f.Catch(func(error) (int, error) { return 1, nil }),
		"Finally":      f.Finally(func(v int, err error) (int, error) { return v, err }),
		"Tap":          f.Tap(func(int) {}),
		"TapErr":       f.TapErr(func(error) {}),
		"Timeout":      f.Timeout(hangBound),
		"WithExecutor": f.WithExecutor(future.Inline),
	} {
		_, err := await(t, g)
		require.ErrorIs(t, err, future.ErrNilFuture, name)
	}
	_, err = await(t, future.Map(f, func(int) (string, error) { return "", nil }))
	require.ErrorIs(t, err, future.ErrNilFuture)
	_, err = await(t, future.Convert(f, func(int) (string, error) { return "", nil }))
	require.ErrorIs(t, err, future.ErrNilFuture)
	_, err = await(t, future.Chain(f, func(int) *future.Future[string] { return future.Resolved("") }))
	require.ErrorIs(t, err, future.ErrNilFuture)
}

// TestNilCallback: a step given a nil callback fails at once with
// ErrNilCallback, whether its source is pending or settled, and leaves the
// source alone.
func TestNilCallback(t *testing.T) {
	pending, p := future.New[int]()
	for _, f := range []*future.Future[int]{pending, future.Resolved(1), future.Rejected[int](errBoom)} {
		for name, g := range map[string]*future.Future[int]{
			"Then":    f.Then(nil),
			"Catch":   f.Catch(nil),
			"Finally": f.Finally(nil),
			"Tap":     f.Tap(nil),
			"TapErr":  f.TapErr(nil),
			"Map":     future.Map[int, int](f, nil),
			"Convert": future.Convert[int, int](f, nil),
			"Chain":   future.Chain[int, int](f, nil),
		} {
			_, err, settled := g.Peek()
			require.True(t, settled, name)
			require.ErrorIs(t, err, future.ErrNilCallback, name)
		}
	}
	mustPending(t, pending)
	require.True(t, p.Resolve(2))
}

// TestAwaitNilContext: Await with a nil context on a pending future
// returns ErrNilContext at once and registers no waiter (the future is
// still recyclable after it settles); on a settled future it returns the
// outcome.
func TestAwaitNilContext(t *testing.T) {
	var p future.Promise[int]
	f := p.Init(nil)
	var nilCtx context.Context // a nil context, on purpose
	_, err := f.Await(nilCtx)
	require.ErrorIs(t, err, future.ErrNilContext)
	require.True(t, p.Resolve(3))
	require.True(t, p.Recyclable(), "the nil-context Await must leave no trace")
	v, err := f.Await(nilCtx)
	require.NoError(t, err)
	require.Equal(t, 3, v)
}
