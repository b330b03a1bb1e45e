package txprometheus_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/internal/tarantooltest"
)

// server is the tarantool this package's tests share, started from the
// main module's testdata/server.lua, or nil when tarantool is missing and
// not required.
var server *tarantooltest.Instance

// The user testdata/server.lua creates.
const (
	testUser     = "tester"
	testPassword = "secret"
)

func TestMain(m *testing.M) {
	inst, err := tarantooltest.StartProcess(tarantooltest.Options{Script: "../../testdata/server.lua"})
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

// captureStdout returns what fn prints on os.Stdout.
func captureStdout(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	var out strings.Builder
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(&out, r)
	}()
	saved := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = saved }()
	fn()
	os.Stdout = saved
	require.NoError(t, w.Close())
	wg.Wait()
	require.NoError(t, r.Close())
	return out.String()
}
