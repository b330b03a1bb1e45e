package tarantoolproc

import (
	"errors"
	"fmt"
)

// ErrUnavailable is wrapped by the error Start and Binary return when there
// is no tarantool binary ($TARANTOOL_BIN, or tarantool on PATH).
var ErrUnavailable = errors.New("tarantoolproc: no tarantool binary (set " + EnvBin + " or put tarantool on PATH)")

// ErrStopped is returned by Restart and WaitReady on an instance that has
// been stopped with Stop.
var ErrStopped = errors.New("tarantoolproc: instance stopped")

// ErrExited is wrapped by the error WaitReady returns when the tarantool
// process exits before it is ready.
var ErrExited = errors.New("tarantoolproc: tarantool exited before it was ready")

// StartError reports an instance that did not become ready. Err is the cause
// (ErrExited, a context error, an exec error, ...); LogTail is the end of the
// server's log, the first place to look.
type StartError struct {
	// Addr is the address the instance was to listen on.
	Addr string
	// LogTail holds the last lines of the server's log.
	LogTail string
	// Err is the cause.
	Err error
}

// Error describes the failure and includes the log tail. It allocates.
func (e *StartError) Error() string {
	return fmt.Sprintf("tarantoolproc: tarantool on %s not ready: %v\n--- log tail ---\n%s", e.Addr, e.Err, e.LogTail)
}

// Unwrap returns the cause.
func (e *StartError) Unwrap() error { return e.Err }
