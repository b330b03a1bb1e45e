package future

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// timeoutStepOf recovers the step behind a future returned by Timeout: the
// future is the first field of the step.
func timeoutStepOf[T any](t *testing.T, f *Future[T]) *timeoutStep[T] {
	t.Helper()
	s, ok := f.up.(*timeoutStep[T])
	require.True(t, ok, "a pending Timeout future's upstream is its step")
	require.Same(t, f, &s.out)
	return s
}

func TestTimeoutTimerStoppedWhenSourceSettles(t *testing.T) {
	f, p := New[int]()
	g := f.Timeout(time.Hour)
	s := timeoutStepOf(t, g)
	s.out.mu.Lock()
	timer := s.timer
	s.out.mu.Unlock()
	require.NotNil(t, timer)

	p.Resolve(1)
	require.Nil(t, s.timer, "the step dropped its timer")
	require.False(t, timer.Stop(), "the timer was already stopped")
	require.Nil(t, g.up, "a settled future holds no upstream reference")
	require.Nil(t, f.head, "the source holds no listener")
}

func TestTimeoutTimerStoppedWhenCancelled(t *testing.T) {
	f, _ := New[int]()
	g := f.Timeout(time.Hour)
	s := timeoutStepOf(t, g)
	timer := s.timer
	require.True(t, g.Cancel())
	require.Nil(t, s.timer)
	require.False(t, timer.Stop(), "the timer was already stopped")
}

func TestTimeoutOnSettledCreatesNoTimer(t *testing.T) {
	g := Resolved(1).Timeout(time.Hour)
	require.Nil(t, g.up)
	require.True(t, g.isSettled())
}
