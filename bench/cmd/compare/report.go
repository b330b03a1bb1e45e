package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// results holds every sample, by case and client, in run order.
type results struct {
	cases   []benchCase
	clients []clientKind
	samples map[string]map[string][]sample // case name -> client name -> runs
	na      map[string]map[string]bool     // case name -> clients without it
	rates   map[string]float64             // rate-mode case name -> offered load
}

func newResults(cases []benchCase, clients []clientKind) *results {
	return &results{cases: cases, clients: clients, samples: map[string]map[string][]sample{},
		na: map[string]map[string]bool{}, rates: map[string]float64{}}
}

// markNotApplicable records that client has no such case (its topology or
// window), so that later rounds skip it and the report says n/a.
func (r *results) markNotApplicable(c benchCase, client string) {
	m := r.na[c.String()]
	if m == nil {
		m = map[string]bool{}
		r.na[c.String()] = m
	}
	m[client] = true
}

func (r *results) notApplicable(c benchCase, client string) bool { return r.na[c.String()][client] }

func (r *results) add(c benchCase, client string, s sample) {
	m := r.samples[c.String()]
	if m == nil {
		m = map[string][]sample{}
		r.samples[c.String()] = m
	}
	m[client] = append(m[client], s)
}

// stat is the median, min and max of one metric over runs.
type stat struct{ med, min, max float64 }

func statOf(ss []sample, f func(sample) float64) stat {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	return statOfValues(v)
}

// statOfValues is the median, min and max of v (not empty), which it sorts.
func statOfValues(v []float64) stat {
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return stat{med: med, min: v[0], max: v[n-1]}
}

// summary is the aggregate of one client on one case.
type summary struct {
	ops, p50, p99, p999, allocs, bytes, cpu stat
	hasLat                                  bool
	runs                                    int
}

// summary returns the aggregate of client on c, ok=false if it did not run.
func (r *results) summary(c benchCase, client string) (summary, bool) {
	ss := r.samples[c.String()][client]
	if len(ss) == 0 {
		return summary{}, false
	}
	return summary{
		ops:    statOf(ss, sample.opsPerSec),
		p50:    statOf(ss, func(s sample) float64 { p, _ := s.latency(); return p }),
		p99:    statOf(ss, func(s sample) float64 { _, p := s.latency(); return p }),
		p999:   statOf(ss, sample.p999us),
		allocs: statOf(ss, sample.allocsPerOp),
		bytes:  statOf(ss, sample.bytesPerOp),
		cpu:    statOf(ss, sample.cpuUsPerOp),
		hasLat: ss[0].hasLat,
		runs:   len(ss),
	}, true
}

// printTable writes one line per case and client: medians over the runs,
// with min–max for ops/s; rate-mode cases first say their offered load.
func (r *results) printTable(w io.Writer) {
	fmt.Fprintf(w, "%-30s %-12s %28s %9s %9s %9s %10s %9s %10s\n",
		"case", "client", "ops/s median [min-max]", "p50 µs", "p99 µs", "p999 µs", "allocs/op", "B/op", "CPU µs/op")
	fmt.Fprintln(w, strings.Repeat("-", 134))
	for _, c := range r.cases {
		if rate, ok := r.rates[c.String()]; ok {
			fmt.Fprintf(w, "%-30s offered %.0f requests/s (%.0f %% of gotarantool's median in %s)\n",
				c, rate, rateShare*100, rateReference(c))
		}
		for _, k := range r.clients {
			s, ok := r.summary(c, k.name)
			if !ok {
				continue
			}
			p50, p99, p999 := "-", "-", "-"
			if s.hasLat {
				p50, p99, p999 = fmt.Sprintf("%.1f", s.p50.med), fmt.Sprintf("%.1f", s.p99.med), fmt.Sprintf("%.1f", s.p999.med)
			}
			ops := fmt.Sprintf("%.0f [%.0f-%.0f]", s.ops.med, s.ops.min, s.ops.max)
			fmt.Fprintf(w, "%-30s %-12s %28s %9s %9s %9s %10.1f %9.0f %10.2f\n",
				c, k.name, ops, p50, p99, p999, s.allocs.med, s.bytes.med, s.cpu.med)
		}
	}
}

// peers are the clients ours is compared with, in RATIO field order.
var peers = []clientKind{gotarantool, fzambia}

// printRatios writes the machine-readable line of every case:
//
//	RATIO <case> ours/gotarantool=<x.xx> ours/raw=<x.xx|n/a> allocs_ours=<n.n> allocs_gotarantool=<n.n> ours/fzambia=<x.xx|n/a> allocs_fzambia=<n.n|n/a>
//
// Ratios are of median ops/s; allocations are median allocs per op. The
// first five fields are those of the earlier two-peer format, in the same
// order. A case without ours or go-tarantool has no line.
func (r *results) printRatios(w io.Writer) {
	for _, c := range r.cases {
		o, okO := r.summary(c, ours.name)
		if x, ok := r.summary(c, oursControl.name); ok && okO {
			perRun := r.pairedRatios(c, oursControl.name, ours.name)
			fmt.Fprintf(w, "CONTROL %s ours-control/ours=%.2f per-run=%.2f-%.2f\n",
				c, x.ops.med/o.ops.med, perRun.min, perRun.max)
		}
		g, okG := r.summary(c, gotarantool.name)
		if !okO || !okG {
			continue
		}
		vsRaw := "n/a"
		if x, ok := r.summary(c, raw.name); ok {
			vsRaw = fmt.Sprintf("%.2f", o.ops.med/x.ops.med)
		}
		line := fmt.Sprintf("RATIO %s ours/gotarantool=%.2f ours/raw=%s allocs_ours=%.1f allocs_gotarantool=%.1f",
			c, o.ops.med/g.ops.med, vsRaw, o.allocs.med, g.allocs.med)
		for _, p := range peers[1:] {
			if x, ok := r.summary(c, p.name); ok {
				line += fmt.Sprintf(" ours/%s=%.2f allocs_%s=%.1f", p.name, o.ops.med/x.ops.med, p.name, x.allocs.med)
			} else {
				line += fmt.Sprintf(" ours/%s=n/a allocs_%s=n/a", p.name, p.name)
			}
		}
		fmt.Fprintln(w, line)
	}
}

// pairedRatios returns the median, min and max over runs of a's ops/s
// divided by b's in the same round (runs alternate, so the two were
// measured seconds apart).
func (r *results) pairedRatios(c benchCase, a, b string) stat {
	sa, sb := r.samples[c.String()][a], r.samples[c.String()][b]
	ratios := make([]float64, min(len(sa), len(sb)))
	for i := range ratios {
		ratios[i] = sa[i].opsPerSec() / sb[i].opsPerSec()
	}
	return statOfValues(ratios)
}
