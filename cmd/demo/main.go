// Command demo shows txtarantool against a real Tarantool.
//
// The default subcommand makes a lazy client (client.Lazy), tours the API
// once it is connected (a Then callback, Await with typed decoding, a
// server error matched by code, pipelining), then replaces kv["tick"] a
// few times per second, printing one line per event: each request's
// outcome (ok with its latency, or failed with the kind of error),
// disconnections with their cause, reconnect attempts with their delay,
// and reconnections with the downtime. With --chaos it SIGKILLs and
// restarts the server it started (twice) and exits after about 15 s with
// a summary: this is `make demo`.
//
// `demo serve` serves the kv space over HTTP (GET /set/k=v, /get/k,
// /del/k) from a lazy pool of connections, answering 503 while Tarantool
// is down.
//
// Without -addr both start their own tarantool from demo.lua, which the
// binary embeds (so `go install .../cmd/demo@latest` gives a demo that runs
// anywhere), on a free port, and stop it on exit. The tarantool binary is
// $TARANTOOL_BIN, or tarantool on PATH.
//
//	go run ./cmd/demo --chaos                 # the unattended reconnect story
//	go run ./cmd/demo                         # tour, then requests until Ctrl-C
//	go run ./cmd/demo -addr 127.0.0.1:3301    # against a running server
//	go run ./cmd/demo serve -listen :8080     # the HTTP example
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		stop()
		os.Exit(1)
	}
}

// run parses the command line and runs the subcommand it names.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) > 0 && args[0] == "serve" {
		cfg, err := parseServe(args[1:], errOut)
		if err != nil {
			return err
		}
		return runServe(ctx, cfg, newPrinter(out))
	}
	cfg, err := parseDemo(args, errOut)
	if err != nil {
		return err
	}
	return runDemo(ctx, cfg, newPrinter(out))
}

// parseDemo parses the default subcommand's flags.
func parseDemo(args []string, errOut io.Writer) (demoConfig, error) {
	cfg := defaultDemoConfig()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: demo [flags]        lazy client, tour, then one request per -interval with one line per event")
		fmt.Fprintln(errOut, "       demo serve [flags]  kv over HTTP (demo serve -h)")
		fs.PrintDefaults()
	}
	cfg.serverFlags.register(fs)
	fs.BoolVar(&cfg.chaos, "chaos", false, "kill -9 and restart the local server twice, then exit with a summary (about 15 s)")
	fs.DurationVar(&cfg.interval, "interval", cfg.interval, "pause between requests")
	fs.DurationVar(&cfg.duration, "duration", 0, "how long to send requests without --chaos; 0 means until Ctrl-C")
	fs.DurationVar(&cfg.timeout, "timeout", cfg.timeout, "request timeout (Options.RequestTimeout)")
	fs.IntVar(&cfg.wait, "wait", 0, "Options.WaitForReconnect: requests that may wait for the next connection instead of failing at once")
	fs.IntVar(&cfg.pipeline, "pipeline", cfg.pipeline, "calls in the tour's pipelining step; 0 skips the tour")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfg, nil
}

// parseServe parses `demo serve`'s flags.
func parseServe(args []string, errOut io.Writer) (serveConfig, error) {
	cfg := defaultServeConfig()
	fs := flag.NewFlagSet("demo serve", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: demo serve [flags]  GET /set/<key>=<value>, /get/<key>, /del/<key> on the kv space")
		fs.PrintDefaults()
	}
	cfg.serverFlags.register(fs)
	fs.StringVar(&cfg.listen, "listen", cfg.listen, "HTTP listen address")
	fs.IntVar(&cfg.pool, "pool", cfg.pool, "connections in the lazy pool")
	fs.DurationVar(&cfg.timeout, "timeout", cfg.timeout, "bound on each Tarantool request")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfg, nil
}
