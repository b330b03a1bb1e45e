package tarantoolproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DefaultStartTimeout bounds how long Start and Restart wait for an
// instance to become ready when Options.StartTimeout is zero.
const DefaultStartTimeout = 10 * time.Second

// sourceFileName is the file in the work dir that Options.Source is
// written to.
const sourceFileName = "init.lua"

// ErrNoScript is returned by Start when Options sets neither Script nor
// Source, or both.
var ErrNoScript = errors.New("tarantoolproc: set exactly one of Options.Script and Options.Source")

// Options configures an instance. Exactly one of Script and Source must be
// set.
type Options struct {
	// Script is the Lua file tarantool runs; a relative path is taken from
	// the working directory at Start.
	Script string
	// Source is Lua source tarantool runs: Start writes it to init.lua in
	// the work dir. For callers that embed their script, such as cmd/demo.
	Source string
	// Unix makes the instance listen on a Unix socket in its work dir
	// instead of 127.0.0.1:<free port>.
	Unix bool
	// Port, when not zero, is the TCP port on 127.0.0.1 to listen on, kept
	// across restarts, instead of a free port picked at Start (which then
	// does not retry on another port when it is taken). For instances that
	// must know each other's addresses before they start: a replica set
	// (pick them with FreePorts). Ignored with Unix.
	Port int
	// Env is extra environment for the script. TXT_LISTEN, TXT_WORK_DIR,
	// TXT_LOG and TXT_READY_FILE are set by Start and cannot be overridden.
	// TT_* variables of this process are dropped (box.cfg reads them since
	// 2.8); a TT_* key here is passed on, on purpose.
	Env map[string]string
	// StartTimeout bounds each wait for readiness (Start, Restart); zero
	// means DefaultStartTimeout.
	StartTimeout time.Duration
}

// startTimeout returns the effective readiness timeout.
func (o Options) startTimeout() time.Duration {
	if o.StartTimeout > 0 {
		return o.StartTimeout
	}
	return DefaultStartTimeout
}

// check validates the choice between Script and Source.
func (o Options) check() error {
	if (o.Script == "") == (o.Source == "") {
		return ErrNoScript
	}
	return nil
}

// script returns the absolute path of the script to run, writing Source
// into workDir first when it is set.
func (o Options) script(workDir string) (string, error) {
	if o.Source != "" {
		path := filepath.Join(workDir, sourceFileName)
		if err := os.WriteFile(path, []byte(o.Source), 0o644); err != nil {
			return "", fmt.Errorf("tarantoolproc: write script: %w", err)
		}
		return path, nil
	}
	abs, err := filepath.Abs(o.Script)
	if err != nil {
		return "", fmt.Errorf("tarantoolproc: script: %w", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("tarantoolproc: script: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("tarantoolproc: script %s is not a regular file", abs)
	}
	return abs, nil
}
