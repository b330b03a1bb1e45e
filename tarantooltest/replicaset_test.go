package tarantooltest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// insert writes {id, name} into space test on m.
func insert(ctx context.Context, m *tarantooltest.Member, id uint64, name string) error {
	return m.Eval(ctx, "box.space.test:insert{...}", []any{id, name}, nil)
}

// lookup returns the name stored under id on m ("" when absent).
func lookup(t *testing.T, ctx context.Context, m *tarantooltest.Member, id uint64) string {
	t.Helper()
	var out []string
	require.NoError(t, m.Eval(ctx, "local t = box.space.test:get{...} return t and t[2] or ''", []any{id}, &out))
	require.Len(t, out, 1)
	return out[0]
}

// requireRoles asserts box.info.ro of every member.
func requireRoles(t *testing.T, ctx context.Context, rs *tarantooltest.ReplicaSet, want map[string]bool) {
	t.Helper()
	for name, ro := range want {
		got, err := rs.Member(name).IsRO(ctx)
		require.NoError(t, err, name)
		require.Equal(t, ro, got, "box.info.ro of %s", name)
	}
}

func TestReplicaSetReplicates(t *testing.T) {
	start := time.Now()
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	t.Logf("3 members up and synced in %v", time.Since(start))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	ms := rs.Members()
	require.Len(t, ms, 3)
	require.Equal(t, []string{"i1", "i2", "i3"}, []string{ms[0].Name(), ms[1].Name(), ms[2].Name()})
	require.Len(t, rs.Addrs(), 3)
	requireRoles(t, ctx, rs, map[string]bool{"i1": false, "i2": true, "i3": true})
	master, err := rs.Master(ctx)
	require.NoError(t, err)
	require.Equal(t, "i1", master.Name())

	// The schema reached the replicas: the functions are defined there too.
	for _, m := range ms {
		var sum []int
		require.NoError(t, m.Eval(ctx, "return sum(...)", []any{2, 3}, &sum), m.Name())
		require.Equal(t, []int{5}, sum)
	}

	require.NoError(t, insert(ctx, ms[0], 1, "from-master"))
	for _, m := range ms[1:] {
		require.NoError(t, m.WaitSynced(ctx, ms[0]))
		require.Equal(t, "from-master", lookup(t, ctx, m, 1), m.Name())
	}

	err = insert(ctx, ms[1], 2, "from-replica")
	require.ErrorIs(t, err, protocol.ErrorCode(iproto.ER_READONLY))
	var se *protocol.ServerError
	require.True(t, errors.As(err, &se))
	require.Equal(t, "", lookup(t, ctx, ms[0], 2))
}

func TestReplicaSetFailover(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	old, next, third := rs.Member("i1"), rs.Member("i2"), rs.Member("i3")
	require.NoError(t, insert(ctx, old, 1, "before"))
	require.NoError(t, next.WaitSynced(ctx, old))

	pid := old.Instance().Pid()
	require.NoError(t, old.Kill())
	require.False(t, old.Running())
	requireGone(t, pid)
	_, err := old.IsRO(ctx)
	require.Error(t, err, "a killed member does not answer")

	start := time.Now()
	require.NoError(t, next.Promote(ctx))
	requireRoles(t, ctx, rs, map[string]bool{"i2": false, "i3": true})
	master, err := rs.Master(ctx)
	require.NoError(t, err)
	require.Equal(t, "i2", master.Name())
	require.NoError(t, insert(ctx, next, 2, "after"))
	t.Logf("promoted i2 and wrote on it in %v", time.Since(start))
	require.NoError(t, third.WaitSynced(ctx, next))
	require.Equal(t, "after", lookup(t, ctx, third, 2))

	// The old master, demoted while dead, comes back as a replica and
	// catches up with what the new master wrote meanwhile.
	require.NoError(t, old.Demote(ctx))
	start = time.Now()
	require.NoError(t, old.Restart(ctx))
	require.NoError(t, old.WaitSynced(ctx, next))
	t.Logf("old master restarted and caught up in %v", time.Since(start))
	require.True(t, old.Running())
	requireRoles(t, ctx, rs, map[string]bool{"i1": true, "i2": false, "i3": true})
	require.Equal(t, "before", lookup(t, ctx, old, 1))
	require.Equal(t, "after", lookup(t, ctx, old, 2))
	require.ErrorIs(t, insert(ctx, old, 3, "x"), protocol.ErrorCode(iproto.ER_READONLY))

	// It replicates onwards too: a write on the new master reaches it.
	require.NoError(t, insert(ctx, next, 4, "later"))
	require.NoError(t, old.WaitSynced(ctx, next))
	require.Equal(t, "later", lookup(t, ctx, old, 4))

	// A graceful Stop keeps the data for Restart; the role stays.
	require.NoError(t, third.Stop())
	require.False(t, third.Running())
	require.NoError(t, third.Restart(ctx))
	require.NoError(t, third.WaitSynced(ctx, next))
	require.Equal(t, "later", lookup(t, ctx, third, 4))
	requireRoles(t, ctx, rs, map[string]bool{"i3": true})
}

func TestReplicaSetElection(t *testing.T) {
	tarantooltest.RequireVersion(t, "2.10")
	start := time.Now()
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{Election: true})
	t.Logf("3 candidates up, i1 leader, in %v", time.Since(start))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	leader, err := rs.WaitLeader(ctx)
	require.NoError(t, err)
	require.Equal(t, "i1", leader.Name())
	requireRoles(t, ctx, rs, map[string]bool{"i1": false, "i2": true, "i3": true})
	require.NoError(t, insert(ctx, leader, 1, "term-1"))
	require.ErrorIs(t, insert(ctx, rs.Member("i2"), 2, "x"), protocol.ErrorCode(iproto.ER_READONLY))

	start = time.Now()
	require.NoError(t, leader.Kill())
	next, err := rs.WaitLeader(ctx)
	require.NoError(t, err)
	require.NotEqual(t, "i1", next.Name())
	require.NoError(t, insert(ctx, next, 3, "term-2"))
	t.Logf("leader killed -> %s elected and written to in %v", next.Name(), time.Since(start))
	require.Equal(t, "term-1", lookup(t, ctx, next, 1))

	// The old leader comes back as a follower and catches up.
	require.NoError(t, leader.Restart(ctx))
	require.NoError(t, leader.WaitSynced(ctx, next))
	again, err := rs.WaitLeader(ctx)
	require.NoError(t, err)
	require.Equal(t, next.Name(), again.Name())
	ro, err := leader.IsRO(ctx)
	require.NoError(t, err)
	require.True(t, ro)
	require.Equal(t, "term-2", lookup(t, ctx, leader, 3))
}

func TestReplicaSetWaitLeaderNeedsElection(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 1, tarantooltest.ReplicaSetOptions{})
	_, err := rs.WaitLeader(context.Background())
	require.Error(t, err)
	master, err := rs.Master(context.Background())
	require.NoError(t, err)
	require.Equal(t, "i1", master.Name())
}

// failingTB records what StartReplicaSet registers and logs, and reports
// the test as failed, so that its cleanup can be run and checked here.
type failingTB struct {
	testing.TB
	cleanups []func()
	logs     []string
	fatal    string
}

func (f *failingTB) Helper()           {}
func (f *failingTB) Failed() bool      { return true }
func (f *failingTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *failingTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *failingTB) Errorf(format string, args ...any) { f.fatal += fmt.Sprintf(format, args...) }
func (f *failingTB) Fatal(args ...any)                 { f.fatal += fmt.Sprint(args...) }
func (f *failingTB) Fatalf(format string, args ...any) { f.fatal += fmt.Sprintf(format, args...) }

func (f *failingTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestReplicaSetCleanupAndLogs(t *testing.T) {
	if _, ok := tarantooltest.Available(); !ok {
		t.Skip("tarantool not on PATH")
	}
	tb := &failingTB{TB: t}
	rs := tarantooltest.StartReplicaSet(tb, 2, tarantooltest.ReplicaSetOptions{})
	require.NotNil(t, rs, tb.fatal)
	require.Len(t, tb.cleanups, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Leave one member killed and the other restarted: cleanup must still
	// get rid of every process and work dir.
	i1, i2 := rs.Member("i1"), rs.Member("i2")
	require.NoError(t, i1.Kill())
	require.NoError(t, i2.Restart(ctx))
	pids := []int{i1.Instance().Pid(), i2.Instance().Pid()}
	dirs := []string{i1.Instance().WorkDir(), i2.Instance().WorkDir()}

	tb.runCleanups()
	require.Empty(t, tb.fatal)
	for i, pid := range pids {
		requireGone(t, pid)
		require.NoDirExists(t, dirs[i])
	}
	require.Len(t, tb.logs, 2, "one log tail per member on failure")
	for i, name := range []string{"i1", "i2"} {
		require.Contains(t, tb.logs[i], "tarantool "+name+" ")
		require.Contains(t, tb.logs[i], "txtarantool-test-ready")
	}
}

func TestReplicaSetStartFails(t *testing.T) {
	if _, ok := tarantooltest.Available(); !ok {
		t.Skip("tarantool not on PATH")
	}
	tb := &failingTB{TB: t}
	rs := tarantooltest.StartReplicaSet(tb, 2, tarantooltest.ReplicaSetOptions{Script: "testdata/broken.lua"})
	require.Nil(t, rs)
	require.Contains(t, tb.fatal, "start replica set member i1")
	require.Contains(t, tb.fatal, "start replica set member i2")
	require.Contains(t, tb.fatal, "txtarantool-broken-script")
	require.Empty(t, tb.cleanups, "nothing started, nothing to clean")

	tb = &failingTB{TB: t}
	require.Nil(t, tarantooltest.StartReplicaSet(tb, 0, tarantooltest.ReplicaSetOptions{}))
	require.Contains(t, tb.fatal, "want at least 1")
}

func TestReplicaSetWaitSyncedWaits(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 2, tarantooltest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	master, replica := rs.Member("i1"), rs.Member("i2")

	// Cut the replica off its master: what the master writes now cannot
	// reach it, so WaitSynced must wait, and give up with ctx.
	require.NoError(t, replica.Eval(ctx, "saved_replication = box.cfg.replication box.cfg{replication = {}}", nil, nil))
	require.NoError(t, insert(ctx, master, 1, "while-cut"))
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	err := replica.WaitSynced(short, master)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Contains(t, err.Error(), "i2 catching up with i1")
	require.Equal(t, "", lookup(t, ctx, replica, 1))

	require.NoError(t, replica.Eval(ctx, "box.cfg{replication = saved_replication}", nil, nil))
	require.NoError(t, replica.WaitSynced(ctx, master))
	require.Equal(t, "while-cut", lookup(t, ctx, replica, 1))
	require.NoError(t, master.WaitSynced(ctx, master), "a member is synced with itself")
}

func TestReplicaSetPortTakenRetried(t *testing.T) {
	if _, ok := tarantooltest.Available(); !ok {
		t.Skip("tarantool not on PATH")
	}
	// A script that fails as if its port were taken, on its first run only
	// (a marker file outside the work dirs, which are new on every attempt).
	marker := filepath.Join(t.TempDir(), "tried")
	script := filepath.Join(t.TempDir(), "taken.lua")
	root, err := os.Getwd()
	require.NoError(t, err)
	replica := filepath.Join(root, "replica.lua") // the embedded script, read from the package dir
	require.NoError(t, os.WriteFile(script, []byte(`
local fio = require('fio')
local marker = os.getenv('TXT_TEST_MARKER')
if not fio.path.exists(marker) then
    io.open(marker, 'w'):close()
    local f = io.open(os.getenv('TXT_LOG'), 'a')
    f:write('SocketError: bind: Address already in use\n')
    f:close()
    os.exit(1)
end
dofile(os.getenv('TXT_TEST_REPLICA'))
`), 0o644))
	tb := &failingTB{TB: t}
	rs := tarantooltest.StartReplicaSet(tb, 1, tarantooltest.ReplicaSetOptions{
		Script: script,
		Env:    map[string]string{"TXT_TEST_MARKER": marker, "TXT_TEST_REPLICA": replica},
	})
	defer tb.runCleanups()
	require.Empty(t, tb.fatal)
	require.NotNil(t, rs)
	require.FileExists(t, marker)
	ro, err := rs.Member("i1").IsRO(context.Background())
	require.NoError(t, err)
	require.False(t, ro)
}
