package client_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/tarantooltest"
)

// server is the Tarantool instance shared by this package's tests (started
// from testdata/server.lua on a free loopback port), or nil when tarantool
// is not installed and not required.
var server *tarantooltest.Instance

// testUser and testPassword log in as the user server.lua creates.
const (
	testUser     = "tester"
	testPassword = "secret"
)

func TestMain(m *testing.M) {
	inst, err := tarantooltest.StartProcess(tarantooltest.Options{})
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

// testContext returns a context that ends with the test (at most 30 s).
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial connects to addr as the test user with extra options applied, and
// closes the client when the test ends.
func dial(t testing.TB, addr string, opts ...func(*client.Options)) *client.Client {
	t.Helper()
	o := client.Options{User: testUser, Password: testPassword}
	for _, f := range opts {
		f(&o)
	}
	c, err := client.Dial(testContext(t), addr, o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// dialShared connects to the shared server (skipping without one).
func dialShared(t testing.TB, opts ...func(*client.Options)) *client.Client {
	t.Helper()
	return dial(t, requireServer(t).Addr(), opts...)
}
