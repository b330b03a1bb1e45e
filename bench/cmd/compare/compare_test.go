package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// TestQuick runs the comparison briefly on a case of every kind (a
// pipelined one with all four clients, a sync one, the pool, a big result,
// a rate case calibrating its own load, the cluster client) and checks the
// report, the charts and -judge on it. Skipped when tarantool is missing
// (failed with TARANTOOL_REQUIRED=1).
func TestQuick(t *testing.T) {
	if _, ok := tarantooltest.Available(); !ok {
		if tarantooltest.Required() {
			t.Fatal("tarantool not on PATH (TARANTOOL_REQUIRED=1)")
		}
		t.Skip("tarantool not on PATH")
	}
	dir := t.TempDir()
	svg := filepath.Join(dir, "results.svg")
	var out, progress bytes.Buffer
	err := run(config{
		duration: 200 * time.Millisecond,
		warmup:   50 * time.Millisecond,
		runs:     1,
		out:      svg,
		cases:    `^(select/pipelined/(16|1024)|call/sync/16|select/pool4/pipelined/1024|select1000/pipelined/16|select/rate50/256|select/cluster/pipelined/1024|tuple/(100B|10KiB)/pipelined/16)$`,
	}, &out, &progress)
	if err != nil {
		t.Fatalf("%v\nprogress:\n%s", err, progress.String())
	}
	t.Log(out.String())
	for _, want := range []string{
		"RATIO select/pipelined/1024 ours/gotarantool=",
		"RATIO call/sync/16 ours/gotarantool=",
		"ours/raw=n/a",
		"ours/fzambia=",
		"RATIO select/cluster/pipelined/1024 ours/gotarantool=",
		"ours/fzambia=n/a allocs_fzambia=n/a",
		"TARGET select/pipelined/1024:ours/fzambia ",
		"TARGET select/pool4/pipelined/1024:ours/raw ",
		"TARGET select1000/pipelined/16:allocs-per-tuple-ours/gotarantool ",
		"TARGET select/rate50/256:p99-ours/gotarantool ",
		"offered ",
		"TARGETS met ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, client := range []string{"ours", "gotarantool", "fzambia", "raw", "calibrated"} {
		if !strings.Contains(progress.String(), client) {
			t.Errorf("%s did not run", client)
		}
	}
	for _, f := range []string{svg, filepath.Join(dir, "results-depth.svg"), filepath.Join(dir, "results-size.svg")} {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.HasPrefix(b, []byte("<svg")) {
			t.Errorf("%s: %v %.40q", f, err, b)
		}
	}
	report := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(report, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var judged bytes.Buffer
	if err := judgeFiles([]string{report, report}, &judged); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(judged.String(), "on the median of 2 run(s)") {
		t.Errorf("judge: %s", judged.String())
	}
}

// TestJudge checks the median of three runs' TARGET lines.
func TestJudge(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, v := range []string{"1.90", "2.10", "2.30"} {
		p := filepath.Join(dir, strconv.Itoa(i))
		line := "TARGET a:ours/x " + v + " >= 2.00 met (note)\nTARGET b:p99 1." + strconv.Itoa(i) + "0 <= 1.00 met\nnoise\n"
		if err := os.WriteFile(p, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var out bytes.Buffer
	if err := judgeFiles(paths, &out); err != nil {
		t.Fatal(err)
	}
	want := "TARGET a:ours/x 2.10 >= 2.00 met runs=1.90,2.10,2.30\n" +
		"TARGET b:p99 1.10 <= 1.00 MISSED runs=1.00,1.10,1.20\n" +
		"TARGETS met 1 of 2 on the median of 3 run(s)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if err := judgeFiles([]string{filepath.Join(dir, "missing")}, &out); err == nil {
		t.Error("a missing file was judged")
	}
}

// TestCheckRejectsWrongValues makes sure a wrong tuple is an error.
func TestCheckRejectsWrongValues(t *testing.T) {
	if err := check(wSelect, 5, &row{ID: 5, Name: names[5], Val: 35}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []row{{ID: 6, Name: names[5], Val: 35}, {ID: 5, Name: "x", Val: 35}, {ID: 5, Name: names[5], Val: 36}} {
		if check(wSelect, 5, &r) == nil {
			t.Errorf("check accepted %+v", r)
		}
	}
}

// TestHistogram checks bucket round trips and quantiles.
func TestHistogram(t *testing.T) {
	for _, v := range []uint64{0, 1, 31, 32, 33, 63, 64, 1000, 123456, 1 << 40} {
		mid := bucketMid(bucketOf(v))
		if d := float64(mid) - float64(v); d < -float64(v)/16-1 || d > float64(v)/16+1 {
			t.Errorf("value %d: bucket mid %d", v, mid)
		}
	}
	var h histogram
	for i := 1; i <= 100; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	if p := h.quantile(0.5); p < 47*time.Microsecond || p > 53*time.Microsecond {
		t.Errorf("p50 = %v", p)
	}
	if p := h.quantile(0.99); p < 94*time.Microsecond || p > 104*time.Microsecond {
		t.Errorf("p99 = %v", p)
	}
}

// TestControlLine checks the A/A line: ours-control against ours, the ratio
// of medians and the range of the per-round ratios.
func TestControlLine(t *testing.T) {
	c := benchCase{job: job{w: wPing}, m: syncMode, conc: 256}
	res := newResults([]benchCase{c}, []clientKind{ours, oursControl})
	for _, ops := range [][2]int64{{100, 110}, {200, 180}, {100, 130}} {
		res.add(c, ours.name, sample{ops: ops[0], elapsed: time.Second})
		res.add(c, oursControl.name, sample{ops: ops[1], elapsed: time.Second})
	}
	var out bytes.Buffer
	res.printRatios(&out)
	// Medians 100 and 130; per-round ratios 1.10, 0.90, 1.30.
	want := "CONTROL ping/sync/256 ours-control/ours=1.30 per-run=0.90-1.30\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	all, err := selectClients("")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range all {
		if k.name == oursControl.name {
			t.Error("the control client runs by default")
		}
	}
	if got, err := selectClients("ours,ours-control"); err != nil || len(got) != 2 || got[1].name != oursControl.name {
		t.Errorf("selectClients(ours,ours-control) = %v, %v", got, err)
	}
}
