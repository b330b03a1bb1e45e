package tarantooltest

import (
	"context"
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// Instance is a tarantool process started by Start or StartProcess; see
// tarantoolproc.Instance for its methods (Addr, Pid, WorkDir, Kill,
// Restart, Stop, WaitReady, Log, LogTail).
type Instance = tarantoolproc.Instance

// Start starts an instance for tb and waits until it is ready. When
// tarantool is not available it skips tb, or fails it when
// TARANTOOL_REQUIRED=1; when the instance does not start it fails tb. It
// registers a cleanup that stops the instance and, if tb failed, logs the
// tail of the server's log. Starting costs a process launch and the
// script's setup: tens of milliseconds to a second.
func Start(tb testing.TB, opts Options) *Instance {
	tb.Helper()
	if _, ok := Available(); !ok {
		skipOrFail(tb, Required())
		return nil
	}
	inst, err := StartProcess(opts)
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

// StartProcess starts an instance and waits until it is ready, for callers
// without a testing.TB such as TestMain; the caller must call Stop. It
// returns an error wrapping ErrUnavailable when tarantool is not available,
// and a *StartError when the instance does not become ready within
// Options.StartTimeout, in which case nothing is left running and the work
// dir is removed (see tarantoolproc.Start).
func StartProcess(opts Options) (*Instance, error) {
	if _, err := tarantoolproc.Binary(); err != nil {
		return nil, err
	}
	popts, err := opts.proc()
	if err != nil {
		return nil, err
	}
	return tarantoolproc.Start(context.Background(), popts)
}
