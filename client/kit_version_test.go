package client_test

import (
	"strings"
	"testing"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// Assertions on what servers say differently (issue 19) key on the server's
// version, read once from `tarantool --version` of the binary the tests run
// ($TARANTOOL_BIN or tarantool on PATH). What 2.6.0 says is measured here;
// what 2.11.9 and 3.8.0 say was measured with builds of those versions;
// where a change came in between, it was read in Tarantool's source at the
// release tags (or, for what is keyed on "3.0", is an assumption that held
// on 2.11.9 and 3.8.0).

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

// unknownUserCode is the error of authenticating as a user that does not
// exist: ER_NO_SUCH_USER before 2.10.4, then ER_CREDS_MISMATCH, the same
// as a wrong password, so that users cannot be enumerated (read in
// Tarantool's source, src/box/authentication.c(c), at the tags).
func unknownUserCode(t testing.TB) iproto.Error {
	t.Helper()
	if serverAtLeast(t, "2.10.4") {
		return iproto.ER_CREDS_MISMATCH
	}
	return iproto.ER_NO_SUCH_USER
}

// illegalParamsType is the error type (ServerError stack frame Type) of
// an ER_ILLEGAL_PARAMS: "ClientError" before 3.2, "IllegalParams" from
// 3.2 (src/box/error.cc at the tags).
func illegalParamsType(t testing.TB) string {
	t.Helper()
	if serverAtLeast(t, "3.2") {
		return "IllegalParams"
	}
	return "ClientError"
}
