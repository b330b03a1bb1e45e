package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// scriptRel is the server script, relative to the bench module root.
const scriptRel = "testdata/bench.lua"

// server is the tarantool instance every client is measured against.
type server struct {
	inst *tarantoolproc.Instance
}

// startServer starts tarantool on script (found with findScript when
// empty) on a free 127.0.0.1 port and waits until bench.lua has loaded the
// data. It returns an error wrapping tarantoolproc.ErrUnavailable when
// tarantool is missing.
func startServer(script string) (*server, error) {
	if script == "" {
		var err error
		if script, err = findScript(); err != nil {
			return nil, err
		}
	}
	inst, err := tarantoolproc.Start(context.Background(), tarantoolproc.Options{Script: script})
	if err != nil {
		return nil, err
	}
	return &server{inst: inst}, nil
}

// addr is the "127.0.0.1:port" clients dial.
func (s *server) addr() string { return s.inst.Addr() }

// stop stops tarantool and removes its work dir.
func (s *server) stop() error { return s.inst.Stop() }

// findScript walks up from the working directory to the first directory
// holding testdata/bench.lua (bench/ for `go run ./cmd/compare`,
// bench/cmd/compare for `go test`), and returns its absolute path.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, scriptRel)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bench: " + scriptRel + " not found above the working directory; pass -script")
		}
		dir = parent
	}
}

// errUnavailable reports whether err means tarantool is not installed.
func errUnavailable(err error) bool { return errors.Is(err, tarantoolproc.ErrUnavailable) }

// describeServerError adds a hint to a start failure.
func describeServerError(err error) error {
	if errUnavailable(err) {
		return fmt.Errorf("%w (run `make tarantool`)", err)
	}
	return err
}
