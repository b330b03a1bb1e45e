package future_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// TestRecyclable checks which uses of a future leave it recyclable.
func TestRecyclable(t *testing.T) {
	ctx := context.Background()

	f, p := future.New[int]()
	require.False(t, p.Recyclable(), "pending")
	p.Resolve(1)
	require.True(t, p.Recyclable(), "settled, never shared")
	_, _ = f.Await(ctx)
	_, _, _ = f.Peek()
	require.True(t, p.Recyclable(), "Await and Peek do not share")

	f, p = future.New[int]()
	done := make(chan struct{})
	go func() { _, _ = f.Await(ctx); close(done) }()
	p.Resolve(2)
	<-done
	require.True(t, p.Recyclable(), "one waiter blocked in Await")

	for name, use := range map[string]func(*future.Future[int]){
		"Then":           func(f *future.Future[int]) { f.Then(func(v int) (int, error) { return v, nil }) },
		"Finally":        func(f *future.Future[int]) { f.Finally(func(v int, err error) (int, error) { return v, err }) },
		"All":            func(f *future.Future[int]) { future.All(f) },
		"Done (pending)": func(f *future.Future[int]) { f.Done() },
		"Cancel":         func(f *future.Future[int]) { f.Cancel() },
	} {
		f, p := future.New[int]()
		use(f)
		p.Resolve(3)
		require.False(t, p.Recyclable(), name)
	}

	// A callback attached after settlement runs at once without an
	// executor (f is not used afterwards), later with one: that shares.
	f, p = future.New[int]()
	p.Resolve(4)
	f.Finally(func(v int, err error) (int, error) { return v, err })
	require.True(t, p.Recyclable(), "Finally after settling, inline")

	ex := future.NewSerial()
	defer ex.Close()
	f, p = future.NewOn[int](ex)
	p.Resolve(5)
	f.Finally(func(v int, err error) (int, error) { return v, err })
	require.False(t, p.Recyclable(), "Finally after settling, on an executor")
}
