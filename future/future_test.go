package future_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

func TestSettlesExactlyOnce(t *testing.T) {
	f, p := future.New[int]()
	mustPending(t, f)
	require.True(t, p.Resolve(1))
	require.False(t, p.Resolve(2))
	require.False(t, p.Reject(errBoom))
	require.False(t, p.Complete(3, nil))
	v, err, ok := f.Peek()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, 1, v)

	g, q := future.New[int]()
	require.True(t, q.Reject(errBoom))
	require.False(t, q.Resolve(1))
	_, err = await(t, g)
	require.ErrorIs(t, err, errBoom)
}

func TestCompleteChoosesOutcome(t *testing.T) {
	f, p := future.New[string]()
	require.True(t, p.Complete("x", nil))
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, "x", v)

	g, q := future.New[string]()
	require.True(t, q.Complete("dropped", errBoom))
	v, err = await(t, g)
	require.ErrorIs(t, err, errBoom)
	require.Empty(t, v, "a rejected future holds the zero value")
}

func TestRejectNilIsStillAnError(t *testing.T) {
	f, p := future.New[int]()
	require.True(t, p.Reject(nil))
	_, err := await(t, f)
	require.Error(t, err)
	_, err = await(t, future.Rejected[int](nil))
	require.Error(t, err)
}

func TestResolvedAndRejected(t *testing.T) {
	v, err, ok := future.Resolved(7).Peek()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, 7, v)

	_, err, ok = future.Rejected[int](errBoom).Peek()
	require.True(t, ok)
	require.ErrorIs(t, err, errBoom)
}

func TestPromiseFutureIsTheSameFuture(t *testing.T) {
	f, p := future.New[int]()
	require.Same(t, f, p.Future())
}

func TestAwaitBlocksUntilResolvedFromAnotherGoroutine(t *testing.T) {
	f, p := future.New[int]()
	go func() {
		time.Sleep(5 * time.Millisecond)
		p.Resolve(42)
	}()
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, 42, v)
}

func TestAwaitContextExpiryDoesNotSettle(t *testing.T) {
	f, p := future.New[int]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.Await(ctx)
	require.ErrorIs(t, err, context.Canceled)
	mustPending(t, f)

	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	_, err = f.Await(ctx2)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	mustPending(t, f)

	require.True(t, p.Resolve(5), "the future can still be settled after Await gave up")
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, 5, v)
}

func TestAwaitSettledIgnoresDoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v, err := future.Resolved(1).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, v)
}

func TestDoneChannel(t *testing.T) {
	f, p := future.New[int]()
	done := f.Done()
	require.True(t, done == f.Done(), "all waiters share one channel")
	select {
	case <-done:
		t.Fatal("Done closed before settlement")
	default:
	}
	p.Resolve(1)
	select {
	case <-done:
	case <-time.After(hangBound):
		t.Fatal("Done not closed after settlement")
	}
	select {
	case <-f.Done():
	default:
		t.Fatal("Done of a settled future must be closed")
	}
}

func TestPeekPending(t *testing.T) {
	f, _ := future.New[int]()
	v, err, ok := f.Peek()
	require.False(t, ok)
	require.NoError(t, err)
	require.Zero(t, v)
}

func TestGo(t *testing.T) {
	v, err := await(t, future.Go(func() (int, error) { return 3, nil }))
	require.NoError(t, err)
	require.Equal(t, 3, v)

	_, err = await(t, future.Go(func() (int, error) { return 0, errBoom }))
	require.ErrorIs(t, err, errBoom)
}

func TestGoPanicBecomesPanicError(t *testing.T) {
	_, err := await(t, future.Go(func() (int, error) { panic("kaboom") }))
	var pe *future.PanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "kaboom", pe.Value)
	require.Contains(t, string(pe.Stack), "future_test.TestGoPanicBecomesPanicError")
}

func TestPanicErrorUnwrapsErrorValues(t *testing.T) {
	_, err := await(t, future.Go(func() (int, error) { panic(errBoom) }))
	require.ErrorIs(t, err, errBoom)
	var pe *future.PanicError
	require.ErrorAs(t, err, &pe)
	require.Contains(t, pe.Error(), "boom")

	pe = &future.PanicError{Value: 1}
	require.NoError(t, pe.Unwrap())
}

func TestFirstErrorFormatting(t *testing.T) {
	e := &future.FirstError{Index: 2, Err: errBoom}
	require.Equal(t, "future: input 2 failed: boom", e.Error())
	require.ErrorIs(t, e, errBoom)
	require.False(t, errors.Is(e, errOther))
}

func TestInitEmbeddedPromise(t *testing.T) {
	type request struct {
		promise future.Promise[int]
		name    string
	}
	r := &request{name: "x"}
	f := r.promise.Init(nil)
	require.Same(t, r.promise.Future(), f)
	doubled := future.Map(f, func(v int) (int, error) { return 2 * v, nil })
	require.True(t, r.promise.Resolve(21))
	require.False(t, r.promise.Resolve(1), "settles once")
	v, err := doubled.Await(context.Background())
	require.NoError(t, err)
	require.Equal(t, 42, v)

	// With an executor, derived callbacks run there (Await is direct).
	ex := future.NewSerial()
	defer ex.Close()
	r2 := &request{}
	f2 := r2.promise.Init(ex)
	ran := make(chan struct{})
	caught := f2.Catch(func(err error) (int, error) {
		close(ran)
		return 7, nil
	})
	require.True(t, r2.promise.Reject(errors.New("boom")))
	_, err = f2.Await(context.Background())
	require.EqualError(t, err, "boom")
	v, err = caught.Await(context.Background())
	require.NoError(t, err)
	require.Equal(t, 7, v)
	<-ran
}
