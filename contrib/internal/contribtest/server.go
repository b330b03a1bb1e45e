package contribtest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// The user testdata/server.lua creates.
const (
	User     = "tester"
	Password = "secret"
)

// script is the main module's testdata/server.lua seen from a contrib
// module's package directory (contrib/<name>), where go test runs.
const script = "../../testdata/server.lua"

// Server is the tarantool a test package shares; its zero value (no
// tarantool installed, none required) makes every Require skip.
type Server struct {
	inst *tarantooltest.Instance
}

// Main starts srv's tarantool from the main module's testdata/server.lua,
// runs the package's tests and stops it, returning the exit code for
// TestMain's os.Exit. Without tarantool the tests run and integration
// tests skip, unless TARANTOOL_REQUIRED=1, where Main fails at once.
// Cost: one tarantool process for the package's life.
func Main(m *testing.M, srv *Server) int {
	inst, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{Script: script})
	switch {
	case err == nil:
		srv.inst = inst
	case tarantooltest.Required():
		fmt.Fprintf(os.Stderr, "TARANTOOL_REQUIRED=1 but the test server did not start: %v\n", err)
		return 1
	default:
		fmt.Fprintf(os.Stderr, "integration tests will skip: %v\n", err)
	}
	code := m.Run()
	if srv.inst != nil {
		_ = srv.inst.Stop()
	}
	return code
}

// Require returns the server's address, or skips tb when there is no
// server.
func (s *Server) Require(tb testing.TB) string {
	tb.Helper()
	if s.inst == nil {
		tb.Skip("tarantool not found on PATH; install it with `apt-get install tarantool` or run `make test`")
	}
	return s.inst.Addr()
}

// PointExamples sets an example file's addr, user and password variables
// to the server's (skipping t if there is none) until t ends.
func (s *Server) PointExamples(t *testing.T, addr, user, password *string) {
	t.Helper()
	serverAddr := s.Require(t)
	saved := [3]string{*addr, *user, *password}
	*addr, *user, *password = serverAddr, User, Password
	t.Cleanup(func() { *addr, *user, *password = saved[0], saved[1], saved[2] })
}
