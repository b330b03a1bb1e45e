package tarantooltest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// skipRecorder records the message a helper skips with.
type skipRecorder struct {
	testing.TB
	msg string
}

func (r *skipRecorder) Skipf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	r.TB.SkipNow()
}

// fakeBinary points TARANTOOL_BIN at a script whose --version says version.
func fakeBinary(t *testing.T, version string) string {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tarantool-"+version)
	script := "#!/bin/sh\necho 'Tarantool " + version + "-0-gdeadbee'\n"
	require.NoError(t, os.WriteFile(bin, []byte(script), 0o755))
	t.Setenv(tarantooltest.EnvBin, bin)
	return bin
}

func TestRequireVersion(t *testing.T) {
	bin := fakeBinary(t, "2.6.0")
	require.Equal(t, "2.6.0", tarantooltest.ServerVersion(t).String())
	require.True(t, tarantooltest.AtLeast(t, "2.6"))
	require.False(t, tarantooltest.AtLeast(t, "2.10"))

	var ran, skipped bool
	rec := &skipRecorder{}
	t.Run("2.10", func(st *testing.T) {
		defer func() { skipped = st.Skipped() }()
		rec.TB = st
		tarantooltest.RequireVersion(rec, "2.10")
		ran = true
	})
	require.True(t, skipped)
	require.False(t, ran)
	require.Equal(t, "needs Tarantool 2.10 or later; the server ("+bin+") is 2.6.0-0-gdeadbee", rec.msg)

	t.Run("2.6", func(st *testing.T) {
		defer func() { skipped = st.Skipped() }()
		tarantooltest.RequireVersion(st, "2.6")
		ran = true
	})
	require.False(t, skipped)
	require.True(t, ran)

	fakeBinary(t, "3.8.0")
	require.True(t, tarantooltest.AtLeast(t, "2.10"))
	require.True(t, tarantooltest.AtLeast(t, "3.0"))
	require.False(t, tarantooltest.AtLeast(t, "3.9"))
}

func TestServerVersionReal(t *testing.T) {
	v := tarantooltest.ServerVersion(t)
	require.GreaterOrEqual(t, v.Major, 2, v.Raw)
	require.True(t, tarantooltest.AtLeast(t, "2.6"), v.Raw)
}
