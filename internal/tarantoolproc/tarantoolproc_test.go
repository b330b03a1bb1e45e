package tarantoolproc_test

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// readyLua is the smallest script that follows the harness contract.
const readyLua = `
box.cfg{work_dir = os.getenv('TXT_WORK_DIR'), log = os.getenv('TXT_LOG'), memtx_memory = 32 * 1024 * 1024}
box.cfg{listen = os.getenv('TXT_LISTEN')}
require('log').info('proc-ready')
io.open(os.getenv('TXT_READY_FILE'), 'w'):close()
`

// needTarantool returns the tarantool binary, skipping the test when there
// is none (failing it when TARANTOOL_REQUIRED=1). This package cannot use
// tarantooltest, which is built on it.
func needTarantool(t *testing.T) string {
	t.Helper()
	bin, err := tarantoolproc.Binary()
	if err != nil {
		if os.Getenv("TARANTOOL_REQUIRED") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return bin
}

// start starts opts and stops the instance when the test ends.
func start(t *testing.T, opts tarantoolproc.Options) *tarantoolproc.Instance {
	t.Helper()
	inst, err := tarantoolproc.Start(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, inst.Stop()) })
	return inst
}

// greeting reads the first bytes the instance sends.
func greeting(t *testing.T, inst *tarantoolproc.Instance) string {
	t.Helper()
	return readGreeting(t, inst, 10)
}

// fullGreeting reads the greeting's first line (64 bytes).
func fullGreeting(t *testing.T, inst *tarantoolproc.Instance) string {
	t.Helper()
	return readGreeting(t, inst, 64)
}

// readGreeting reads the first n bytes the instance sends.
func readGreeting(t *testing.T, inst *tarantoolproc.Instance, n int) string {
	t.Helper()
	network, address := "tcp", inst.Addr()
	if path, ok := strings.CutPrefix(address, "unix:"); ok {
		network, address = "unix", path
	}
	conn, err := net.DialTimeout(network, address, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, n)
	_, err = io.ReadFull(conn, buf)
	require.NoError(t, err)
	return string(buf)
}

func TestStartSource(t *testing.T) {
	needTarantool(t)
	for _, unix := range []bool{false, true} {
		inst := start(t, tarantoolproc.Options{Source: readyLua, Unix: unix})
		require.Equal(t, "Tarantool ", greeting(t, inst))
		require.Contains(t, inst.Log(), "proc-ready")
		require.FileExists(t, filepath.Join(inst.WorkDir(), "init.lua"))
		require.NoError(t, inst.Kill())
		require.NoError(t, inst.Restart(context.Background()))
		require.Equal(t, "Tarantool ", greeting(t, inst))
		require.Contains(t, inst.LogTail(), "proc-ready")
	}
}

func TestStartRelativeScript(t *testing.T) {
	needTarantool(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.lua"), []byte(readyLua), 0o644))
	t.Chdir(dir)
	inst := start(t, tarantoolproc.Options{Script: "s.lua"})
	require.Contains(t, inst.Log(), "proc-ready")
}

// TestStartEnvNoTT checks that the script sees no TT_* variable but those
// set in Options.Env: box.cfg (2.8+) reads TT_<OPTION> as defaults, so one
// inherited from the test's environment, or set by the harness itself,
// would configure the server before the script does.
func TestStartEnvNoTT(t *testing.T) {
	needTarantool(t)
	t.Setenv("TT_MEMTX_MEMORY", "1")
	t.Setenv("TXT_INHERITED", "kept")
	const check = `require('log').info('env-check TT_LISTEN=%s TT_MEMTX_MEMORY=%s TT_CUSTOM=%s TXT_INHERITED=%s',
    tostring(os.getenv('TT_LISTEN')), tostring(os.getenv('TT_MEMTX_MEMORY')),
    tostring(os.getenv('TT_CUSTOM')), tostring(os.getenv('TXT_INHERITED')))
`
	inst := start(t, tarantoolproc.Options{Source: check + readyLua, Env: map[string]string{"TT_CUSTOM": "set"}})
	require.Contains(t, inst.Log(), "env-check TT_LISTEN=nil TT_MEMTX_MEMORY=nil TT_CUSTOM=set TXT_INHERITED=kept")
}

func TestStartOptionsErrors(t *testing.T) {
	_, err := tarantoolproc.Start(context.Background(), tarantoolproc.Options{})
	require.ErrorIs(t, err, tarantoolproc.ErrNoScript)
	_, err = tarantoolproc.Start(context.Background(), tarantoolproc.Options{Script: "a.lua", Source: readyLua})
	require.ErrorIs(t, err, tarantoolproc.ErrNoScript)
	needTarantool(t)
	_, err = tarantoolproc.Start(context.Background(), tarantoolproc.Options{Script: filepath.Join(t.TempDir(), "missing.lua")})
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestStartContextCancelled(t *testing.T) {
	needTarantool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// Never creates the ready file.
	inst, err := tarantoolproc.Start(ctx, tarantoolproc.Options{Source: "box.cfg{work_dir = os.getenv('TXT_WORK_DIR'), log = os.getenv('TXT_LOG')}"})
	require.Nil(t, inst)
	var se *tarantoolproc.StartError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBinaryFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)

	t.Setenv(tarantoolproc.EnvBin, "")
	_, err := tarantoolproc.Binary()
	require.ErrorIs(t, err, tarantoolproc.ErrUnavailable)
	_, err = tarantoolproc.Start(context.Background(), tarantoolproc.Options{Source: readyLua})
	require.ErrorIs(t, err, tarantoolproc.ErrUnavailable)

	missing := filepath.Join(dir, "no-tarantool")
	t.Setenv(tarantoolproc.EnvBin, missing)
	_, err = tarantoolproc.Binary()
	require.ErrorIs(t, err, tarantoolproc.ErrUnavailable)
	require.ErrorContains(t, err, "TARANTOOL_BIN="+missing)

	fake := filepath.Join(dir, "fake-tarantool")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\nexit 0\n"), 0o755))
	t.Setenv(tarantoolproc.EnvBin, fake)
	got, err := tarantoolproc.Binary()
	require.NoError(t, err)
	require.Equal(t, fake, got)
	t.Setenv(tarantoolproc.EnvBin, "fake-tarantool") // a name, looked up on PATH
	got, err = tarantoolproc.Binary()
	require.NoError(t, err)
	require.Equal(t, fake, got)

	// The fake exits at once: Start runs it and reports that.
	_, err = tarantoolproc.Start(context.Background(), tarantoolproc.Options{Source: readyLua})
	require.ErrorIs(t, err, tarantoolproc.ErrExited)
}

func TestStartRunsTarantoolBin(t *testing.T) {
	bin := needTarantool(t)
	t.Setenv("PATH", t.TempDir())
	t.Setenv(tarantoolproc.EnvBin, bin)
	inst := start(t, tarantoolproc.Options{Source: readyLua})
	require.Equal(t, "Tarantool ", greeting(t, inst))
}

// TestNoTestingImport: cmd/demo links this package, so it must not import
// testing (go list is the judge; skipped without the go command).
func TestNoTestingImport(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, dep := range strings.Fields(string(out)) {
		if dep == "testing" {
			t.Fatal("internal/tarantoolproc depends on package testing")
		}
	}
}
