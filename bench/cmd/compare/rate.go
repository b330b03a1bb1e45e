package main

import (
	"sync"
	"time"
)

// runRate is the open-loop driver of rate mode: a pacer makes requests due
// at rate per second for d, and the workers (one goroutine each) take them
// in order, each doing one synchronous request per due time and recording
// its latency from the due time, not from when a worker got to it. A
// client that falls behind therefore shows its queueing in the latency
// (no coordinated omission). When the backlog reaches rateBacklog due
// requests the pacer waits, and the run fails: the offered load was more
// than the client could take, and its latencies would say nothing.
// It returns the number of completed requests.
func runRate(workers []func(uint64) error, hs []*histogram, rate float64, d time.Duration) (int64, error) {
	if rate <= 0 {
		return 0, errNoRate
	}
	due := make(chan time.Time, rateBacklog)
	var overflow bool
	go func() {
		defer close(due)
		interval := time.Duration(float64(time.Second) / rate)
		start := time.Now()
		end := start.Add(d)
		next := start
		for next.Before(end) {
			now := time.Now()
			for !next.After(now) && next.Before(end) {
				select {
				case due <- next:
				default:
					overflow = true
					return
				}
				next = next.Add(interval)
			}
			if wait := time.Until(next); wait > 0 {
				time.Sleep(wait)
			}
		}
	}()
	counts := make([]int64, len(workers))
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for g, work := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := hs[g]
			i := uint64(g) * 7919
			var n int64
			for t := range due {
				if errs[g] != nil {
					continue // drain
				}
				if err := work(keyAt(i)); err != nil {
					errs[g] = err
					continue
				}
				i++
				h.record(time.Since(t))
				n++
			}
			counts[g] = n
		}()
	}
	wg.Wait()
	total, err := sumOps(counts, errs)
	if err == nil && overflow {
		err = errRateOverflow
	}
	return total, err
}

// rateBacklog is how many due requests may wait for a worker.
const rateBacklog = 1 << 16

var (
	errNoRate       = errorString("rate mode: no offered load (its reference case did not run)")
	errRateOverflow = errorString("rate mode: the client fell 65,536 requests behind the offered load")
)

// errorString is a constant error.
type errorString string

func (e errorString) Error() string { return string(e) }
