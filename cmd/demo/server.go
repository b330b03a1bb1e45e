package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// demoLua is the Lua a local server runs (space kv, user tester/secret,
// function echo), embedded so that an installed demo needs no source tree.
//
//go:embed demo.lua
var demoLua string

// localServer is a tarantool process the demo started itself, on a free
// loopback port with its data in a temporary directory. Kill and Restart
// keep the address and the data, so clients reconnect to the same place.
type localServer struct {
	addr string
	inst *tarantoolproc.Instance
}

// startServer starts tarantool from the embedded demo.lua, bounded by ctx.
func startServer(ctx context.Context, p *printer) (*localServer, error) {
	start := time.Now()
	inst, err := tarantoolproc.Start(ctx, tarantoolproc.Options{Source: demoLua})
	if errors.Is(err, tarantoolproc.ErrUnavailable) {
		return nil, fmt.Errorf("no local tarantool to start (%w); install it (`make tarantool` as root, or apt-get install tarantool) or pass -addr host:port", err)
	}
	if err != nil {
		return nil, fmt.Errorf("starting a local tarantool: %w", err)
	}
	p.event("server", "started tarantool (pid %d) on %s in %v", inst.Pid(), inst.Addr(), short(time.Since(start)))
	return &localServer{addr: inst.Addr(), inst: inst}, nil
}

// localOrGiven returns addr if set; otherwise it starts a local server and
// returns its address and the server, which the caller must stop.
func localOrGiven(ctx context.Context, addr string, p *printer) (string, *localServer, error) {
	if addr != "" {
		return addr, nil, nil
	}
	srv, err := startServer(ctx, p)
	if err != nil {
		return "", nil, err
	}
	return srv.addr, srv, nil
}

// kill sends SIGKILL to the server, as a crash would, and waits until it
// is gone. The line is printed first, so that it comes before the
// client's reaction.
func (s *localServer) kill(p *printer) error {
	p.event("chaos", "kill -9 tarantool (pid %d)", s.inst.Pid())
	return s.inst.Kill()
}

// restart starts the server again on the same address and data, and waits
// until it accepts connections.
func (s *localServer) restart(ctx context.Context, p *printer) error {
	p.event("chaos", "restarting tarantool on %s (same data)", s.addr)
	start := time.Now()
	if err := s.inst.Restart(ctx); err != nil {
		return fmt.Errorf("restarting tarantool: %w", err)
	}
	p.event("chaos", "tarantool is up again (pid %d), ready in %v", s.inst.Pid(), short(time.Since(start)))
	return nil
}

// stop stops the process and removes its data.
func (s *localServer) stop(p *printer) {
	if err := s.inst.Stop(); err != nil {
		p.event("server", "stop: %v", err)
		return
	}
	p.event("server", "stopped")
}
