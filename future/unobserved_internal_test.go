package future

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

type userExecutor struct{}

func (userExecutor) Execute(fn func()) { fn() }

// TestUnobservedTrackedOnlyOnReportingSerial checks that a rejection is
// tracked (an observation and a runtime cleanup) only when its future's
// Executor is a Serial with a ReportUnobserved handler.
func TestUnobservedTrackedOnlyOnReportingSerial(t *testing.T) {
	reporting := NewSerial(ReportUnobserved(func(error) {}))
	defer reporting.Close()
	quiet := NewSerial()
	defer quiet.Close()
	errX := errors.New("x")

	for name, ex := range map[string]Executor{
		"nil": nil, "Inline": Inline, "user": userExecutor{}, "Serial without handler": quiet,
	} {
		_, p := NewOn[int](ex)
		p.Reject(errX)
		require.Nil(t, p.f.obs, name)
	}

	f, p := NewOn[int](reporting)
	p.Reject(errX)
	require.NotNil(t, f.obs)
	require.False(t, f.obs.seen.Load())
	f.Peek()
	require.True(t, f.obs.seen.Load(), "Peek observes")

	g, p := NewOn[int](reporting)
	g.Catch(func(error) (int, error) { return 0, nil })
	p.Reject(errX)
	require.Nil(t, g.obs, "a future with a listener when rejected is not tracked")

	h := Rejected[int](errX).WithExecutor(reporting)
	require.NotNil(t, h.obs, "WithExecutor re-homes onto the reporting Serial")
}
