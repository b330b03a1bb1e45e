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
	if len(args) > 0 && args[0] == "cluster" {
		cfg, err := parseCluster(args[1:], errOut)
		if err != nil {
			return err
		}
		return runCluster(ctx, cfg, newPrinter(out))
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
		fmt.Fprintln(errOut, "       demo cluster        replica set failover story (demo cluster -h)")
		fs.PrintDefaults()
	}
	cfg.serverFlags.register(fs)
	fs.BoolVar(&cfg.chaos, "chaos", false, "kill -9 and restart the local server twice, then exit with a summary (about 15 s)")
	fs.DurationVar(&cfg.interval, "interval", cfg.interval, "pause between requests")
	fs.DurationVar(&cfg.duration, "duration", 0, "how long to send requests without --chaos; 0 means until Ctrl-C")
	fs.DurationVar(&cfg.timeout, "timeout", cfg.timeout, "request timeout (Options.RequestTimeout)")
	fs.IntVar(&cfg.wait, "wait", 0, "Options.WaitForReconnect: requests that may wait for the next connection instead of failing at once")
	fs.IntVar(&cfg.pipeline, "pipeline", cfg.pipeline, "calls in the tour's pipelining step; 0 skips the tour")
	return cfg, parseNoArgs(fs, args)
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
	return cfg, parseNoArgs(fs, args)
}

// parseNoArgs parses args into fs's flags, refusing (with the usage)
// anything left after them: no subcommand takes positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
