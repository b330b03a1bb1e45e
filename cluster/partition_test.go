package cluster_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/internal/faultproxy"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// TestReplicaSetPartition: the cluster reaches each of three instances
// through a fault proxy of its own; under 32 writers (see writeLoad)
// the master's proxy black-holes its responses, until the master has
// executed writes whose responses are lost, then both directions, for the
// open connection and new ones. The master is still running and reachable by the
// harness, which demotes it and promotes a replica; the cluster's
// connection to the old master is broken by dead-peer detection
// (DeadPeerTimeout 1 s), writes continue on the new master; then the
// partition heals and the old master comes back as a replica. The load's
// invariants hold on the new master; goroutines are back after Close.
func TestReplicaSetPartition(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	proxies := map[string]*faultproxy.Proxy{}
	var instances []cluster.Instance
	for _, m := range rs.Members() {
		p := faultproxy.New(t, m.Addr())
		proxies[m.Name()] = p
		instances = append(instances, cluster.Instance{Name: m.Name(), Addr: p.Addr()})
	}
	base := runtime.NumGoroutine()
	opts := realOptions()
	opts.Client.DeadPeerTimeout = time.Second
	opts.Client.DialTimeout = time.Second
	var (
		mcMu          sync.Mutex
		masterChanges []string
	)
	opts.Handlers.MasterChanged = func(from, to string) {
		mcMu.Lock()
		masterChanges = append(masterChanges, from+"->"+to)
		mcMu.Unlock()
	}
	c, err := cluster.Dial(ctx, instances, opts)
	require.NoError(t, err)
	require.Equal(t, "i1", c.Master())

	const writers = 32
	load := startLoad(ctx, c, writers)
	load.waitAcked(t, 1000, "writes on i1")

	// Partition: the client is cut off from i1, which keeps running. The
	// responses are cut first, until i1 has executed writes whose
	// responses are lost (outcome unknown, applied: a resend of one would
	// be applied twice), then the requests too.
	old, promoted := rs.Member("i1"), rs.Member("i2")
	proxies["i1"].BlackHole(faultproxy.ToClient)
	cut := load.mark()
	var unanswered, lastLen, lastAcked int
	require.Eventually(t, func() bool { // the pipeline drained: both still
		var n []int
		require.NoError(t, old.Eval(ctx, "return box.space.test:len()", nil, &n))
		a := load.ackedCount()
		drained := n[0] == lastLen && a == lastAcked
		lastLen, lastAcked, unanswered = n[0], a, n[0]-a
		return drained && unanswered > 0
	}, 10*time.Second, 20*time.Millisecond, "i1 executes writes whose responses are cut")
	proxies["i1"].BlackHole(faultproxy.Both)
	require.NoError(t, old.Demote(ctx)) // directly, not through the proxy
	require.NoError(t, promoted.Promote(ctx))
	promotedAt := time.Now()
	load.waitAfterMark(t, 1000, "writes continue on the new master")
	require.Equal(t, "i2", c.Master())
	var downWhileCut bool
	for _, in := range c.Instances() {
		if in.Name == "i1" {
			downWhileCut = in.State != cluster.StateUp
		}
	}

	// Heal: i1 comes back, as a replica; writes stay on i2.
	healed := time.Now()
	proxies["i1"].Heal()
	require.Eventually(t, func() bool {
		for _, in := range c.Instances() {
			if in.Name == "i1" {
				return in.State == cluster.StateUp && in.Role == cluster.RoleReplica
			}
		}
		return false
	}, 20*time.Second, 10*time.Millisecond, "i1 is back as a replica")
	backAt := time.Now()
	load.waitAcked(t, 500, "writes after the heal")
	require.Equal(t, "i2", c.Master())
	load.end()
	require.NoError(t, c.Close())

	t.Logf("partition: cut -> first acknowledged write on the new master in %v (demotion and promotion by the test took %v); "+
		"i1 down while cut: %v; heal -> i1 up as a replica in %v",
		load.firstAfterMark(), promotedAt.Sub(cut), downWhileCut, backAt.Sub(healed))
	t.Logf("applied on i1, response cut, when the requests were cut too: %d", unanswered)
	t.Logf("writes (%d writers): %v", writers, load)
	mcMu.Lock()
	t.Logf("MasterChanged: %v", masterChanges)
	mcMu.Unlock()
	require.NotZero(t, load.deadPeer, "the cut connection was declared dead")

	// i2 has everything i1 applied (replication is direct, never cut).
	require.NoError(t, promoted.WaitSynced(ctx, old))
	load.check(t, ctx, promoted, nil)
	goroutinesBack(t, base)
}
