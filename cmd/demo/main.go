// Command demo shows txtarantool against a real Tarantool: it connects,
// runs each kind of command with callbacks (Then) and blocking waits
// (Await), pipelines thousands of requests on one connection, and then
// issues a request a few times per second, printing one line per event.
//
// Without -addr it starts its own tarantool from testdata/demo.lua (the
// tarantool binary must be on PATH; `make demo` installs it) and stops it
// on exit.
//
//	go run ./cmd/demo                       # start a server, run the tour
//	go run ./cmd/demo -addr 127.0.0.1:3301  # use a running server
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

// config is the demo's command line.
type config struct {
	addr     string
	user     string
	password string
	requests int
	interval time.Duration
	pipeline int
}

func main() {
	var cfg config
	flag.StringVar(&cfg.addr, "addr", "", "Tarantool address (host:port, unix:/path); empty starts a local server from testdata/demo.lua")
	flag.StringVar(&cfg.user, "user", "tester", "user name")
	flag.StringVar(&cfg.password, "password", "secret", "password")
	flag.IntVar(&cfg.requests, "requests", 12, "requests in the final request loop")
	flag.DurationVar(&cfg.interval, "interval", 250*time.Millisecond, "pause between requests in the request loop")
	flag.IntVar(&cfg.pipeline, "pipeline", 10000, "requests in the pipelining step")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run starts a server if needed and runs the tour.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.addr == "" {
		srv, err := startServer(out)
		if err != nil {
			return err
		}
		defer srv.stop(out)
		cfg.addr = srv.addr
	}
	return tour(ctx, cfg, out)
}
