package main

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// clientKind is one client under test.
type clientKind struct {
	name string
	// sync reports whether the client has a sync mode (raw has not).
	sync bool
	// dial connects the topology; errNotApplicable when the client has no
	// such thing (raw and fzambia have no replica-set client).
	dial func(ctx context.Context, addr string, t topology) (conn, error)
}

// errNotApplicable is a dial's answer for a topology or a case the client
// does not have; the case reports n/a for it.
var errNotApplicable = errors.New("not applicable")

// conn is one connection (or pool, or cluster) of a client under test.
// Every method checks every result and returns an error on the first
// wrong one.
type conn interface {
	// pipelined issues j requests from one goroutine, keeping window in
	// flight, for about d (then drains), and returns how many completed.
	pipelined(j job, window int, d time.Duration) (ops int64, err error)
	// worker returns a function doing one synchronous, checked j request
	// for key; each sync goroutine gets its own.
	worker(j job) func(key uint64) error
	close() error
}

// sample is the measurement of one run of one client on one case.
type sample struct {
	ops            int64
	elapsed        time.Duration
	mallocs        uint64        // runtime.MemStats.Mallocs delta
	bytes          uint64        // runtime.MemStats.TotalAlloc delta
	cpu            time.Duration // getrusage(RUSAGE_SELF) user+sys delta
	p50, p99, p999 time.Duration // sync and rate modes only
	hasLat         bool
	offered        float64 // rate mode: requests offered per second
}

func (s sample) opsPerSec() float64   { return float64(s.ops) / s.elapsed.Seconds() }
func (s sample) allocsPerOp() float64 { return float64(s.mallocs) / float64(s.ops) }
func (s sample) bytesPerOp() float64  { return float64(s.bytes) / float64(s.ops) }
func (s sample) cpuUsPerOp() float64  { return s.cpu.Seconds() * 1e6 / float64(s.ops) }
func (s sample) latency() (p50, p99 float64) {
	return float64(s.p50.Nanoseconds()) / 1e3, float64(s.p99.Nanoseconds()) / 1e3
}
func (s sample) p999us() float64 { return float64(s.p999.Nanoseconds()) / 1e3 }

// runOnce dials a fresh connection, warms it up for warm, then measures the
// case for d. Dialing and warm-up are not measured; a GC runs just before
// the measured part so that garbage of the previous run is not charged to
// this one. rate is the offered load of a rate-mode case (requests/s).
func runOnce(kind clientKind, addr string, c benchCase, d, warm time.Duration, rate float64) (sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	cn, err := kind.dial(ctx, addr, c.topo)
	cancel()
	if err != nil {
		if errors.Is(err, errNotApplicable) {
			return sample{}, err
		}
		return sample{}, fmt.Errorf("%s: dial: %w", kind.name, err)
	}
	defer cn.close()

	var body func(time.Duration) (int64, error)
	var hs []*histogram
	switch c.m {
	case pipelined:
		body = func(d time.Duration) (int64, error) { return cn.pipelined(c.job, c.conc, d) }
		if _, isRaw := cn.(rawConns); c.topo == pool4 && !isRaw {
			// As raw does over its connections: poolSize goroutines, each
			// keeping its share of the window in flight, through the
			// client's pool.
			body = func(d time.Duration) (int64, error) { return pipelineParallel(cn, c.job, c.conc, poolSize, d) }
		}
	case syncMode, rateMode:
		if !kind.sync {
			return sample{}, errNotApplicable
		}
		workers := make([]func(uint64) error, c.conc)
		hs = make([]*histogram, c.conc)
		for g := range workers {
			workers[g] = cn.worker(c.job)
			hs[g] = new(histogram)
		}
		if c.m == syncMode {
			body = func(d time.Duration) (int64, error) { return runSync(workers, hs, d) }
		} else {
			body = func(d time.Duration) (int64, error) { return runRate(workers, hs, rate, d) }
		}
	}
	if warm > 0 {
		if _, err := body(warm); err != nil {
			return sample{}, fmt.Errorf("%s %s (warm-up): %w", kind.name, c, err)
		}
		for _, h := range hs {
			h.reset()
		}
	}

	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	t0 := time.Now()
	ops, err := body(d)
	elapsed := time.Since(t0)
	cpu1 := cpuTime()
	runtime.ReadMemStats(&ms1)
	if err != nil {
		return sample{}, fmt.Errorf("%s %s: %w", kind.name, c, err)
	}
	if ops == 0 {
		return sample{}, fmt.Errorf("%s %s: no request completed", kind.name, c)
	}
	s := sample{
		ops:     ops,
		elapsed: elapsed,
		mallocs: ms1.Mallocs - ms0.Mallocs,
		bytes:   ms1.TotalAlloc - ms0.TotalAlloc,
		cpu:     cpu1 - cpu0,
		offered: rate,
	}
	if hs != nil {
		var all histogram
		for _, h := range hs {
			all.merge(h)
		}
		s.p50, s.p99, s.p999, s.hasLat = all.quantile(0.50), all.quantile(0.99), all.quantile(0.999), true
	}
	return s, nil
}

// cpuTime is this process's user+sys CPU time (all threads). The server is
// another process and is not included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pipeline is the pipelined driver shared by the future-based clients: it
// issues window requests, then repeatedly finishes (awaits and checks) the
// oldest and issues a new one in its slot, until d has passed; then it
// drains what is in flight. issue and finish are per-client closures.
func pipeline[F any](window int, d time.Duration, issue func(key uint64) F, finish func(f F, key uint64) error) (int64, error) {
	futs := make([]F, window)
	keys := make([]uint64, window)
	deadline := time.Now().Add(d)
	var next uint64
	var issued, done int64
	for i := range futs {
		keys[i] = keyAt(next)
		futs[i] = issue(keys[i])
		next++
		issued++
	}
	stopped := false
	var zero F
	for done < issued {
		slot := done % int64(window)
		if err := finish(futs[slot], keys[slot]); err != nil {
			return done, err
		}
		futs[slot] = zero
		done++
		if stopped {
			continue
		}
		if done&63 == 0 && time.Now().After(deadline) {
			stopped = true
			continue
		}
		keys[slot] = keyAt(next)
		futs[slot] = issue(keys[slot])
		next++
		issued++
	}
	return done, nil
}

// pipelineParallel runs n goroutines at once on cn, each pipelining
// window/n requests, and returns their total; the first error wins.
func pipelineParallel(cn conn, j job, window, n int, d time.Duration) (int64, error) {
	ops := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ops[i], errs[i] = cn.pipelined(j, window/n, d)
		}()
	}
	wg.Wait()
	return sumOps(ops, errs)
}

// runSync runs one goroutine per worker, each doing synchronous requests
// until d has passed, recording every request's latency in its own
// histogram. The first error stops every goroutine and is returned.
func runSync(workers []func(uint64) error, hs []*histogram, d time.Duration) (int64, error) {
	var stop atomic.Bool
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	counts := make([]int64, len(workers))
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for g, work := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := hs[g]
			i := uint64(g) * 7919 // spread goroutines over the keys
			var n int64
			for !stop.Load() {
				key := keyAt(i)
				i++
				t0 := time.Now()
				if err := work(key); err != nil {
					errs[g] = err
					stop.Store(true)
					break
				}
				h.record(time.Since(t0))
				n++
			}
			counts[g] = n
		}()
	}
	wg.Wait()
	return sumOps(counts, errs)
}

// histogram is a log-linear latency histogram (HDR-like): exact below 32
// ns, then 16 sub-buckets per power of two (at most 1/16 = 6% relative
// error). Recording is one bits.Len64 and an increment; no allocation.
type histogram struct {
	counts [histBuckets]uint64
}

const (
	histSubBits = 4
	histLinear  = 2 << histSubBits // 32: values below are exact
	histBuckets = histLinear + (64-histSubBits-1)*(1<<histSubBits)
)

func bucketOf(v uint64) int {
	if v < histLinear {
		return int(v)
	}
	e := bits.Len64(v) // >= histSubBits+2
	shift := e - histSubBits - 1
	sub := int(v>>shift) & (1<<histSubBits - 1)
	return histLinear + (e-histSubBits-2)*(1<<histSubBits) + sub
}

// bucketMid is the middle of bucket i's value range.
func bucketMid(i int) uint64 {
	if i < histLinear {
		return uint64(i)
	}
	j := i - histLinear
	e := j>>histSubBits + histSubBits + 2
	sub := uint64(j & (1<<histSubBits - 1))
	shift := e - histSubBits - 1
	lo := (1<<histSubBits | sub) << shift
	return lo + (uint64(1)<<shift)/2
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
}

func (h *histogram) reset() { h.counts = [histBuckets]uint64{} }

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
}

// quantile returns the q-quantile (0 < q <= 1), 0 for an empty histogram.
func (h *histogram) quantile(q float64) time.Duration {
	var total uint64
	for _, c := range h.counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q*float64(total) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var cum uint64
	for i, c := range h.counts {
		cum += c
		if cum >= rank {
			return time.Duration(bucketMid(i))
		}
	}
	return time.Duration(bucketMid(histBuckets - 1))
}
