package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// targetValue is one target's value in one run.
type targetValue struct {
	name  string  // no spaces: "<case>:<measure>"
	value float64 // the measure
	cmp   string  // ">=" or "<="
	want  float64
	note  string // for the reader (the worst case of an aggregate); no effect
}

func (t targetValue) met() bool {
	if t.cmp == ">=" {
		return t.value >= t.want
	}
	return t.value <= t.want
}

// line is the TARGET line: TARGET <name> <value> <cmp> <want> met|MISSED [note].
func (t targetValue) line() string {
	state := "met"
	if !t.met() {
		state = "MISSED"
	}
	s := fmt.Sprintf("TARGET %s %.2f %s %.2f %s", t.name, t.value, t.cmp, t.want, state)
	if t.note != "" {
		s += " " + t.note
	}
	return s
}

// targets evaluates issue 23's targets on this run's medians; a target
// whose cases did not run is left out.
func (r *results) targets() []targetValue {
	var out []targetValue
	ratio := func(c benchCase, peer string, cmp string, want float64) {
		o, ok1 := r.summary(c, ours.name)
		p, ok2 := r.summary(c, peer)
		if ok1 && ok2 {
			out = append(out, targetValue{name: c.String() + ":ours/" + peer, value: o.ops.med / p.ops.med, cmp: cmp, want: want})
		}
	}
	mainCase := func(w workload, m mode, conc int) benchCase {
		return benchCase{job: job{w: w}, m: m, conc: conc, g: gMain}
	}
	for _, w := range []workload{wPing, wSelect, wReplace, wCall} {
		c := mainCase(w, pipelined, window)
		ratio(c, gotarantool.name, ">=", 2.0)
		ratio(c, fzambia.name, ">=", 2.0)
		rawWant := 0.70
		if w == wPing || w == wCall {
			rawWant = 0.80
		}
		ratio(c, raw.name, ">=", rawWant)
	}
	for _, w := range []workload{wPing, wSelect} {
		p := benchCase{job: job{w: w}, m: pipelined, conc: window, topo: pool4, g: gPool}
		ratio(p, raw.name, ">=", 0.70)
		ratio(p, gotarantool.name, ">=", 1.5)
		ratio(benchCase{job: job{w: w}, m: syncMode, conc: 1024, topo: pool4, g: gPool}, gotarantool.name, ">=", 1.5)
	}
	wide := benchCase{job: job{w: wWide}, m: pipelined, conc: sizeWindow, g: gBig}
	ratio(wide, gotarantool.name, ">=", 2.0)
	if o, ok := r.summary(wide, ours.name); ok {
		if g, ok := r.summary(wide, gotarantool.name); ok {
			out = append(out, targetValue{name: wide.String() + ":allocs-per-tuple-ours/gotarantool",
				value: o.allocs.med / g.allocs.med, cmp: "<=", want: 0.5,
				note: fmt.Sprintf("(%.2f vs %.2f per tuple)", o.allocs.med/wideRows, g.allocs.med/wideRows)})
		}
	}
	for _, w := range []workload{wPing, wSelect, wReplace, wCall} {
		c := mainCase(w, syncMode, 256)
		ratio(c, gotarantool.name, ">=", 1.3)
		ratio(c, fzambia.name, ">=", 1.3)
	}
	for _, w := range []workload{wPing, wSelect, wReplace, wCall} {
		c := mainCase(w, syncMode, 1)
		o, ok := r.summary(c, ours.name)
		if !ok {
			continue
		}
		best, bestName := math.MaxInt, ""
		for _, p := range peers {
			if s, ok := r.summary(c, p.name); ok && bucketOfUs(s.p50.med) < best {
				best, bestName = bucketOfUs(s.p50.med), p.name
			}
		}
		if bestName != "" {
			out = append(out, targetValue{name: c.String() + ":p50-buckets-above-best-peer",
				value: float64(bucketOfUs(o.p50.med) - best), cmp: "<=", want: 1,
				note: fmt.Sprintf("(ours %.1f µs, %s %.1f µs)", o.p50.med, bestName, bucketMidUs(best))})
		}
	}
	for _, c := range r.cases {
		if c.m != rateMode {
			continue
		}
		o, ok1 := r.summary(c, ours.name)
		g, ok2 := r.summary(c, gotarantool.name)
		if ok1 && ok2 {
			out = append(out, targetValue{name: c.String() + ":p99-ours/gotarantool", value: o.p99.med / g.p99.med,
				cmp: "<=", want: 1.0, note: fmt.Sprintf("(%.0f vs %.0f µs)", o.p99.med, g.p99.med)})
		}
	}
	// Allocations per request: ours at most half of every peer's, in every
	// case; one line with the worst case.
	worst, worstCase := -1.0, ""
	for _, c := range r.cases {
		o, ok := r.summary(c, ours.name)
		if !ok {
			continue
		}
		for _, p := range peers {
			s, ok := r.summary(c, p.name)
			if !ok {
				continue
			}
			v := 0.0
			switch {
			case s.allocs.med > 0:
				v = o.allocs.med / s.allocs.med
			case o.allocs.med > 0:
				v = math.Inf(1)
			}
			if v > worst {
				worst, worstCase = v, fmt.Sprintf("(worst: %s, %.1f vs %s %.1f)", c, o.allocs.med, p.name, s.allocs.med)
			}
		}
	}
	if worst >= 0 {
		out = append(out, targetValue{name: "all:allocs-ours/peer", value: worst, cmp: "<=", want: 0.5, note: worstCase})
	}
	return out
}

// bucketOfUs is the histogram bucket of a latency in µs.
func bucketOfUs(us float64) int { return bucketOf(uint64(us * float64(time.Microsecond))) }

// bucketMidUs is the middle of histogram bucket i in µs.
func bucketMidUs(i int) float64 { return float64(bucketMid(i)) / float64(time.Microsecond) }

// printTargets writes one TARGET line per target of this run.
func (r *results) printTargets(w io.Writer) {
	ts := r.targets()
	met := 0
	for _, t := range ts {
		fmt.Fprintln(w, t.line())
		if t.met() {
			met++
		}
	}
	if len(ts) > 0 {
		fmt.Fprintf(w, "TARGETS met %d of %d in this run (judge on the median of 3 runs: -judge)\n", met, len(ts))
	}
}

// judgeFiles reads the TARGET lines of several runs' outputs and writes,
// per target, the median of its values and whether that meets it.
func judgeFiles(paths []string, w io.Writer) error {
	if len(paths) == 0 {
		return fmt.Errorf("-judge: name the outputs of the runs to judge")
	}
	vals := map[string][]float64{}
	def := map[string]targetValue{}
	var order []string
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			t, ok := parseTarget(sc.Text())
			if !ok {
				continue
			}
			if _, seen := def[t.name]; !seen {
				order = append(order, t.name)
				def[t.name] = t
			}
			vals[t.name] = append(vals[t.name], t.value)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	if len(order) == 0 {
		return fmt.Errorf("-judge: no TARGET lines in %s", strings.Join(paths, ", "))
	}
	met := 0
	for _, name := range order {
		v := vals[name]
		t := def[name]
		t.value = statOfValues(slices.Clone(v)).med
		t.note = "runs=" + formatValues(v)
		fmt.Fprintln(w, t.line())
		if t.met() {
			met++
		}
	}
	fmt.Fprintf(w, "TARGETS met %d of %d on the median of %d run(s)\n", met, len(order), len(paths))
	return nil
}

// parseTarget reads a TARGET line back.
func parseTarget(line string) (targetValue, bool) {
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "TARGET" || (f[3] != ">=" && f[3] != "<=") {
		return targetValue{}, false
	}
	v, err1 := strconv.ParseFloat(f[2], 64)
	want, err2 := strconv.ParseFloat(f[4], 64)
	if err1 != nil || err2 != nil {
		return targetValue{}, false
	}
	return targetValue{name: f[1], value: v, cmp: f[3], want: want}, true
}

func formatValues(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(s, ",")
}
