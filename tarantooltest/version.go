package tarantooltest

import (
	"testing"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// Version is a tarantool version: Major, Minor, Patch and Raw, the text it
// was read from ("2.6.0-0-g47aa4e01e"). v.String() gives "2.6.0";
// v.AtLeast(2, 10) compares major.minor, v.AtLeastVersion(w) the patch
// too.
type Version = tarantoolproc.Version

// ParseVersion reads a version from "2.10", "3.8.0-entrypoint", the first
// line of `tarantool --version` or a greeting; the error wraps
// tarantoolproc.ErrBadVersion when there is none.
func ParseVersion(text string) (Version, error) { return tarantoolproc.ParseVersion(text) }

// ServerVersion returns the version of the tarantool binary the kit runs
// ($TARANTOOL_BIN or tarantool on PATH), skipping tb when there is none
// (failing it when TARANTOOL_REQUIRED=1) and failing tb when the version
// cannot be read. The first call runs `tarantool --version` (a few
// milliseconds); later calls are cached.
func ServerVersion(tb testing.TB) Version {
	tb.Helper()
	bin := SkipUnavailable(tb)
	if bin == "" {
		return Version{}
	}
	v, err := tarantoolproc.BinaryVersion(bin)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// AtLeast reports whether the kit's server is version min ("2.10", "3.0",
// "2.10.4": a patch counts when given) or later; see ServerVersion for when
// it skips or fails tb. It fails tb when min is not a version.
func AtLeast(tb testing.TB, min string) bool {
	tb.Helper()
	want, err := tarantoolproc.ParseVersion(min)
	if err != nil {
		tb.Fatal(err)
	}
	return ServerVersion(tb).AtLeastVersion(want)
}

// RequireVersion skips tb, with a message naming the version needed and the
// server's, unless the kit's server is version min ("2.10", "3.0") or
// later. Use it for tests of a feature older servers lack:
//
//	tarantooltest.RequireVersion(t, "2.10") // IPROTO_ID, streams
func RequireVersion(tb testing.TB, min string) {
	tb.Helper()
	if !AtLeast(tb, min) {
		tb.Skipf("needs Tarantool %s or later; the server (%s) is %s", min, serverName(), ServerVersion(tb).Raw)
	}
}

// serverName names the binary the kit runs, for skip messages.
func serverName() string {
	if bin, ok := Available(); ok {
		return bin
	}
	return "tarantool"
}
