// Package tarantoolproc starts and controls local tarantool processes:
// for the integration tests (through internal/tarantooltest, which adds the
// testing.TB policy) and for cmd/demo and the benchmark harness, which must
// not link the testing package.
//
// [Start] runs a Lua script, given as a file ([Options.Script]) or as
// source text ([Options.Source]), in a fresh temporary work dir (snapshots,
// WAL, log and, with [Options.Unix], the listening socket) and its own
// process group, on a free 127.0.0.1 port or a Unix socket, and waits until
// it is ready. An [Instance] can then be killed (SIGKILL, a crash),
// restarted on the same address and data, and stopped (which removes the
// work dir).
//
// The tarantool binary is $TARANTOOL_BIN when that is set, else tarantool
// on PATH; see [Binary].
//
// The script is passed its settings in the environment and must create the
// TXT_READY_FILE file once it is set up and listening:
//
//	TXT_LISTEN      address to listen on: "127.0.0.1:port" or a socket path
//	TXT_WORK_DIR    the work dir (box.cfg work_dir)
//	TXT_LOG         the log file (box.cfg log)
//	TXT_READY_FILE  the file to create when ready
//
// They are not TT_* because since 2.8 box.cfg reads TT_<OPTION> as the
// option's default: TT_LISTEN would make the first box.cfg{} listen before
// the script has created its schema. For the same reason TT_* variables of
// the calling process are not passed on (only Options.Env may set them).
//
// testdata/server.lua at the module root follows this contract.
//
// Errors are typed: [ErrUnavailable] when there is no binary, [ErrStopped]
// after [Instance.Stop], and a [*StartError] (wrapping [ErrExited] or a
// context error) when an instance does not become ready.
package tarantoolproc
