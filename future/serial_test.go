package future_test

import (
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

func waitClosed(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(hangBound):
		t.Fatal("channel not closed")
	}
}

func TestSerialRunsInOrderOneAtATime(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	var (
		running  atomic.Int32
		overlaps atomic.Int32
		order    []int // only touched on the Serial goroutine
	)
	const n = 2000
	done := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				s.Execute(func() {
					if running.Add(1) != 1 {
						overlaps.Add(1)
					}
					_ = g*n + i
					running.Add(-1)
				})
			}
		}()
	}
	wg.Wait()
	for i := range n {
		s.Execute(func() { order = append(order, i) })
	}
	s.Execute(func() { close(done) })
	waitClosed(t, done)
	require.Zero(t, overlaps.Load(), "two functions ran at once")
	require.Len(t, order, n)
	for i, v := range order {
		require.Equal(t, i, v, "FIFO order")
	}
}

func TestSerialExecuteNeverBlocks(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	block := make(chan struct{})
	s.Execute(func() { <-block })
	// With the Serial goroutine stuck, many more Execute calls still return:
	// the queue is unbounded.
	var ran atomic.Int32
	for range 100_000 {
		s.Execute(func() { ran.Add(1) })
	}
	close(block)
	done := make(chan struct{})
	s.Execute(func() { close(done) })
	waitClosed(t, done)
	require.Equal(t, int32(100_000), ran.Load())
}

func TestSerialAsFutureExecutor(t *testing.T) {
	s := future.NewSerial()
	defer s.Close()
	f, p := future.NewOn[int](s)
	counter := 0 // unsynchronized: all callbacks run on the Serial goroutine
	var last *future.Future[int]
	for range 100 {
		last = f.Then(func(v int) (int, error) { counter++; return counter, nil })
	}
	go p.Resolve(1)
	v, err := await(t, last)
	require.NoError(t, err)
	require.Equal(t, 100, v, "callbacks ran in registration order, one at a time")
	done := make(chan int)
	s.Execute(func() { done <- counter })
	require.Equal(t, 100, <-done)
}

func TestSerialCloseRunsQueuedThenExits(t *testing.T) {
	s := future.NewSerial()
	block := make(chan struct{})
	s.Execute(func() { <-block })
	var ran atomic.Int32
	for range 10 {
		s.Execute(func() { ran.Add(1) })
	}
	s.Close()
	s.Close() // twice is harmless
	select {
	case <-s.Done():
		t.Fatal("exited before running the queue")
	default:
	}
	close(block)
	waitClosed(t, s.Done())
	require.Equal(t, int32(10), ran.Load())

	inline := false
	s.Execute(func() { inline = true })
	require.True(t, inline, "after Close, Execute runs fn inline")
}

func TestSerialCloseFromItsOwnCallback(t *testing.T) {
	s := future.NewSerial()
	s.Execute(func() { s.Close() })
	waitClosed(t, s.Done())
}

func TestSerialPanicHandler(t *testing.T) {
	type report struct {
		v     any
		stack string
	}
	reports := make(chan report, 1)
	s := future.NewSerial(future.OnPanic(func(v any, stack []byte) {
		reports <- report{v, string(stack)}
	}))
	defer s.Close()
	s.Execute(func() { panic("raw") })
	r := <-reports
	require.Equal(t, "raw", r.v)
	require.Contains(t, r.stack, "TestSerialPanicHandler")
	done := make(chan struct{})
	s.Execute(func() { close(done) })
	waitClosed(t, done) // the Serial goroutine survived
}

func TestSerialCallbackPanicBecomesError(t *testing.T) {
	s := future.NewSerial(future.OnPanic(func(any, []byte) { t.Error("callback panics must not reach the handler") }))
	defer s.Close()
	f, p := future.NewOn[int](s)
	g := f.Then(func(int) (int, error) { panic("cb") })
	p.Resolve(1)
	_, err := await(t, g)
	var pe *future.PanicError
	require.ErrorAs(t, err, &pe)
}

const crashEnv = "FUTURE_TEST_SERIAL_CRASH"

func TestSerialDefaultPanicCrashesLoudly(t *testing.T) {
	if os.Getenv(crashEnv) == "1" {
		s := future.NewSerial()
		s.Execute(func() { panic("unhandled on serial") })
		time.Sleep(hangBound)
		return // not reached: the re-raised panic kills the process
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSerialDefaultPanicCrashesLoudly$")
	cmd.Env = append(os.Environ(), crashEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the process must crash; output:\n%s", out)
	require.Contains(t, string(out), "unhandled on serial")
	require.Contains(t, string(out), "original stack")
}
