// Command compare benchmarks txtarantool against go-tarantool/v3,
// FZambia/tarantool and a raw pipelined ceiling, in the same run, against
// one tarantool it starts itself (testdata/bench.lua). Runs alternate
// between clients (A B C D A B C D ...) within each case; it prints a table
// of medians, one RATIO line per case, one TARGET line per target, and
// writes SVG charts (the cases' throughput, and the growth of cost with
// depth and with tuple size). With -judge it reads the outputs of several
// runs and judges every target on the median of its values. Any wrong result from any client fails
// the run with a non-zero exit. With -clients ours,ours-control it compares
// ours with itself and prints one CONTROL line per case: how far that ratio
// strays from 1.00 is the noise of a ratio on the machine.
//
//	go run ./cmd/compare -duration 2s -runs 3 -out results.svg -cases 'select/'
//	go run ./cmd/compare -judge run1.txt run2.txt run3.txt
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// config is what the flags set.
type config struct {
	duration time.Duration // measured time per run
	warmup   time.Duration // unmeasured time per run, after dialing
	runs     int           // runs per case and client
	out      string        // SVG path; empty: none
	cases    string        // regexp on case names
	script   string        // server script; empty: find testdata/bench.lua
	clients  string        // comma-separated client names; empty: all
	cpuProf  string        // CPU profile of the whole run; empty: none
	memProf  string        // allocation profile (every allocation); empty: none
	judge    bool          // judge the targets of the outputs named as arguments
}

func main() {
	var cfg config
	flag.DurationVar(&cfg.duration, "duration", 2*time.Second, "measured duration of each run")
	flag.DurationVar(&cfg.warmup, "warmup", -1, "unmeasured warm-up per run (default: duration/5, at most 300ms)")
	flag.IntVar(&cfg.runs, "runs", 3, "runs per case and client (clients alternate)")
	flag.StringVar(&cfg.out, "out", "results.svg", "SVG chart to write (empty: none)")
	flag.StringVar(&cfg.cases, "cases", "", "regexp selecting cases by name, e.g. 'select/' or 'sync/16$'")
	flag.StringVar(&cfg.script, "script", "", "tarantool script (default: testdata/bench.lua above the working directory)")
	flag.StringVar(&cfg.clients, "clients", "", "comma-separated clients to run (default: ours,gotarantool,raw; also ours-control, a second ours for an A/A noise check)")
	flag.StringVar(&cfg.cpuProf, "cpuprofile", "", "write a CPU profile of the whole run (combine with -clients and -cases)")
	flag.StringVar(&cfg.memProf, "memprofile", "", "write an allocation profile of the whole run, sampling every allocation (slows the run)")
	flag.BoolVar(&cfg.judge, "judge", false, "read the outputs of earlier runs (file arguments) and judge every target on the median of its values")
	flag.Parse()
	if cfg.judge {
		if err := judgeFiles(flag.Args(), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			os.Exit(1)
		}
		return
	}
	if cfg.memProf != "" {
		runtime.MemProfileRate = 1
	}
	if cfg.warmup < 0 {
		cfg.warmup = min(cfg.duration/5, 300*time.Millisecond)
	}
	if cfg.cpuProf != "" {
		f, err := os.Create(cfg.cpuProf)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: -cpuprofile:", err)
			os.Exit(1)
		}
	}
	err := run(cfg, os.Stdout, os.Stderr)
	if cfg.cpuProf != "" {
		pprof.StopCPUProfile()
	}
	if cfg.memProf != "" && err == nil {
		err = writeHeapProfile(cfg.memProf)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

// allClients are the clients under test, in the order runs alternate.
var allClients = []clientKind{ours, gotarantool, fzambia, raw}

// controlClients run only when named in -clients: oursControl, to measure
// the noise of a ratio (see its doc comment).
var controlClients = []clientKind{oursControl}

// selectClients returns the clients named in list (comma-separated; empty:
// all of allClients), in allClients then controlClients order.
func selectClients(list string) ([]clientKind, error) {
	if list == "" {
		return allClients, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []clientKind
	for _, k := range append(allClients[:len(allClients):len(allClients)], controlClients...) {
		if want[k.name] {
			out = append(out, k)
			delete(want, k.name)
		}
	}
	for n := range want {
		return nil, fmt.Errorf("-clients: unknown client %q", n)
	}
	return out, nil
}

// run starts the server, measures every selected case and reports.
func run(cfg config, stdout, stderr io.Writer) error {
	if cfg.runs < 1 || cfg.duration <= 0 {
		return fmt.Errorf("need -runs >= 1 and -duration > 0")
	}
	cases, err := allCases(cfg.cases)
	if err != nil {
		return err
	}
	clients, err := selectClients(cfg.clients)
	if err != nil {
		return err
	}
	srv, err := startServer(cfg.script)
	if err != nil {
		return describeServerError(err)
	}
	defer srv.stop()

	res, err := measureAll(cfg, srv.addr(), cases, clients, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d run(s) of %v per case and client (+%v warm-up), GOMAXPROCS=%d, %s\n\n",
		cfg.runs, cfg.duration, cfg.warmup, runtime.GOMAXPROCS(0), runtime.Version())
	res.printTable(stdout)
	fmt.Fprintln(stdout)
	res.printRatios(stdout)
	fmt.Fprintln(stdout)
	res.printTargets(stdout)
	if cfg.out != "" {
		return res.writeCharts(cfg, stdout)
	}
	return nil
}

// measureAll runs every case: for each case, runs rounds, each round one
// run per client in order (raw only in pipelined mode; a client without
// the case's topology is n/a). A rate-mode case first sets its offered
// load. The first failure (a wrong result included) aborts.
func measureAll(cfg config, addr string, cases []benchCase, clients []clientKind, progress io.Writer) (*results, error) {
	res := newResults(cases, clients)
	for _, c := range cases {
		var rate float64
		if c.m == rateMode {
			var err error
			if rate, err = offeredLoad(cfg, addr, c, res, progress); err != nil {
				return nil, err
			}
			res.rates[c.String()] = rate
		}
		for rep := 1; rep <= cfg.runs; rep++ {
			for _, k := range clients {
				if (c.m != pipelined && !k.sync) || res.notApplicable(c, k.name) {
					continue
				}
				s, err := runOnce(k, addr, c, cfg.duration, cfg.warmup, rate)
				if errors.Is(err, errNotApplicable) {
					res.markNotApplicable(c, k.name)
					continue
				}
				if err != nil {
					return nil, err
				}
				res.add(c, k.name, s)
				fmt.Fprintf(progress, "%-30s run %d/%d %-12s %10.0f ops/s %8.1f allocs/op\n",
					c, rep, cfg.runs, k.name, s.opsPerSec(), s.allocsPerOp())
			}
		}
	}
	return res, nil
}

// offeredLoad is a rate-mode case's offered load: rateShare of
// go-tarantool's median ops/s in the case's reference (sync) case of this
// run, or, when that did not run, of one calibration run of it.
func offeredLoad(cfg config, addr string, c benchCase, res *results, progress io.Writer) (float64, error) {
	ref := rateReference(c)
	if s, ok := res.summary(ref, gotarantool.name); ok {
		return rateShare * s.ops.med, nil
	}
	s, err := runOnce(gotarantool, addr, ref, cfg.duration, cfg.warmup, 0)
	if err != nil {
		return 0, fmt.Errorf("calibrating %s: %w", c, err)
	}
	fmt.Fprintf(progress, "%-30s calibrated on %s: gotarantool %.0f ops/s\n", c, ref, s.opsPerSec())
	return rateShare * s.opsPerSec(), nil
}

// writeHeapProfile writes the allocation profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
