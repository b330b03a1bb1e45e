package client_test

import (
	"strings"
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantooltest"
)

// Assertions on what servers say differently (issue 19) key on the server's
// version, read once from `tarantool --version` of the binary the tests run
// ($TARANTOOL_BIN or tarantool on PATH). What 2.6.0 says is measured here;
// what 2.11.9 and 3.8.0 say is from issue 19 (2.11.9 says as 2.6 for
// everything keyed on "3.0" below); that the change came with 3.0 rather
// than some later 3.x is an assumption.

// serverAtLeast reports whether the test server is version min or later.
func serverAtLeast(t testing.TB, min string) bool {
	t.Helper()
	return tarantooltest.AtLeast(t, min)
}

// sqlName is the name the server reports for an unquoted SQL identifier
// written as written: upper-cased before 3.0, as written from 3.0.
func sqlName(t testing.TB, written string) string {
	t.Helper()
	if serverAtLeast(t, "3.0") {
		return written
	}
	return strings.ToUpper(written)
}

// illegalParams is the message of an ER_ILLEGAL_PARAMS raised with reason:
// "Illegal parameters, reason" before 3.0, the bare reason from 3.0.
func illegalParams(t testing.TB, reason string) string {
	t.Helper()
	if serverAtLeast(t, "3.0") {
		return reason
	}
	return "Illegal parameters, " + reason
}

// binaryEcho is what a Lua function returning an MP_BIN argument as it is
// sends back: before 3.0 Lua has no binary type and it comes back as an
// MP_STR (a Go string), from 3.0 as an MP_BIN ([]byte).
func binaryEcho(t testing.TB, b []byte) any {
	t.Helper()
	if serverAtLeast(t, "3.0") {
		return b
	}
	return string(b)
}
