package tarantooltest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// DefaultStartTimeout bounds how long Start, StartProcess and Restart wait
// for an instance to become ready when Options.StartTimeout is zero.
const DefaultStartTimeout = tarantoolproc.DefaultStartTimeout

// defaultScript is the script used when Options.Script is empty, relative to
// the module root.
const defaultScript = "testdata/server.lua"

// Options configures an instance. The zero value starts testdata/server.lua
// on a free 127.0.0.1 port.
type Options struct {
	// Script is the Lua file tarantool runs. Empty (and no Source) means
	// testdata/server.lua in the module root (the nearest directory above
	// the working directory holding go.mod). A relative path is taken from
	// the working directory when it exists there, else from the module
	// root.
	Script string
	// Source is Lua source to run instead of a file (see
	// tarantoolproc.Options.Source); it excludes Script.
	Source string
	// Unix makes the instance listen on a Unix socket in its work dir
	// instead of 127.0.0.1:<free port>.
	Unix bool
	// Env is extra environment for the script. TXT_LISTEN, TXT_WORK_DIR,
	// TXT_LOG and TXT_READY_FILE are set by the harness and cannot be
	// overridden.
	Env map[string]string
	// StartTimeout bounds the wait for readiness; zero means
	// DefaultStartTimeout.
	StartTimeout time.Duration
}

// proc returns the tarantoolproc options: the script resolved to a file,
// unless Source is set.
func (o Options) proc() (tarantoolproc.Options, error) {
	p := tarantoolproc.Options{Source: o.Source, Unix: o.Unix, Env: o.Env, StartTimeout: o.StartTimeout}
	if o.Source != "" {
		if o.Script != "" {
			return p, tarantoolproc.ErrNoScript
		}
		return p, nil
	}
	script, err := o.scriptPath()
	if err != nil {
		return p, err
	}
	p.Script = script
	return p, nil
}

// scriptPath returns the absolute path of the script to run.
func (o Options) scriptPath() (string, error) {
	if o.Script != "" && filepath.IsAbs(o.Script) {
		return checkFile(o.Script)
	}
	if o.Script != "" {
		if _, err := os.Stat(o.Script); err == nil {
			abs, err := filepath.Abs(o.Script)
			if err != nil {
				return "", err
			}
			return checkFile(abs)
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	rel := o.Script
	if rel == "" {
		rel = defaultScript
	}
	return checkFile(filepath.Join(root, rel))
}

// checkFile returns path when it names a regular file.
func checkFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("tarantooltest: script: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("tarantooltest: script %s is not a regular file", path)
	}
	return path, nil
}

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("tarantooltest: no go.mod above the working directory; set Options.Script")
		}
		dir = parent
	}
}
