package tarantooltest

import (
	"os"
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// EnvBin is the environment variable naming the tarantool binary to run
// (a path, or a name looked up on PATH); empty or unset means tarantool on
// PATH.
const EnvBin = tarantoolproc.EnvBin

// EnvRequired is the environment variable that, set to "1", turns a missing
// tarantool from a skipped test into a failed one (set it in CI).
const EnvRequired = "TARANTOOL_REQUIRED"

// unavailableMessage tells the reader how to get tarantool.
const unavailableMessage = "tarantool not found on PATH (nor $" + EnvBin + "); install it (e.g. `apt-get install tarantool`) or set " + EnvBin

// Available returns the path of the tarantool binary the kit runs:
// $TARANTOOL_BIN when set, else tarantool on PATH. It costs one PATH
// search (a few stat calls).
func Available() (path string, ok bool) {
	p, err := tarantoolproc.Binary()
	if err != nil {
		return "", false
	}
	return p, true
}

// Required reports whether TARANTOOL_REQUIRED=1 is set, meaning tests must
// fail rather than skip when tarantool is missing. It reads the environment.
func Required() bool {
	return os.Getenv(EnvRequired) == "1"
}

// SkipUnavailable ends tb when there is no tarantool binary: it skips with
// a message naming what is missing and how to get it, or fails tb when
// TARANTOOL_REQUIRED=1. It returns the binary's path otherwise. Start,
// StartReplicaSet and ServerVersion call it first; it costs one PATH search.
func SkipUnavailable(tb testing.TB) string {
	tb.Helper()
	bin, ok := Available()
	if ok {
		return bin
	}
	if Required() {
		tb.Fatal(unavailableMessage + " (" + EnvRequired + "=1)")
		return ""
	}
	tb.Skip(unavailableMessage)
	return ""
}
