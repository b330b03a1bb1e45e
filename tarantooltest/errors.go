package tarantooltest

import "github.com/txtarantool/txtarantool/internal/tarantoolproc"

// ErrUnavailable is wrapped by the error StartProcess returns when there is
// no tarantool binary ($TARANTOOL_BIN, or tarantool on PATH).
var ErrUnavailable = tarantoolproc.ErrUnavailable

// ErrStopped is returned by Restart, Terminate and WaitReady on an instance
// that has been stopped with Stop.
var ErrStopped = tarantoolproc.ErrStopped

// ErrExited is wrapped by the error a start returns when the tarantool
// process exits before it is ready (a Lua error in the script, say).
var ErrExited = tarantoolproc.ErrExited

// StartError reports an instance that did not become ready (Start,
// StartProcess, Restart, WaitReady). Its fields: Addr, the address the
// instance was to listen on; LogTail, the last 60 lines of the server's log,
// the first place to look; Err, the cause (ErrExited, a context error, an
// exec error), which Unwrap returns, so errors.Is(err, ErrExited) and
// errors.Is(err, context.DeadlineExceeded) match.
type StartError = tarantoolproc.StartError
