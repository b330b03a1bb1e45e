package client_test

// The goroutine leak check. Tests that use it are not parallel: Go runs
// them before any parallel test of the package starts, so the goroutines
// they see come and go are their own.

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// goroutineSet is the goroutines alive at one moment: their stacks by
// goroutine id.
type goroutineSet map[uint64]string

// liveGoroutines returns the goroutines alive now.
func liveGoroutines() goroutineSet {
	out := goroutineSet{}
	for _, stack := range strings.Split(allStacks(), "\n\n") {
		rest, ok := strings.CutPrefix(stack, "goroutine ")
		if !ok {
			continue
		}
		id, err := strconv.ParseUint(rest[:strings.IndexByte(rest, ' ')], 10, 64)
		if err == nil {
			out[id] = stack
		}
	}
	return out
}

// settledGoroutines waits until the goroutine count has stopped moving
// for a little while (timers and cleanups of earlier tests finishing) and
// returns the goroutines alive then, as the baseline of a leak check.
func settledGoroutines() goroutineSet {
	n := runtime.NumGoroutine()
	for range 50 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			break
		}
		n = m
	}
	return liveGoroutines()
}

// newSince returns the stacks of the goroutines alive now that were not in
// s, sorted, waiting up to a few seconds for them to exit (goroutines take
// a moment to be scheduled and exit). A goroutine waiting for a tarantool
// process of the test (os/exec's Cmd.Wait) is not the client's and is
// ignored: a test that restarts its server has a new one.
func (s goroutineSet) newSince() []string {
	var left []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		left = left[:0]
		for id, stack := range liveGoroutines() {
			if _, old := s[id]; !old && !strings.Contains(stack, "os/exec.(*Cmd).Wait") {
				left = append(left, stack)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	slices.Sort(left)
	return left
}

// requireNoneNew fails the test, with their stacks, if goroutines started
// since s was taken are still alive after a few seconds.
func (s goroutineSet) requireNoneNew(t testing.TB) {
	t.Helper()
	if left := s.newSince(); len(left) > 0 {
		t.Fatalf("%d goroutines left behind:\n\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// requireNoLeaks checks, when the test ends, that every goroutine started
// since this call has exited (after the cleanups registered later, which
// close the clients and fake servers, have run). Goroutines that existed
// before (the test's own, those of the runtime and the testing package,
// leftovers of earlier tests) are ignored.
func requireNoLeaks(t *testing.T) {
	t.Helper()
	before := settledGoroutines()
	t.Cleanup(func() {
		if left := before.newSince(); len(left) > 0 {
			t.Errorf("%d goroutines left behind:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
	})
}

// allStacks returns the stacks of every goroutine.
func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// goroutineID returns the id of the calling goroutine, parsed from the
// first line of its stack ("goroutine 42 [running]:").
func goroutineID() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	line := strings.TrimPrefix(string(buf[:n]), "goroutine ")
	id, err := strconv.ParseUint(line[:strings.IndexByte(line, ' ')], 10, 64)
	if err != nil {
		panic(err)
	}
	return id
}
