package client_test

// The test kit of this package lives in the kit_*_test.go files, one
// concept each: real Tarantool servers (this file), dialing clients
// (kit_dial_test.go), fake servers (kit_fake_test.go), waiting under the
// hang guard (kit_wait_test.go), error assertions (kit_assert_test.go),
// goroutine leaks (kit_leak_test.go), recorders of lifecycle events and
// logs (kit_events_test.go), test data on the server (kit_data_test.go)
// and the wiretap that records what a client writes (kit_wiretap_test.go).

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// server is the Tarantool instance shared by this package's tests (started
// from testdata/server.lua on a free loopback port), or nil when tarantool
// is not installed and not required.
var server *tarantooltest.Instance

// testUser and testPassword log in as the user server.lua creates (the
// same as tarantooltest's default setup).
const (
	testUser     = tarantooltest.User
	testPassword = tarantooltest.Password
)

// serverOptions start testdata/server.lua (found at the module root), the
// schema this package's tests use, on TCP or a Unix socket.
func serverOptions(unix bool) tarantooltest.Options {
	return tarantooltest.Options{Script: "testdata/server.lua", Unix: unix}
}

func TestMain(m *testing.M) {
	inst, err := tarantooltest.StartProcess(context.Background(), serverOptions(false))
	switch {
	case err == nil:
		server = inst
	case tarantooltest.Required():
		fmt.Fprintf(os.Stderr, "TARANTOOL_REQUIRED=1 but the test server did not start: %v\n", err)
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "integration tests will skip: %v\n", err)
	}
	code := m.Run()
	if server != nil {
		_ = server.Stop()
	}
	os.Exit(code)
}

// requireServer skips the test when there is no shared server.
func requireServer(t testing.TB) *tarantooltest.Instance {
	t.Helper()
	if server == nil {
		t.Skip("tarantool not found on PATH; install it with `apt-get install tarantool` or run `make test`")
	}
	return server
}

// startServer starts a tarantool of the test's own, on TCP or a Unix
// socket, for a test that kills or restarts it. It is stopped when the
// test ends.
func startServer(t *testing.T, unix bool) *tarantooltest.Instance {
	t.Helper()
	return tarantooltest.Start(t, serverOptions(unix))
}

// restartServer starts the killed instance again on the same address and
// data.
func restartServer(t *testing.T, inst *tarantooltest.Instance) {
	t.Helper()
	require.NoError(t, inst.Restart(testContext(t)))
}

// networkName names the transport of a subtest.
func networkName(unix bool) string {
	if unix {
		return "unix"
	}
	return "tcp"
}
