package tarantooltest

import (
	"os"
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// EnvRequired is the environment variable that, set to "1", turns a missing
// tarantool from a skipped test into a failed one.
const EnvRequired = "TARANTOOL_REQUIRED"

// unavailableMessage tells the reader how to get tarantool.
const unavailableMessage = "tarantool not found on PATH (nor $" + tarantoolproc.EnvBin + "); install it with `apt-get install tarantool` or run `make test`"

// Available returns the path of the tarantool binary tests run:
// $TARANTOOL_BIN when set, else tarantool on PATH (tarantoolproc.Binary).
// It costs one PATH search (a few stat calls).
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

// skipOrFail ends tb because tarantool is missing: with Fatal when required,
// else with Skip.
func skipOrFail(tb testing.TB, required bool) {
	tb.Helper()
	if required {
		tb.Fatal(unavailableMessage + " (" + EnvRequired + "=1)")
		return
	}
	tb.Skip(unavailableMessage)
}
