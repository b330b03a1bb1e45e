package tarantooltest

import "github.com/txtarantool/txtarantool/internal/tarantoolproc"

// ErrUnavailable is wrapped by the error StartProcess returns when there is
// no tarantool binary. It is tarantoolproc.ErrUnavailable.
var ErrUnavailable = tarantoolproc.ErrUnavailable

// ErrStopped is returned by Restart and WaitReady on an instance that has
// been stopped with Stop. It is tarantoolproc.ErrStopped.
var ErrStopped = tarantoolproc.ErrStopped

// ErrExited is wrapped by the error WaitReady returns when the tarantool
// process exits before it is ready. It is tarantoolproc.ErrExited.
var ErrExited = tarantoolproc.ErrExited

// StartError reports an instance that did not become ready; see
// tarantoolproc.StartError.
type StartError = tarantoolproc.StartError
