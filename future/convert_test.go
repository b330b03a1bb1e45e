package future_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// TestConvertAwaitedOnItsExecutor: a Convert step awaited inside a callback
// running on the executor that would run the step does not deadlock: the
// awaiting callback runs the conversion itself. Bounded by one second.
func TestConvertAwaitedOnItsExecutor(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	outer, po := future.NewOn[int](s)
	inner, pi := future.NewOn[int](s)
	got := future.Map(outer, func(int) (string, error) {
		go pi.Resolve(41) // settled from elsewhere while this callback waits
		v, err := future.Convert(inner, inc).Await(ctx)
		if err != nil {
			return "", err
		}
		w, err := future.Convert(future.Convert(inner, inc), inc).Await(ctx)
		return map[bool]string{true: "ok"}[v == 42 && w == 43], err
	})
	po.Resolve(0)
	v, err := got.Await(ctx)
	require.NoError(t, err)
	require.Equal(t, "ok", v)
}

// TestConvertRunsOnce: whether the executor or an Await gets there first,
// the conversion runs exactly once and every observer sees its result.
func TestConvertRunsOnce(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	for range 500 {
		var runs atomic.Int32
		f, p := future.NewOn[int](s)
		g := future.Convert(f, func(v int) (int, error) { runs.Add(1); return v * 2, nil })
		h := g.Then(inc) // on the executor
		go p.Resolve(5)
		v, err := await(t, g)
		require.NoError(t, err)
		require.Equal(t, 10, v)
		v, err = await(t, h)
		require.NoError(t, err)
		require.Equal(t, 11, v)
		require.Equal(t, int32(1), runs.Load())
	}
}

// TestConvertCancelled: cancelling a Convert result before its source
// settles cancels the source, and the conversion never runs.
func TestConvertCancelled(t *testing.T) {
	f, _ := future.New[int]()
	ran := false
	g := future.Convert(f, func(v int) (int, error) { ran = true; return v, nil })
	require.True(t, g.Cancel())
	_, err := await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
	_, err = await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.False(t, ran)
}
