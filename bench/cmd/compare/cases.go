package main

import (
	"fmt"
	"regexp"
)

// mode is how requests are issued.
type mode int

const (
	// pipelined: one goroutine keeps conc futures in flight, awaiting the
	// oldest before issuing the next (over pool4: poolSize goroutines,
	// conc/poolSize each, as raw runs one pipeline per connection).
	pipelined mode = iota
	// sync: conc goroutines share the connection(s); each issues a request
	// and awaits it before the next.
	syncMode
	// rate: open loop. A pacer offers requests at a fixed rate (rateShare
	// of go-tarantool's median at sync/conc of the same workload, measured
	// earlier in the run) to conc goroutines; each request's latency runs
	// from the moment it was due, so queueing behind a slow client counts.
	rateMode
)

func (m mode) String() string { return [...]string{"pipelined", "sync", "rate50"}[m] }

// rateShare is the offered load of rate mode, as a share of go-tarantool's
// saturated throughput.
const rateShare = 0.5

// topology is what each client connects.
type topology int

const (
	one         topology = iota // one connection
	pool4                       // four connections to the same server, used together
	topoCluster                 // the client's replica-set client over one instance
)

// poolSize is the number of connections of pool4.
const poolSize = 4

func (t topology) String() string { return [...]string{"", "pool4", "cluster"}[t] }

// group is a family of cases, for the report, the charts and the targets.
type group int

const (
	gMain    group = iota // the four workloads, pipelined and sync, one connection
	gPool                 // four connections
	gBig                  // big results
	gLatency              // latency at a fixed offered load
	gDepth                // in-flight depth sweep (select, pipelined)
	gSize                 // tuple size sweep (pipelined)
	gCluster              // the replica-set clients over one instance
)

// benchCase is one job in one mode at one concurrency over one topology.
type benchCase struct {
	job
	m    mode
	conc int // window (pipelined) or goroutines (sync, rate)
	topo topology
	g    group
}

func (c benchCase) String() string {
	if c.topo != one {
		return fmt.Sprintf("%s/%s/%s/%d", c.job, c.topo, c.m, c.conc)
	}
	return fmt.Sprintf("%s/%s/%d", c.job, c.m, c.conc)
}

// window is the number of futures in flight in pipelined mode.
const window = 1024

// syncConcurrency are the goroutine counts of sync mode.
var syncConcurrency = []int{1, 16, 256}

// depths are the windows of the depth sweep (window itself is a main case).
var depths = []int{1, 16, 256, window, 4096}

// sizeWindow is the window of the tuple-size sweep and of the big results.
const sizeWindow = 16

// allCases lists every case, group by group (rate cases after the sync
// cases they are calibrated on), filtered by the regexp filter on the
// case name (empty: all).
func allCases(filter string) ([]benchCase, error) {
	re, err := regexp.Compile(filter)
	if err != nil {
		return nil, fmt.Errorf("-cases: %w", err)
	}
	var cs []benchCase
	for _, w := range []workload{wPing, wSelect, wReplace, wCall} {
		cs = append(cs, benchCase{job: job{w: w}, m: pipelined, conc: window, g: gMain})
		for _, c := range syncConcurrency {
			cs = append(cs, benchCase{job: job{w: w}, m: syncMode, conc: c, g: gMain})
		}
	}
	for _, w := range []workload{wSelect, wCall} {
		cs = append(cs, benchCase{job: job{w: w}, m: rateMode, conc: 256, g: gLatency})
	}
	for _, w := range []workload{wPing, wSelect} {
		cs = append(cs,
			benchCase{job: job{w: w}, m: pipelined, conc: window, topo: pool4, g: gPool},
			benchCase{job: job{w: w}, m: syncMode, conc: 1024, topo: pool4, g: gPool})
	}
	cs = append(cs,
		benchCase{job: job{w: wWide}, m: pipelined, conc: sizeWindow, g: gBig},
		benchCase{job: job{w: wWideAny}, m: pipelined, conc: sizeWindow, g: gBig},
		benchCase{job: job{w: wBigCall, size: bigCallSize}, m: pipelined, conc: sizeWindow, g: gBig})
	for _, d := range depths {
		if d != window {
			cs = append(cs, benchCase{job: job{w: wSelect}, m: pipelined, conc: d, g: gDepth})
		}
	}
	for _, n := range blobSizes {
		cs = append(cs, benchCase{job: job{w: wBlob, size: n}, m: pipelined, conc: sizeWindow, g: gSize})
	}
	cs = append(cs, benchCase{job: job{w: wSelect}, m: pipelined, conc: window, topo: topoCluster, g: gCluster})

	var out []benchCase
	for _, c := range cs {
		if re.MatchString(c.String()) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-cases %q matches no case", filter)
	}
	return out, nil
}

// rateReference is the case whose go-tarantool median sets c's offered
// load (c in rate mode).
func rateReference(c benchCase) benchCase {
	return benchCase{job: c.job, m: syncMode, conc: c.conc, g: gMain}
}
