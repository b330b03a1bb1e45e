package reconnect_test

import (
	"sync"
	"time"
)

// fixedRand returns f(n) from every Int64N call and records each n.
type fixedRand struct {
	mu    sync.Mutex
	f     func(n int64) int64
	calls []int64
}

func (r *fixedRand) Int64N(n int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, n)
	return r.f(n)
}

func (r *fixedRand) Calls() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.calls...)
}

// Fakes for the extremes of a uniform draw and for broken sources.
func zeroRand() *fixedRand { return &fixedRand{f: func(int64) int64 { return 0 }} }
func maxRand() *fixedRand  { return &fixedRand{f: func(n int64) int64 { return n - 1 }} }
func halfRand() *fixedRand { return &fixedRand{f: func(n int64) int64 { return n / 2 }} }
func constRand(v int64) *fixedRand {
	return &fixedRand{f: func(int64) int64 { return v }}
}

const (
	ms = time.Millisecond
	s  = time.Second
)
