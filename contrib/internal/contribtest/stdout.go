package contribtest

import (
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// CaptureStdout returns what fn prints on os.Stdout, for checking an
// example's output when it needs a server and so has no // Output: line.
// It swaps os.Stdout: tests using it must not run in parallel.
func CaptureStdout(t *testing.T, fn func()) string {
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
