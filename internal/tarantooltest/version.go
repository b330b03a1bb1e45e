package tarantooltest

import (
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// Version is a tarantool version (tarantoolproc.Version).
type Version = tarantoolproc.Version

// ServerVersion returns the version of the tarantool binary the harness
// runs ($TARANTOOL_BIN or tarantool on PATH), skipping tb when there is
// none (failing it when TARANTOOL_REQUIRED=1) and failing tb when the
// version cannot be read. The first call runs `tarantool --version` (a few
// milliseconds); later calls are cached.
func ServerVersion(tb testing.TB) Version {
	tb.Helper()
	bin, ok := Available()
	if !ok {
		skipOrFail(tb, Required())
		return Version{}
	}
	v, err := tarantoolproc.BinaryVersion(bin)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// AtLeast reports whether the harness's server is version min ("2.10",
// "3.0", "2.10.4": a patch counts when given) or later; see ServerVersion for when it skips or fails tb. It fails
// tb when min is not a version.
func AtLeast(tb testing.TB, min string) bool {
	tb.Helper()
	want, err := tarantoolproc.ParseVersion(min)
	if err != nil {
		tb.Fatal(err)
	}
	return ServerVersion(tb).AtLeastVersion(want)
}

// RequireVersion skips tb, with a message naming the version needed and the
// server's, unless the harness's server is version min ("2.10", "3.0") or
// later. Use it for tests of a feature older servers lack:
//
//	tarantooltest.RequireVersion(t, "2.10") // IPROTO_ID, error_extension
func RequireVersion(tb testing.TB, min string) {
	tb.Helper()
	if !AtLeast(tb, min) {
		tb.Skipf("needs Tarantool %s or later; the server (%s) is %s", min, serverName(), ServerVersion(tb).Raw)
	}
}

// serverName names the binary the harness runs, for skip messages.
func serverName() string {
	if bin, ok := Available(); ok {
		return bin
	}
	return "tarantool"
}
