package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// TestQuick runs the comparison briefly on one pipelined case (all three
// clients) and one sync case, and checks the report. Skipped when tarantool
// is missing (failed with TARANTOOL_REQUIRED=1).
func TestQuick(t *testing.T) {
	if _, ok := tarantooltest.Available(); !ok {
		if tarantooltest.Required() {
			t.Fatal("tarantool not on PATH (TARANTOOL_REQUIRED=1)")
		}
		t.Skip("tarantool not on PATH")
	}
	svg := filepath.Join(t.TempDir(), "results.svg")
	var out, progress bytes.Buffer
	err := run(config{
		duration: 200 * time.Millisecond,
		warmup:   50 * time.Millisecond,
		runs:     1,
		out:      svg,
		cases:    `^(select/pipelined/1024|call/sync/16)$`,
	}, &out, &progress)
	if err != nil {
		t.Fatalf("%v\nprogress:\n%s", err, progress.String())
	}
	t.Log(out.String())
	for _, want := range []string{
		"RATIO select/pipelined/1024 ours/gotarantool=",
		"RATIO call/sync/16 ours/gotarantool=",
		"ours/raw=n/a",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, client := range []string{"ours", "gotarantool", "raw"} {
		if !strings.Contains(progress.String(), client) {
			t.Errorf("client %s did not run", client)
		}
	}
	b, err := os.ReadFile(svg)
	if err != nil || !bytes.HasPrefix(b, []byte("<svg")) {
		t.Errorf("svg: %v %.40q", err, b)
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
