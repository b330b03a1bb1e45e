package tarantoolproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// File names inside an instance's work dir.
const (
	logFileName    = "tarantool.log"
	readyFileName  = "txtarantool-ready"
	socketFileName = "t.sock"
)

// listenAttempts is how many free ports Start tries when the one it
// picked is taken before tarantool binds it.
const listenAttempts = 3

// Instance is a tarantool process started by Start. Its methods are safe
// for concurrent use.
type Instance struct {
	bin       string
	script    string
	env       []string
	workDir   string
	logPath   string
	readyPath string
	network   string        // "tcp" or "unix", for net.Dial
	dialAddr  string        // "127.0.0.1:port" or the socket path
	addr      string        // what Addr returns
	timeout   time.Duration // readiness bound per start

	mu      sync.Mutex
	proc    *process // the current or last run; nil before the first
	stopped bool
}

// Start starts an instance and waits until it is ready, bounded by ctx and
// Options.StartTimeout; the caller must call Stop. It returns an error
// wrapping ErrUnavailable when there is no tarantool binary, ErrNoScript
// when opts names no script (or two), and a *StartError when the instance
// does not become ready, in which case nothing is left running and the
// work dir is removed. On TCP it retries with another free port when the
// one picked was taken meanwhile. Starting costs a process launch and the
// script's setup: tens of milliseconds to a second.
func Start(ctx context.Context, opts Options) (*Instance, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	workDir, err := os.MkdirTemp(tempBase(), "tt")
	if err != nil {
		return nil, fmt.Errorf("tarantoolproc: %w", err)
	}
	script, err := opts.script(workDir)
	if err != nil {
		_ = os.RemoveAll(workDir)
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		inst, err := newInstance(bin, script, workDir, opts)
		if err != nil {
			_ = os.RemoveAll(workDir)
			return nil, err
		}
		err = inst.run(ctx)
		if err == nil {
			return inst, nil
		}
		_ = inst.Kill()
		portTaken := !opts.Unix && opts.Port == 0 && errors.Is(err, ErrExited) && strings.Contains(inst.Log(), "Address already in use")
		if portTaken && attempt < listenAttempts && ctx.Err() == nil {
			continue
		}
		_ = os.RemoveAll(workDir)
		return nil, err
	}
}

// newInstance prepares, without starting it, an instance in workDir.
func newInstance(bin, script, workDir string, opts Options) (*Instance, error) {
	i := &Instance{
		bin:       bin,
		script:    script,
		workDir:   workDir,
		logPath:   filepath.Join(workDir, logFileName),
		readyPath: filepath.Join(workDir, readyFileName),
	}
	var listen string
	if opts.Unix {
		listen = filepath.Join(workDir, socketFileName)
		i.network, i.dialAddr, i.addr = "unix", listen, "unix:"+listen
	} else {
		port := opts.Port
		if port == 0 {
			p, err := freePort()
			if err != nil {
				return nil, fmt.Errorf("tarantoolproc: pick a free port: %w", err)
			}
			port = p
		}
		listen = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		i.network, i.dialAddr, i.addr = "tcp", listen, listen
	}
	i.timeout = opts.startTimeout()

	env := inheritedEnv(os.Environ())
	keys := make([]string, 0, len(opts.Env))
	for k := range opts.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+opts.Env[k])
	}
	i.env = append(env,
		"TXT_LISTEN="+listen,
		"TXT_WORK_DIR="+workDir,
		"TXT_LOG="+i.logPath,
		"TXT_READY_FILE="+i.readyPath,
	)
	return i, nil
}

// inheritedEnv returns environ without its TT_* variables: since 2.8
// box.cfg takes TT_<OPTION> from the environment as the option's default
// (TT_LISTEN, TT_WORK_DIR, TT_MEMTX_MEMORY...), so a variable set in the
// shell that runs the tests would configure the server behind the script's
// back, e.g. make it listen before its schema exists. The harness passes its
// own settings as TXT_*; Options.Env may still set TT_* on purpose. It costs
// one pass over the environment (a new slice of at most len(environ)).
func inheritedEnv(environ []string) []string {
	env := make([]string, 0, len(environ))
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "TT_") {
			env = append(env, kv)
		}
	}
	return env
}

// Addr returns the address clients dial: "127.0.0.1:port" or
// "unix:/path/to.sock", a form transport.ParseAddress accepts. It is the
// same across restarts.
func (i *Instance) Addr() string { return i.addr }

// WorkDir returns the instance's work dir (snapshots, WAL, log, socket). It
// is the same across restarts and removed by Stop.
func (i *Instance) WorkDir() string { return i.workDir }

// Pid returns the process id of the current (or last) tarantool process, or
// 0 before the first start.
func (i *Instance) Pid() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.proc == nil {
		return 0
	}
	return i.proc.cmd.Process.Pid
}

// Running reports whether the instance's current process is running: false
// before the first start, after Kill or Stop, and once the process exited on
// its own. It costs a mutex and a channel poll.
func (i *Instance) Running() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.proc != nil && !i.stopped && !i.proc.exited()
}

// Kill sends SIGKILL to the tarantool process group and waits until the
// process is reaped, simulating a crash: the work dir is kept, so Restart
// recovers the data from the WAL. Killing an instance that is not running is
// a no-op.
func (i *Instance) Kill() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.proc == nil {
		return nil
	}
	return i.proc.kill()
}

// Stop shuts the instance down: SIGTERM to its process group, up to 5s for
// it to exit, then SIGKILL; then it removes the work dir. It is idempotent:
// later calls return nil at once.
func (i *Instance) Stop() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopped {
		return nil
	}
	i.stopped = true
	var errs []error
	if i.proc != nil {
		if err := i.proc.terminate(stopGrace); err != nil {
			errs = append(errs, fmt.Errorf("tarantoolproc: stop pid %d: %w", i.proc.cmd.Process.Pid, err))
		}
	}
	if err := os.RemoveAll(i.workDir); err != nil {
		errs = append(errs, fmt.Errorf("tarantoolproc: %w", err))
	}
	return errors.Join(errs...)
}

// Terminate shuts the process down gracefully (SIGTERM to its process group,
// up to 5s, then SIGKILL) and waits until it is reaped, keeping the work dir:
// unlike Stop, Restart can start it again, with its data. Terminating an
// instance that is not running is a no-op; after Stop it returns ErrStopped.
func (i *Instance) Terminate() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopped {
		return ErrStopped
	}
	if i.proc == nil {
		return nil
	}
	if err := i.proc.terminate(stopGrace); err != nil {
		return fmt.Errorf("tarantoolproc: terminate pid %d: %w", i.proc.cmd.Process.Pid, err)
	}
	return nil
}

// Restart starts tarantool again on the same address and work dir, so data
// written before a Kill or Restart is recovered from the snapshot and WAL,
// and waits until it is ready, bounded by ctx and Options.StartTimeout. A
// running process is first stopped gracefully (as Stop does, without
// removing anything). It returns ErrStopped after Stop, and a *StartError
// when the new process does not become ready.
func (i *Instance) Restart(ctx context.Context) error {
	i.mu.Lock()
	if i.stopped {
		i.mu.Unlock()
		return ErrStopped
	}
	if i.proc != nil {
		if err := i.proc.terminate(stopGrace); err != nil {
			i.mu.Unlock()
			return fmt.Errorf("tarantoolproc: stop before restart: %w", err)
		}
	}
	i.mu.Unlock()
	return i.run(ctx)
}

// run launches a new process and waits until it is ready.
func (i *Instance) run(ctx context.Context) error {
	i.mu.Lock()
	if i.stopped {
		i.mu.Unlock()
		return ErrStopped
	}
	if err := os.Remove(i.readyPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		i.mu.Unlock()
		return fmt.Errorf("tarantoolproc: %w", err)
	}
	p, err := launch(i.bin, i.script, i.workDir, i.logPath, i.env)
	if err != nil {
		i.mu.Unlock()
		return &StartError{Addr: i.addr, LogTail: i.LogTail(), Err: err}
	}
	i.proc = p
	i.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, i.timeout)
	defer cancel()
	return i.WaitReady(ctx)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

// FreePorts returns n distinct TCP ports on 127.0.0.1 that were free a
// moment ago: it holds a listener on each until all are picked, then closes
// them. Another process may still take one before tarantool binds it. It
// costs n listen calls.
func FreePorts(n int) ([]int, error) {
	lns := make([]net.Listener, 0, n)
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	ports := make([]int, 0, n)
	for len(ports) < n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("tarantoolproc: pick a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tempBase returns a directory for work dirs short enough that a socket
// path inside stays well under the 108-byte limit.
func tempBase() string {
	if base := os.TempDir(); len(base) <= 64 {
		return base
	}
	return "/tmp"
}
