package future_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/future"
)

// hangBound is a generous bound against hangs, never an assertion on speed.
const hangBound = 10 * time.Second

var (
	errBoom  = errors.New("boom")
	errOther = errors.New("other")
)

// await waits for f with a bound against hangs and fails the test if the
// bound is hit.
func await[T any](t testing.TB, f *future.Future[T]) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	v, err := f.Await(ctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		t.Fatalf("future did not settle within %v", hangBound)
	}
	return v, err
}

// mustPending fails the test if f has settled.
func mustPending[T any](t testing.TB, f *future.Future[T]) {
	t.Helper()
	if v, err, ok := f.Peek(); ok {
		t.Fatalf("future settled unexpectedly: %v, %v", v, err)
	}
}

func inc(v int) (int, error) { return v + 1, nil }
