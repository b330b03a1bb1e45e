package future_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// queueExecutor records functions and runs them only when told to.
type queueExecutor struct {
	mu    sync.Mutex
	queue []func()
}

func (q *queueExecutor) Execute(fn func()) {
	q.mu.Lock()
	q.queue = append(q.queue, fn)
	q.mu.Unlock()
}

// runAll runs queued functions, including those queued meanwhile, and
// returns how many ran.
func (q *queueExecutor) runAll() int {
	n := 0
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.mu.Unlock()
			return n
		}
		fn := q.queue[0]
		q.queue = q.queue[1:]
		q.mu.Unlock()
		fn()
		n++
	}
}

func TestNewOnRunsCallbacksOnExecutor(t *testing.T) {
	ex := &queueExecutor{}
	f, p := future.NewOn[int](ex)
	ran := false
	g := f.Then(func(v int) (int, error) { ran = true; return v + 1, nil })
	h := g.Then(inc) // derived futures inherit the executor
	p.Resolve(1)
	require.False(t, ran, "the callback waits for the executor")
	_, _, ok := f.Peek()
	require.True(t, ok, "the future itself is settled at once")
	require.Equal(t, 2, ex.runAll(), "one task per settled future with callbacks")
	require.True(t, ran)
	v, err := await(t, h)
	require.NoError(t, err)
	require.Equal(t, 3, v)
}

func TestExecutorAwaitersAreWokenDirectly(t *testing.T) {
	ex := &queueExecutor{}
	f, p := future.NewOn[int](ex)
	f.Then(inc)
	p.Resolve(4)
	v, err := await(t, f) // does not need the executor to run
	require.NoError(t, err)
	require.Equal(t, 4, v)
}

func TestExecutorCallbackOnSettledFuture(t *testing.T) {
	ex := &queueExecutor{}
	f, p := future.NewOn[int](ex)
	p.Resolve(1)
	ran := false
	f.Catch(func(error) (int, error) { return 0, nil })
	f.Then(func(v int) (int, error) { ran = true; return v, nil })
	require.False(t, ran, "even on a settled future, callbacks go to the executor")
	require.Equal(t, 2, ex.runAll())
	require.True(t, ran)
}

func TestWithExecutor(t *testing.T) {
	ex := &queueExecutor{}
	f, p := future.New[int]()
	g := f.WithExecutor(ex)
	ran := false
	g.Then(func(v int) (int, error) { ran = true; return v, nil })
	direct := false
	f.Then(func(v int) (int, error) { direct = true; return v, nil })
	p.Resolve(1)
	require.True(t, direct, "f itself keeps running callbacks inline")
	require.False(t, ran)
	ex.runAll()
	require.True(t, ran)
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 1, v)
}

func TestWithExecutorOnRejected(t *testing.T) {
	g := future.Rejected[int](errBoom).WithExecutor(nil)
	_, err := await(t, g)
	require.ErrorIs(t, err, errBoom)
}

func TestInlineExecutor(t *testing.T) {
	ran := false
	future.Inline.Execute(func() { ran = true })
	require.True(t, ran)

	f, p := future.NewOn[int](future.Inline)
	called := false
	f.Then(func(v int) (int, error) { called = true; return v, nil })
	p.Resolve(1)
	require.True(t, called, "Inline runs callbacks in the settling goroutine")
}

func TestExecutorChainWaitsForInnerOnOtherExecutor(t *testing.T) {
	outerEx, innerEx := &queueExecutor{}, &queueExecutor{}
	f, p := future.NewOn[int](outerEx)
	inner, innerP := future.NewOn[int](innerEx)
	g := future.Chain(f, func(int) *future.Future[int] { return inner })
	p.Resolve(1)
	outerEx.runAll()
	innerP.Resolve(2)
	mustPending(t, g)
	innerEx.runAll()
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 2, v)
}
