package tarantooltest

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// Instance is a tarantool process started by Start or StartProcess, in a
// temporary work dir of its own (snapshots, WAL, log, Unix socket) and a
// process group of its own. Its methods are safe for concurrent use.
type Instance struct {
	p *tarantoolproc.Instance
}

// Start starts an instance for tb and waits until it is ready: its script
// has set up and the listen address sends a Tarantool greeting. When
// tarantool is not available it skips tb, or fails it when
// TARANTOOL_REQUIRED=1 (see SkipUnavailable); when the instance does not
// start it fails tb with the log tail. It registers a cleanup that stops the
// instance (removing its work dir, even after Kill) and, if tb failed, logs
// the tail of the server's log with tb.Logf. Starting costs a process
// launch and the script's setup: 50 ms to a second.
func Start(tb testing.TB, opts Options) *Instance {
	tb.Helper()
	if SkipUnavailable(tb) == "" {
		return nil
	}
	inst, err := StartProcess(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
		return nil
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("tarantool %s (pid %d, work dir %s) log tail:\n%s", inst.Addr(), inst.Pid(), inst.WorkDir(), inst.LogTail())
		}
		if err := inst.Stop(); err != nil {
			tb.Errorf("stop tarantool %s: %v", inst.Addr(), err)
		}
	})
	return inst
}

// StartProcess starts an instance and waits until it is ready, bounded by
// ctx and Options.StartTimeout, for callers without a testing.TB such as
// TestMain; the caller must call Stop. It returns an error wrapping
// ErrUnavailable when tarantool is not available, ErrScriptAndLua for both
// Script and Lua, an error wrapping os.ErrNotExist for a missing Script, and
// a *StartError when the instance does not become ready, in which case
// nothing is left running and the work dir is removed. It costs what Start
// costs.
func StartProcess(ctx context.Context, opts Options) (*Instance, error) {
	if _, err := tarantoolproc.Binary(); err != nil {
		return nil, err
	}
	popts, err := opts.proc()
	if err != nil {
		return nil, err
	}
	p, err := tarantoolproc.Start(ctx, popts)
	if err != nil {
		return nil, err
	}
	return &Instance{p: p}, nil
}

// Addr returns the address clients dial: "127.0.0.1:port" or
// "unix:/path/to.sock" (what client.Dial and transport.ParseAddress take).
// It is the same across restarts.
func (i *Instance) Addr() string { return i.p.Addr() }

// Network returns "tcp" or "unix", the network of Addr (for net.Dial).
func (i *Instance) Network() string {
	if strings.HasPrefix(i.p.Addr(), "unix:") {
		return "unix"
	}
	return "tcp"
}

// DialAddr returns the address for net.Dial(Network(), ...): Addr for TCP,
// the socket path for Unix.
func (i *Instance) DialAddr() string { return strings.TrimPrefix(i.p.Addr(), "unix:") }

// Port returns the TCP port the instance listens on, 0 on a Unix socket.
// It is the same across restarts.
func (i *Instance) Port() int {
	if i.Network() != "tcp" {
		return 0
	}
	_, port, err := net.SplitHostPort(i.p.Addr())
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(port)
	return n
}

// WorkDir returns the instance's work dir (snapshots, WAL, log, socket). It
// is the same across restarts and removed by Stop.
func (i *Instance) WorkDir() string { return i.p.WorkDir() }

// Pid returns the process id of the current (or last) tarantool process.
func (i *Instance) Pid() int { return i.p.Pid() }

// Running reports whether the instance's process is running: false after
// Kill, Terminate or Stop and once the process exited on its own. It costs a
// mutex and a channel poll.
func (i *Instance) Running() bool { return i.p.Running() }

// Kill sends SIGKILL to the tarantool process group (kill -9: a crash) and
// waits until the process is reaped; the work dir is kept, so Restart
// recovers the data from the WAL. Killing an instance that is not running
// is a no-op.
func (i *Instance) Kill() error { return i.p.Kill() }

// Terminate shuts the process down gracefully (SIGTERM, up to 5s, then
// SIGKILL) and waits until it is reaped, keeping the work dir for Restart.
// It returns ErrStopped after Stop.
func (i *Instance) Terminate() error { return i.p.Terminate() }

// Stop shuts the instance down (SIGTERM, up to 5s, then SIGKILL) and
// removes its work dir. It is idempotent. Start's cleanup calls it.
func (i *Instance) Stop() error { return i.p.Stop() }

// Restart starts tarantool again on the same address and work dir, so data
// written before a Kill or Restart is recovered from the snapshot and WAL,
// and waits until it is ready, bounded by ctx and Options.StartTimeout; a
// running process is first stopped gracefully. The script (and Options.Lua)
// runs again. It returns ErrStopped after Stop and a *StartError when the new
// process does not become ready. It costs a process launch and recovery.
func (i *Instance) Restart(ctx context.Context) error { return i.p.Restart(ctx) }

// WaitReady blocks until the running instance is ready (ready file created,
// greeting sent), polling every 20ms, bounded by ctx; see Restart for its
// errors.
func (i *Instance) WaitReady(ctx context.Context) error { return i.p.WaitReady(ctx) }

// Log returns the server's log (what tarantool logged plus its stdout and
// stderr), across restarts; "" after Stop. It reads the whole file.
func (i *Instance) Log() string { return i.p.Log() }

// LogTail returns the last 60 lines of Log, what failure reports show.
func (i *Instance) LogTail() string { return i.p.LogTail() }

// Eval runs the Lua expr with args on the instance as User (the default
// setup's and testdata scripts' admin) over a connection of its own, and
// decodes its results, an array of the values expr returned, into out with
// protocol.Decode (nil drops them). It does not use the client package. An
// error of the server is a *protocol.ServerError (errors.Is with
// protocol.ErrorCode(code) matches it); ctx bounds the whole exchange. It
// costs a dial, a greeting, an auth and one request: about a millisecond.
func (i *Instance) Eval(ctx context.Context, expr string, args []any, out any) error {
	return i.p.Eval(ctx, User, Password, expr, args, out)
}

// EvalAs is Eval as user with password (empty user: guest), for scripts
// with other users.
func (i *Instance) EvalAs(ctx context.Context, user, password, expr string, args []any, out any) error {
	return i.p.Eval(ctx, user, password, expr, args, out)
}
