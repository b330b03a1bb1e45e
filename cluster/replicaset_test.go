package cluster_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// realInstances names the members of rs as cluster instances.
func realInstances(rs *tarantooltest.ReplicaSet) []cluster.Instance {
	var out []cluster.Instance
	for _, m := range rs.Members() {
		out = append(out, cluster.Instance{Name: m.Name(), Addr: m.Addr()})
	}
	return out
}

// realOptions are the options of a cluster of a test replica set.
func realOptions() cluster.Options {
	return cluster.Options{
		Client: client.Options{
			User: tarantooltest.User, Password: tarantooltest.Password,
			Reconnect: reconnect.Constant{Delay: 100 * time.Millisecond},
		},
		PollInterval:  200 * time.Millisecond,
		WaitForMaster: 1000,
	}
}

// listenOf returns the address of the instance that ran the eval.
func listenOf(t *testing.T, ctx context.Context, v client.Conn) string {
	t.Helper()
	resp, err := v.Eval(ctx, "return box.cfg.listen").Await(ctx)
	require.NoError(t, err)
	var out []string
	require.NoError(t, resp.Decode(&out))
	return out[0]
}

// ids returns the keys of space test on m, sorted.
func ids(t *testing.T, ctx context.Context, m *tarantooltest.Member) []uint64 {
	t.Helper()
	var out [][]uint64
	require.NoError(t, m.Eval(ctx, "local t = {} for _, x in box.space.test:pairs() do t[#t+1] = x[1] end return t", nil, &out))
	sort.Slice(out[0], func(i, j int) bool { return out[0][i] < out[0][j] })
	return out[0]
}

// TestExample runs Example against a fresh replica set and checks what it
// prints.
func TestExample(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	saved, savedUser, savedPassword := exampleInstances, exampleUser, examplePassword
	defer func() { exampleInstances, exampleUser, examplePassword = saved, savedUser, savedPassword }()
	exampleInstances, exampleUser, examplePassword = realInstances(rs), tarantooltest.User, tarantooltest.Password

	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	func() {
		defer func() { os.Stdout = stdout }()
		Example()
	}()
	require.NoError(t, w.Close())
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	require.Equal(t, "master: i1\nreplace: <nil>\n<nil> [[970001 ann]]\neval on a replica, read-only: true\n"+
		"i1 master up\ni2 replica up\ni3 replica up\n", string(out))
}

// TestReplicaSetRouting: on a real replica set (one master, two replicas)
// writes reach the master, ModeRO reads both replicas, the roles are
// learnt by polling (2.6) or watching (2.10+); an instance removed gets no
// more requests and one added takes its share.
func TestReplicaSetRouting(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, realInstances(rs), realOptions())
	require.NoError(t, err)
	require.Equal(t, "i1", c.Master())
	watched := tarantooltest.AtLeast(t, "2.10")
	for _, in := range c.Instances() {
		require.Equal(t, watched, in.Watched, "%s: watched on 2.10+, polled before", in.Name)
	}
	addr := map[string]string{}
	for _, m := range rs.Members() {
		addr[m.Addr()] = m.Name()
	}

	_, err = c.Insert(ctx, "test", []any{1, "one"}).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []uint64{1}, ids(t, ctx, rs.Member("i1")))
	require.Equal(t, "i1", addr[listenOf(t, ctx, c)], "calls go to the master")

	seen := map[string]int{}
	for range 40 {
		seen[addr[listenOf(t, ctx, c.Mode(cluster.ModeRO))]]++
	}
	require.Len(t, seen, 2, "ModeRO reads both replicas: %v", seen)
	require.Zero(t, seen["i1"])
	t.Logf("40 ModeRO evals: %v", seen)
	require.NoError(t, rs.Member("i2").WaitSynced(ctx, rs.Member("i1")))
	resp, err := c.Mode(cluster.ModeRO).Select(ctx, "test", nil, 1).Await(ctx)
	require.NoError(t, err)
	var rows [][]any
	require.NoError(t, resp.Decode(&rows))
	require.Len(t, rows, 1)

	// Remove i3: ModeRO reads only i2. Add it back: both again.
	require.NoError(t, c.Remove("i3"))
	for range 10 {
		require.Equal(t, "i2", addr[listenOf(t, ctx, c.Mode(cluster.ModeRO))])
	}
	require.NoError(t, c.Add(ctx, cluster.Instance{Name: "i3", Addr: rs.Member("i3").Addr()}))
	require.Eventually(t, func() bool {
		for _, in := range c.Instances() {
			if in.Name == "i3" && in.Role == cluster.RoleReplica {
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	seen = map[string]int{}
	for range 40 {
		seen[addr[listenOf(t, ctx, c.Mode(cluster.ModeRO))]]++
	}
	require.Len(t, seen, 2, "i3 is back: %v", seen)
	require.NoError(t, c.Close())
	goroutinesBack(t, base)
}

// TestReplicaSetFailover: 64 goroutines write unique keys through the
// cluster; the master is killed and a replica promoted by the test; writes
// continue on it. The load's invariants hold (see writeLoad.check).
func TestReplicaSetFailover(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var masterChanges []string
	var mcMu sync.Mutex
	opts := realOptions()
	opts.Handlers.MasterChanged = func(from, to string) {
		mcMu.Lock()
		masterChanges = append(masterChanges, from+"->"+to)
		mcMu.Unlock()
	}
	c, err := cluster.Dial(ctx, realInstances(rs), opts)
	require.NoError(t, err)
	require.Equal(t, "i1", c.Master())

	load := startLoad(ctx, c, 64)
	load.waitAcked(t, 2000, "writes on i1")
	old, promoted := rs.Member("i1"), rs.Member("i2")
	require.NoError(t, old.Kill())
	killed := load.mark()
	require.NoError(t, old.Demote(ctx)) // recorded: it would come back a replica
	require.NoError(t, promoted.Promote(ctx))
	promotedAt := time.Now()
	load.waitAfterMark(t, 2000, "writes continue on the new master")
	load.end()
	require.NoError(t, c.Close())

	first := load.firstAfterMark()
	t.Logf("failover: master killed -> first acknowledged write on the new master in %v "+
		"(promotion by the test took %v; the cluster's part: %v)", first, promotedAt.Sub(killed), first-promotedAt.Sub(killed))
	t.Logf("writes (64 writers): %v", load)
	mcMu.Lock()
	require.True(t, strings.HasSuffix(masterChanges[len(masterChanges)-1], "->i2"), "MasterChanged: %v", masterChanges)
	mcMu.Unlock()
	load.check(t, ctx, promoted, func() {
		// The acknowledged writes that had not replicated are in the old
		// master's WAL: restarted (as a replica), it sends them on.
		require.NoError(t, old.Restart(ctx))
		require.NoError(t, promoted.WaitSynced(ctx, old))
	})
	goroutinesBack(t, base)
}

// TestReplicaSetSwitchover: under 16 writers the master is demoted, then
// a replica promoted (a planned switchover, nothing killed): the writes the
// old master refuses with ER_READONLY are resent to the new one, so every
// write is acknowledged, each applied once.
func TestReplicaSetSwitchover(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, realInstances(rs), realOptions())
	require.NoError(t, err)
	load := startLoad(ctx, c, 16)
	load.waitAcked(t, 500, "writes on i1")
	start := load.mark()
	require.NoError(t, rs.Member("i1").Demote(ctx))
	time.Sleep(50 * time.Millisecond) // writes reach the demoted master meanwhile
	require.NoError(t, rs.Member("i2").Promote(ctx))
	load.waitAfterMark(t, 500, "writes continue on i2")
	waitMaster(t, c, "i2")
	took := time.Since(start)
	load.end()
	require.NoError(t, c.Close())
	t.Logf("switchover: demotion -> 500 more writes acknowledged, on i2 the master, in %v; writes (16 writers): %v", took, load)
	require.Empty(t, load.notSent, "ER_READONLY refusals were resent, not returned")
	require.Empty(t, load.unknown, "nothing was killed: no outcome is unknown")
	require.NoError(t, rs.Member("i2").WaitSynced(ctx, rs.Member("i1")))
	load.check(t, ctx, rs.Member("i2"), nil)
	goroutinesBack(t, base)
}

// TestReplicaSetAllDownThenBack: under 8 writers every instance is
// killed: writes fail not sent (ErrNoMaster after their wait) or outcome
// unknown (in flight); reads fail with ErrNoInstance. All restarted: the
// cluster finds the master again by itself and writes continue. The
// load's invariants hold.
func TestReplicaSetAllDownThenBack(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, realInstances(rs), realOptions())
	require.NoError(t, err)
	load := startLoad(ctx, c, 8)
	load.waitAcked(t, 300, "writes on i1")

	for _, m := range rs.Members() {
		require.NoError(t, m.Kill())
	}
	down := load.mark()
	require.Eventually(t, func() bool { return !c.Connected() }, 10*time.Second, time.Millisecond)
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = c.Insert(short, "test", []any{1 << 40, "down"}).Await(ctx)
	cancelShort()
	require.ErrorIs(t, err, cluster.ErrNoMaster)
	require.ErrorIs(t, err, client.ErrNotSent)
	_, err = c.Select(ctx, "test", nil, 1).Await(ctx)
	require.ErrorIs(t, err, cluster.ErrNoInstance)

	time.Sleep(500 * time.Millisecond) // writers keep trying while all are down
	restart := time.Now()
	for _, m := range rs.Members() {
		require.NoError(t, m.Restart(ctx))
	}
	load.waitAfterMark(t, 300, "writes continue once all are back")
	require.Equal(t, "i1", c.Master())
	load.end()
	require.NoError(t, c.Close())
	t.Logf("all down for %v; restarts began -> first acknowledged write %v later; writes (8 writers): %v",
		restart.Sub(down), load.firstAfterMark()-restart.Sub(down), load)
	load.check(t, ctx, rs.Member("i1"), nil)
	goroutinesBack(t, base)
}

// TestReplicaSetElectionFailover (2.10+, TARANTOOL_BIN): under 32
// writers the raft leader is killed and the others elect a new one; the
// cluster follows by box.status events and writes continue there. The
// load's invariants hold on the new leader.
func TestReplicaSetElectionFailover(t *testing.T) {
	tarantooltest.RequireVersion(t, "2.10")
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{Election: true})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, realInstances(rs), realOptions())
	require.NoError(t, err)
	leader, err := rs.WaitLeader(ctx)
	require.NoError(t, err)
	waitMaster(t, c, leader.Name())
	load := startLoad(ctx, c, 32)
	load.waitAcked(t, 1000, "writes on the leader")

	require.NoError(t, leader.Kill())
	load.mark()
	load.waitAfterMark(t, 1000, "writes continue on the elected leader")
	load.end()
	newLeader, err := rs.WaitLeader(ctx)
	require.NoError(t, err)
	require.NotEqual(t, leader.Name(), newLeader.Name())
	require.Equal(t, newLeader.Name(), c.Master())
	require.NoError(t, c.Close())
	t.Logf("election failover: leader %s killed -> first acknowledged write on %s in %v; writes (32 writers): %v",
		leader.Name(), newLeader.Name(), load.firstAfterMark(), load)
	load.check(t, ctx, newLeader, func() {
		require.NoError(t, leader.Restart(ctx))
		require.NoError(t, newLeader.WaitSynced(ctx, leader))
	})
	goroutinesBack(t, base)
}

// TestReplicaSetReadThroughput logs the select throughput of 64 readers
// through a cluster of one instance and of all three (ModeAny), one second
// each. It asserts only that reads succeed: the figure depends on the
// machine (here every instance shares the same cores).
func TestReplicaSetReadThroughput(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, n := range []int{1, 3} {
		c, err := cluster.Dial(ctx, realInstances(rs)[:n], realOptions())
		require.NoError(t, err)
		var (
			reads atomic.Int64
			fails atomic.Int64
			wg    sync.WaitGroup
		)
		deadline := time.Now().Add(time.Second)
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					resp, err := c.Select(ctx, "test", nil, 1).Await(ctx)
					if err != nil {
						fails.Add(1)
						continue
					}
					resp.Release()
					reads.Add(1)
				}
			}()
		}
		wg.Wait()
		t.Logf("%d instance(s), 64 readers, ModeAny: %d selects/s", n, reads.Load())
		require.Zero(t, fails.Load())
		require.Positive(t, reads.Load())
		require.NoError(t, c.Close())
	}
}

// TestReplicaSetRollingRestart: under 16 writers every instance is stopped
// and restarted in turn, the replicas first, then the master (which keeps
// its role): writes wait for the master while it is down and continue
// after. The load's invariants hold on the master.
func TestReplicaSetRollingRestart(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, realInstances(rs), realOptions())
	require.NoError(t, err)
	load := startLoad(ctx, c, 16)
	start := time.Now()
	for _, name := range []string{"i2", "i3", "i1"} {
		load.waitAcked(t, 200, "writes before restarting "+name)
		m := rs.Member(name)
		require.NoError(t, m.Stop())
		require.NoError(t, m.Restart(ctx))
	}
	load.waitAcked(t, 200, "writes after the restarts")
	waitMaster(t, c, "i1")
	load.end()
	require.NoError(t, c.Close())
	t.Logf("rolling restart in %v; writes (16 writers): %v", time.Since(start), load)
	load.check(t, ctx, rs.Member("i1"), nil)
	goroutinesBack(t, base)
}

// TestReplicaSetAddRemoveUnderLoad: under 16 writers and 8 ModeRO readers,
// a replica is removed (reads go to the other one only) and added back
// (both again), then the master is removed (its writes in flight finish,
// new ones wait for a master) and added back (they continue on it). No
// read fails (but, not sent, one picked for an instance just as it is
// removed), no write is lost to a removal (none ends outcome unknown);
// the load's invariants hold on the master.
func TestReplicaSetAddRemoveUnderLoad(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, realInstances(rs), realOptions())
	require.NoError(t, err)
	addr := map[string]string{}
	for _, m := range rs.Members() {
		addr[m.Addr()] = m.Name()
	}
	load := startLoad(ctx, c, 16)

	var (
		rmu      sync.Mutex
		reads    = map[string]int{}
		readErrs []error
		rstop    atomic.Bool
		rwg      sync.WaitGroup
	)
	phase := func() map[string]int { // the reads since the last call
		rmu.Lock()
		defer rmu.Unlock()
		out := reads
		reads = map[string]int{}
		return out
	}
	ro := c.Mode(cluster.ModeRO)
	for range 8 {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for !rstop.Load() {
				resp, err := ro.Eval(ctx, "return box.cfg.listen").Await(ctx)
				var out []string
				if err == nil {
					err = resp.Decode(&out)
				}
				rmu.Lock()
				if err != nil {
					readErrs = append(readErrs, err)
				} else {
					reads[addr[out[0]]]++
				}
				rmu.Unlock()
			}
		}()
	}
	readsFor := func(d time.Duration) map[string]int {
		// Reads answered just before a Remove returned may be counted a
		// moment later, by their reader: let them in first.
		time.Sleep(20 * time.Millisecond)
		phase()
		time.Sleep(d)
		return phase()
	}

	load.waitAcked(t, 300, "writes on i1")
	start := time.Now()
	seen := readsFor(200 * time.Millisecond)
	require.Positive(t, seen["i2"], "reads on both replicas: %v", seen)
	require.Positive(t, seen["i3"], "reads on both replicas: %v", seen)

	require.NoError(t, c.Remove("i3"))
	seen = readsFor(300 * time.Millisecond)
	require.Zero(t, seen["i3"], "i3 removed: %v", seen)
	require.Positive(t, seen["i2"], "i3 removed: %v", seen)

	require.NoError(t, c.Add(ctx, cluster.Instance{Name: "i3", Addr: rs.Member("i3").Addr()}))
	require.Eventually(t, func() bool { return readsFor(50 * time.Millisecond)["i3"] > 0 }, 10*time.Second, time.Millisecond,
		"i3 added back takes reads")

	t.Logf("replica removed and added back in %v", time.Since(start))
	removed := time.Now()
	require.NoError(t, c.Remove("i1"))
	t.Logf("Remove(master) returned in %v", time.Since(removed))
	require.Equal(t, "", c.Master())
	time.Sleep(300 * time.Millisecond) // writes wait for a master meanwhile
	require.NoError(t, c.Add(ctx, cluster.Instance{Name: "i1", Addr: rs.Member("i1").Addr()}))
	load.mark()
	load.waitAfterMark(t, 300, "writes continue on i1 added back")
	require.Equal(t, "i1", c.Master())
	load.end()
	rstop.Store(true)
	rwg.Wait()
	require.NoError(t, c.Close())
	t.Logf("master removed for %v; writes (16 writers): %v", time.Since(removed), load)
	require.Empty(t, load.unknown, "Remove let the writes in flight finish")
	rmu.Lock()
	// A read picked for an instance just as it is removed fails not sent
	// (reads are never resent); no read fails otherwise.
	for _, err := range readErrs {
		require.ErrorIs(t, err, client.ErrNotSent)
	}
	t.Logf("reads failed not sent by a removal: %d", len(readErrs))
	rmu.Unlock()
	load.check(t, ctx, rs.Member("i1"), nil)
	goroutinesBack(t, base)
}
