package main

import (
	"fmt"
	"io"

	"github.com/txtarantool/txtarantool/internal/tarantooltest"
)

// localServer is a tarantool process the demo started itself.
type localServer struct {
	addr string
	inst *tarantooltest.Instance
}

// startServer starts tarantool from testdata/demo.lua on a free loopback
// port, with its data in a temporary directory.
func startServer(out io.Writer) (*localServer, error) {
	inst, err := tarantooltest.StartProcess(tarantooltest.Options{Script: "testdata/demo.lua"})
	if err != nil {
		return nil, fmt.Errorf("starting a local tarantool (install it with `make demo` or pass -addr): %w", err)
	}
	fmt.Fprintf(out, "server    started tarantool (pid %d) on %s\n", inst.Pid(), inst.Addr())
	return &localServer{addr: inst.Addr(), inst: inst}, nil
}

// stop stops the process and removes its data.
func (s *localServer) stop(out io.Writer) {
	if err := s.inst.Stop(); err != nil {
		fmt.Fprintf(out, "server    stop: %v\n", err)
		return
	}
	fmt.Fprintln(out, "server    stopped")
}
