package future_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

const shortTimeout = 5 * time.Millisecond

func TestTimeoutExpires(t *testing.T) {
	f, p := future.New[int]()
	cancelled := 0
	p.OnCancel(func() { cancelled++ })
	start := time.Now()
	g := f.Timeout(shortTimeout)
	_, err := await(t, g)
	require.GreaterOrEqual(t, time.Since(start), shortTimeout, "never before the deadline")
	require.ErrorIs(t, err, future.ErrTimeout)
	require.NotErrorIs(t, err, future.ErrCancelled)
	require.Contains(t, err.Error(), shortTimeout.String())
	require.Equal(t, 1, cancelled, "the source's canceller ran")
	_, err = await(t, f)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestTimeoutIsChainable(t *testing.T) {
	f, _ := future.New[int]()
	g := f.Timeout(shortTimeout).Catch(func(err error) (int, error) {
		require.ErrorIs(t, err, future.ErrTimeout)
		return -1, nil
	})
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, -1, v)
}

func TestTimeoutCancellerSuppliesValue(t *testing.T) {
	f, p := future.New[int]()
	p.OnCancel(func() { p.Resolve(7) })
	v, err := await(t, f.Timeout(shortTimeout))
	require.NoError(t, err, "a value from the canceller is kept")
	require.Equal(t, 7, v)
}

func TestTimeoutCancellerErrorPassesThrough(t *testing.T) {
	f, p := future.New[int]()
	p.OnCancel(func() { p.Reject(errBoom) })
	_, err := await(t, f.Timeout(shortTimeout))
	require.ErrorIs(t, err, errBoom)
	require.NotErrorIs(t, err, future.ErrTimeout)
}

func TestTimeoutSourceSucceedsFirst(t *testing.T) {
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	g := f.Timeout(time.Hour)
	p.Resolve(3)
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 3, v)
	require.False(t, cancelled)
}

func TestTimeoutSourceFailsFirst(t *testing.T) {
	f, p := future.New[int]()
	g := f.Timeout(time.Hour)
	p.Reject(errBoom)
	_, err := await(t, g)
	require.ErrorIs(t, err, errBoom)
	require.NotErrorIs(t, err, future.ErrTimeout)
}

func TestTimeoutOnSettledFuture(t *testing.T) {
	v, err, ok := future.Resolved(1).Timeout(time.Nanosecond).Peek()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, 1, v)
}

func TestTimeoutCancelledBeforeDeadline(t *testing.T) {
	f, p := future.New[int]()
	cancelled := 0
	p.OnCancel(func() { cancelled++ })
	g := f.Timeout(time.Hour)
	require.True(t, g.Cancel())
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled)
	require.NotErrorIs(t, err, future.ErrTimeout)
	require.Equal(t, 1, cancelled, "cancelling the timeout future cancels the source")
}

func TestTimeoutSourceCancelledDirectly(t *testing.T) {
	f, _ := future.New[int]()
	g := f.Timeout(time.Hour)
	f.Cancel()
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrCancelled, "a cancellation that was not a timeout stays one")
	require.NotErrorIs(t, err, future.ErrTimeout)
}

func TestTimeoutDoesNotKillOtherBranch(t *testing.T) {
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	other := f.Then(inc)
	_, err := await(t, f.Timeout(shortTimeout))
	require.ErrorIs(t, err, future.ErrTimeout)
	require.False(t, cancelled, "another branch still waits on the source")
	p.Resolve(1)
	v, err := await(t, other)
	require.NoError(t, err)
	require.Equal(t, 2, v)
}

func TestTimeoutStepsBeforeAndAfter(t *testing.T) {
	// An errback after the timeout sees the timeout (as with Twisted's
	// addTimeout). A step before it, on the chain the timeout cancels, is
	// cancelled, and cancelled steps do not run (unlike Twisted, where the
	// same Deferred's earlier errback would see CancelledError).
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	beforeRan := false
	var after error
	g := f.Catch(func(err error) (int, error) { beforeRan = true; return 0, err }).
		Timeout(shortTimeout).
		Catch(func(err error) (int, error) { after = err; return 0, err })
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrTimeout)
	require.ErrorIs(t, after, future.ErrTimeout)
	require.False(t, beforeRan)
	require.True(t, cancelled)
}

func TestTimeoutOnChainEndCancelsRoot(t *testing.T) {
	f, p := future.New[int]()
	cancelled := false
	p.OnCancel(func() { cancelled = true })
	_, err := await(t, f.Then(inc).Then(inc).Timeout(shortTimeout))
	require.ErrorIs(t, err, future.ErrTimeout)
	require.True(t, cancelled)
}

func TestZeroTimeoutExpires(t *testing.T) {
	f, _ := future.New[int]()
	_, err := await(t, f.Timeout(0))
	require.ErrorIs(t, err, future.ErrTimeout)
}
