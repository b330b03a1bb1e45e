package future_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

// reports collects the errors a ReportUnobserved handler receives, and
// whether each one arrived on a Serial goroutine.
type reports struct {
	mu       sync.Mutex
	errs     []error
	onSerial []bool
}

func (r *reports) handler(err error) {
	buf := make([]byte, 8<<10)
	stack := string(buf[:runtime.Stack(buf, false)])
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.onSerial = append(r.onSerial, strings.Contains(stack, "future.(*Serial).loop"))
	r.mu.Unlock()
}

// find reports whether target was reported and, if so, whether on a Serial
// goroutine.
func (r *reports) find(target error) (found, onSerial bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.errs {
		if errors.Is(e, target) {
			return true, r.onSerial[i]
		}
	}
	return false, false
}

// collect runs the GC until every target is reported (failing after
// hangBound), then a few more times so that wrongly tracked futures would
// have been reported too.
func (r *reports) collect(t *testing.T, targets ...error) {
	t.Helper()
	deadline := time.Now().Add(hangBound)
	for _, target := range targets {
		for {
			if found, _ := r.find(target); found {
				break
			}
			require.True(t, time.Now().Before(deadline), "%v was not reported", target)
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
	}
	for range 3 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

type otherExecutor struct{}

func (otherExecutor) Execute(fn func()) { fn() }

func TestReportUnobserved(t *testing.T) {
	var r reports
	s := future.NewSerial(future.ReportUnobserved(r.handler))
	defer s.Close()
	quiet := future.NewSerial() // no handler
	defer quiet.Close()

	var (
		errLost         = errors.New("lost")
		errDerived      = errors.New("derived")
		errRehomed      = errors.New("rehomed")
		errAwaited      = errors.New("awaited")
		errPeeked       = errors.New("peeked")
		errCaught       = errors.New("caught")
		errChained      = errors.New("chained")
		errNoExec       = errors.New("no executor")
		errInline       = errors.New("inline")
		errOther        = errors.New("other executor")
		errQuiet        = errors.New("serial without handler")
		errRehomedQuiet = errors.New("rehomed off the reporting serial")
	)
	settledDerived := make(chan struct{})
	func() {
		// Reported: rejected on the Serial and never looked at.
		_, p := future.NewOn[int](s)
		p.Reject(errLost)

		// Reported: the source is observed by Then, the derived future
		// inherits the Serial and is not.
		src, p := future.NewOn[int](s)
		src.Then(func(int) (int, error) { return 0, nil }).
			Finally(func(int, error) (int, error) { close(settledDerived); return 0, errDerived })
		p.Reject(errors.New("observed source"))

		// Reported: re-homed onto the Serial with WithExecutor.
		future.Rejected[int](errRehomed).WithExecutor(s)

		// Not reported: observed.
		aw, p := future.NewOn[int](s)
		p.Reject(errAwaited)
		_, _ = aw.Await(context.Background())
		pk, p := future.NewOn[int](s)
		p.Reject(errPeeked)
		pk.Peek()
		c, p := future.NewOn[int](s)
		c.Catch(func(error) (int, error) { return 0, nil })
		p.Reject(errCaught)
		ch, p := future.NewOn[int](s)
		p.Reject(errChained)
		future.Settled(ch)
		cc, _ := future.NewOn[int](s)
		cc.Cancel()

		// Not reported: not on a reporting Serial.
		future.Rejected[int](errNoExec)
		_, p = future.NewOn[int](future.Inline)
		p.Reject(errInline)
		_, p = future.NewOn[int](otherExecutor{})
		p.Reject(errOther)
		_, p = future.NewOn[int](quiet)
		p.Reject(errQuiet)
		ro, p := future.NewOn[int](s)
		ro.WithExecutor(quiet)
		p.Reject(errRehomedQuiet)
	}()
	<-settledDerived

	r.collect(t, errLost, errDerived, errRehomed)
	for _, e := range []error{errLost, errDerived, errRehomed} {
		_, onSerial := r.find(e)
		require.True(t, onSerial, "%v is reported on the Serial goroutine", e)
	}
	for _, e := range []error{
		errAwaited, errPeeked, errCaught, errChained, future.ErrCancelled,
		errNoExec, errInline, errOther, errQuiet, errRehomedQuiet,
	} {
		found, _ := r.find(e)
		require.False(t, found, "%v is not reported", e)
	}
}

// embeddingExecutor embeds a Serial: futures on it report to that Serial.
type embeddingExecutor struct{ *future.Serial }

func TestReportUnobservedEmbeddedSerial(t *testing.T) {
	var r reports
	s := future.NewSerial(future.ReportUnobserved(r.handler))
	defer s.Close()
	errLost := errors.New("lost on embedding executor")
	func() {
		_, p := future.NewOn[int](embeddingExecutor{s})
		p.Reject(errLost)
	}()
	r.collect(t, errLost)
	_, onSerial := r.find(errLost)
	require.True(t, onSerial)
}

func TestReportUnobservedAfterClose(t *testing.T) {
	var r reports
	s := future.NewSerial(future.ReportUnobserved(r.handler))
	errLost := errors.New("lost after close")
	func() {
		_, p := future.NewOn[int](s)
		p.Reject(errLost)
	}()
	s.Close()
	<-s.Done()
	r.collect(t, errLost)
	_, onSerial := r.find(errLost)
	require.False(t, onSerial, "after Close the report runs in a goroutine of its own")
}

func TestReportUnobservedPanicGoesToOnPanic(t *testing.T) {
	panicked := make(chan any, 1)
	s := future.NewSerial(
		future.ReportUnobserved(func(err error) { panic(err) }),
		future.OnPanic(func(v any, _ []byte) {
			select {
			case panicked <- v:
			default:
			}
		}),
	)
	defer s.Close()
	errLost := errors.New("lost, handler panics")
	func() {
		_, p := future.NewOn[int](s)
		p.Reject(errLost)
	}()
	deadline := time.After(hangBound)
	for {
		runtime.GC()
		select {
		case v := <-panicked:
			require.Equal(t, errLost, v)
			return
		case <-deadline:
			t.Fatal("the handler's panic did not reach OnPanic")
		case <-time.After(time.Millisecond):
		}
	}
}
