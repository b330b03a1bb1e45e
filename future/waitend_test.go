package future_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// errGaveUp is the precise error of a producer that gave up because its own
// context ended.
var errGaveUp = errors.New("producer: gave up (own context)")

// ctxProducer is a producer bound by its own context, like a client
// request: when asked by an ended wait, it rejects its future with errGaveUp
// if that context is done.
type ctxProducer struct {
	p     *future.Promise[int]
	ctx   context.Context
	asked int
}

func (c *ctxProducer) FutureCancelled() {}

func (c *ctxProducer) FutureWaitEnded(context.Context) {
	c.asked++
	if c.ctx.Err() != nil {
		c.p.Reject(errGaveUp)
	}
}

func newCtxProducer(ctx context.Context, ex future.Executor) (*future.Future[int], *ctxProducer) {
	f, p := future.NewOn[int](ex)
	c := &ctxProducer{p: p, ctx: ctx}
	p.AddCanceller(c)
	return f, c
}

func TestAwaitAsksWaitEnder(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, prod := newCtxProducer(ctx, nil)
	cancel()
	_, err := f.Await(ctx)
	require.ErrorIs(t, err, errGaveUp, "the producer's outcome, not a bare ctx.Err()")
	require.Equal(t, 1, prod.asked)
}

func TestAwaitUnrelatedCtxLeavesFuturePending(t *testing.T) {
	f, prod := newCtxProducer(context.Background(), nil)
	other, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.Await(other)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, prod.asked)
	mustPending(t, f)
	// A second, concurrent waiter (the shared Done path) is asked too.
	done := make(chan error)
	go func() { _, err := f.Await(context.Background()); done <- err }()
	_, err = f.Await(other)
	require.ErrorIs(t, err, context.Canceled)
	prod.p.Resolve(1)
	require.NoError(t, <-done)
}

// TestAwaitDerivedGetsUpstreamError: a future derived through steps that
// pass errors on (Then, Tap, WithExecutor, Chain, Convert) gets its
// producer's error at once, even while the executor that will settle it is
// busy; a Catch in between stops that.
func TestAwaitDerivedGetsUpstreamError(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	release := make(chan struct{})
	s.Execute(func() { <-release }) // the executor is busy until the end
	defer close(release)

	ctx, cancel := context.WithCancel(context.Background())
	root, _ := newCtxProducer(ctx, s)
	derived := map[string]*future.Future[int]{
		"Then":         root.Then(inc),
		"Tap":          root.Tap(func(int) {}).Then(inc),
		"WithExecutor": root.WithExecutor(future.Inline).Then(inc),
		"Chain":        future.Chain(root, func(v int) *future.Future[int] { return future.Resolved(v) }),
		"Convert":      future.Convert(root, inc).Then(inc),
		"Timeout":      root.Timeout(hangBound).Then(inc),
	}
	caught := root.Catch(func(error) (int, error) { return 0, nil })
	cancel()
	for name, f := range derived {
		_, err := f.Await(ctx)
		require.ErrorIs(t, err, errGaveUp, name)
	}
	_, err := caught.Await(ctx)
	require.ErrorIs(t, err, context.Canceled, "Catch may recover: nothing is decided yet")
	require.NotErrorIs(t, err, errGaveUp)
}
