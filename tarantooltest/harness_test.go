package tarantooltest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
	"github.com/txtarantool/txtarantool/transport"
)

// requireGreeting dials addr and checks that it sends a Tarantool greeting.
func requireGreeting(t *testing.T, addr string) {
	t.Helper()
	d, err := transport.NewDialer(addr)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := d.Dial(ctx)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 128)
	_, err = io.ReadFull(conn, buf)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(buf), "Tarantool "), "greeting %q", buf)
}

// requireGone checks that no process has pid any more.
func requireGone(t *testing.T, pid int) {
	t.Helper()
	require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "pid %d still exists", pid)
}

func TestStartTCP(t *testing.T) {
	inst := tarantooltest.Start(t, tarantooltest.Options{})
	a, err := transport.ParseAddress(inst.Addr())
	require.NoError(t, err)
	require.Equal(t, "tcp", a.Network)
	require.True(t, strings.HasPrefix(inst.Addr(), "127.0.0.1:"), inst.Addr())
	require.Positive(t, inst.Pid())
	require.DirExists(t, inst.WorkDir())
	requireGreeting(t, inst.Addr())
	require.Contains(t, inst.Log(), "tarantooltest-ready")
	require.Equal(t, "tcp", inst.Network())
	require.Equal(t, inst.Addr(), inst.DialAddr())
	require.Equal(t, inst.Addr(), "127.0.0.1:"+strconv.Itoa(inst.Port()))

	// The default setup: user tester with every privilege, space test.
	ctx := context.Background()
	var out []any
	require.NoError(t, inst.Eval(ctx, "box.space.test:replace{1, 'one'} return box.space.test:get(1), box.space.test.index.primary.type", nil, &out))
	require.Equal(t, []any{[]any{int64(1), "one"}, "TREE"}, out)
	err = inst.EvalAs(ctx, "", "", "return 1", nil, nil)
	require.ErrorIs(t, err, protocol.ErrorCode(iproto.ER_ACCESS_DENIED), "guest keeps its defaults")
}

func TestStartUnix(t *testing.T) {
	inst := tarantooltest.Start(t, tarantooltest.Options{Unix: true})
	a, err := transport.ParseAddress(inst.Addr())
	require.NoError(t, err)
	require.Equal(t, "unix", a.Network)
	require.Less(t, len(a.Address), 108)
	require.Equal(t, inst.WorkDir(), filepath.Dir(a.Address))
	require.Equal(t, "unix", inst.Network())
	require.Equal(t, a.Address, inst.DialAddr())
	require.Zero(t, inst.Port())
	requireGreeting(t, inst.Addr())
}

func TestKillRestartSameAddress(t *testing.T) {
	for _, unix := range []bool{false, true} {
		t.Run(map[bool]string{false: "tcp", true: "unix"}[unix], func(t *testing.T) {
			inst := tarantooltest.Start(t, tarantooltest.Options{Unix: unix})
			addr, pid := inst.Addr(), inst.Pid()
			requireGreeting(t, addr)

			require.NoError(t, inst.Kill())
			requireGone(t, pid)
			require.NoError(t, inst.Kill(), "killing a dead instance is a no-op")

			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			require.NoError(t, inst.Restart(ctx))
			require.Equal(t, addr, inst.Addr())
			require.NotEqual(t, pid, inst.Pid())
			requireGreeting(t, addr)

			// Restart of a running instance stops it gracefully first.
			pid = inst.Pid()
			require.NoError(t, inst.Restart(ctx))
			requireGone(t, pid)
			requireGreeting(t, addr)
		})
	}
}

func TestRestartKeepsData(t *testing.T) {
	inst := tarantooltest.Start(t, tarantooltest.Options{Script: "testdata/boots.lua"})
	require.Contains(t, inst.Log(), "boots=1")
	require.NoError(t, inst.Kill())
	require.NoError(t, inst.Restart(context.Background()))
	require.Contains(t, inst.Log(), "boots=2", "the WAL must survive kill -9")
	requireGreeting(t, inst.Addr())
}

func TestStopIdempotent(t *testing.T) {
	tarantooltest.SkipUnavailable(t)
	inst, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{})
	require.NoError(t, err)
	pid, dir := inst.Pid(), inst.WorkDir()

	require.NoError(t, inst.Stop())
	requireGone(t, pid)
	require.NoDirExists(t, dir)
	require.Empty(t, inst.Log())
	require.NoError(t, inst.Stop())
	require.NoError(t, inst.Kill())
	require.ErrorIs(t, inst.Restart(context.Background()), tarantooltest.ErrStopped)
	require.ErrorIs(t, inst.WaitReady(context.Background()), tarantooltest.ErrStopped)
}

func TestStartBrokenScript(t *testing.T) {
	tarantooltest.SkipUnavailable(t)
	inst, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{Script: "testdata/broken.lua"})
	require.Nil(t, inst)
	var se *tarantooltest.StartError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, tarantooltest.ErrExited)
	require.Contains(t, se.LogTail, "txtarantool-broken-script")
}

func TestStartTimeout(t *testing.T) {
	tarantooltest.SkipUnavailable(t)
	start := time.Now()
	inst, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{
		Script:       "testdata/never_ready.lua",
		StartTimeout: 500 * time.Millisecond,
	})
	require.Nil(t, inst)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestStartMissingScript(t *testing.T) {
	tarantooltest.SkipUnavailable(t)
	_, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{Script: "testdata/no-such.lua"})
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestEnvReachesScript(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "env.lua")
	require.NoError(t, os.WriteFile(script, []byte(`
box.cfg{work_dir = os.getenv('TXT_WORK_DIR'), log = os.getenv('TXT_LOG'), memtx_memory = 32 * 1024 * 1024}
box.cfg{listen = os.getenv('TXT_LISTEN')}
require('log').info('extra=%s', os.getenv('TXT_EXTRA'))
io.open(os.getenv('TXT_READY_FILE'), 'w'):close()
`), 0o644))
	inst := tarantooltest.Start(t, tarantooltest.Options{Script: script, Env: map[string]string{"TXT_EXTRA": "yes"}})
	require.Contains(t, inst.Log(), "extra=yes")
}

func TestStartLua(t *testing.T) {
	inst := tarantooltest.Start(t, tarantooltest.Options{Env: map[string]string{"KIT_SPACE": "kv"}, Lua: `
local s = box.schema.space.create(os.getenv('KIT_SPACE'), {if_not_exists = true})
s:create_index('pk', {parts = {1, 'string'}, if_not_exists = true})
require('log').info('from-snippet')
`})
	require.Contains(t, inst.Log(), "from-snippet")
	ctx := context.Background()
	var out []any
	require.NoError(t, inst.Eval(ctx, "box.space.kv:replace{'k', 'v'} return box.space.kv:get('k'), box.space.test == nil", nil, &out))
	require.Equal(t, []any{[]any{"k", "v"}, true}, out, "the snippet replaces the space test")

	// The snippet runs again on restart; the data survives kill -9.
	require.NoError(t, inst.Kill())
	require.NoError(t, inst.Restart(ctx))
	out = nil
	require.NoError(t, inst.Eval(ctx, "return box.space.kv:get('k')", nil, &out))
	require.Equal(t, []any{[]any{"k", "v"}}, out)

	_, err := tarantooltest.StartProcess(ctx, tarantooltest.Options{Script: "testdata/boots.lua", Lua: "x"})
	require.ErrorIs(t, err, tarantooltest.ErrScriptAndLua)
}

func TestStartLuaError(t *testing.T) {
	tarantooltest.SkipUnavailable(t)
	inst, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{Lua: "error('kit-snippet-broken')"})
	require.Nil(t, inst)
	var se *tarantooltest.StartError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, tarantooltest.ErrExited)
	require.Contains(t, se.LogTail, "kit-snippet-broken")
	require.Contains(t, se.LogTail, "Options.Lua", "the chunk is named after the option")
}

func TestStartProcessUnavailable(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("TARANTOOL_BIN", "")
	path, ok := tarantooltest.Available()
	require.False(t, ok)
	require.Empty(t, path)
	inst, err := tarantooltest.StartProcess(context.Background(), tarantooltest.Options{})
	require.Nil(t, inst)
	require.True(t, errors.Is(err, tarantooltest.ErrUnavailable))
}

func TestRequired(t *testing.T) {
	t.Setenv(tarantooltest.EnvRequired, "1")
	require.True(t, tarantooltest.Required())
	t.Setenv(tarantooltest.EnvRequired, "0")
	require.False(t, tarantooltest.Required())
	t.Setenv(tarantooltest.EnvRequired, "")
	require.False(t, tarantooltest.Required())
}

// recordingTB records Skip and Fatal instead of ending the test.
type recordingTB struct {
	testing.TB
	skipped, fataled string
}

func (r *recordingTB) Helper()           {}
func (r *recordingTB) Skip(args ...any)  { r.skipped = fmt.Sprint(args...) }
func (r *recordingTB) Fatal(args ...any) { r.fataled = fmt.Sprint(args...) }

func TestStartWithoutTarantool(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("TARANTOOL_BIN", "")

	t.Setenv(tarantooltest.EnvRequired, "")
	tb := &recordingTB{TB: t}
	require.Nil(t, tarantooltest.Start(tb, tarantooltest.Options{}))
	require.Contains(t, tb.skipped, "tarantool not found on PATH")
	require.Contains(t, tb.skipped, "apt-get install tarantool")
	require.Contains(t, tb.skipped, "TARANTOOL_BIN")
	require.Empty(t, tb.fataled)

	t.Setenv(tarantooltest.EnvRequired, "1")
	tb = &recordingTB{TB: t}
	require.Nil(t, tarantooltest.Start(tb, tarantooltest.Options{}))
	require.Contains(t, tb.fataled, "tarantool not found on PATH")
	require.Contains(t, tb.fataled, "TARANTOOL_REQUIRED=1")
	require.Empty(t, tb.skipped)
}
