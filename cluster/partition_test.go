package cluster_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/internal/faultproxy"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// countApplied is evaluated on every member before the load: an on_replace
// trigger on space test counts, per key, every tuple the member applies,
// whether written there by a client or received by replication, so a write
// applied twice anywhere in the set (executed on the old master, then
// resent to the new one) counts 2 on the new master once it has caught up.
const countApplied = `_G.txt_applied = {}
box.space.test:on_replace(function(old, new)
    if new ~= nil then
        local k = new[1]
        _G.txt_applied[k] = (_G.txt_applied[k] or 0) + 1
    end
end)`

// appliedTwice returns the keys the member applied more than once, as
// "key=count" pairs, and how many keys it applied at all.
const appliedTwice = `local twice, n = {}, 0
for k, c in pairs(_G.txt_applied) do
    n = n + 1
    if c ~= 1 then twice[#twice + 1] = tostring(k) .. '=' .. tostring(c) end
end
return twice, n`

// TestReplicaSetPartition: the cluster reaches each of three instances
// through a fault proxy of its own; under 32 writers (unique keys,
// REPLACE, so that a write applied twice would not fail but be counted)
// the master's proxy black-holes its responses, until the master has
// executed writes whose responses are lost, then both directions, for the
// open connection and new ones. The master is still running and reachable by the
// harness, which demotes it and promotes a replica; the cluster's
// connection to the old master is broken by dead-peer detection
// (DeadPeerTimeout 1 s), writes continue on the new master; then the
// partition heals and the old master comes back as a replica. Every
// future settles exactly once, every acknowledged write is on the new
// master, no not-sent one is, none is applied twice (counted by a trigger
// on the server), goroutines are back after Close.
func TestReplicaSetPartition(t *testing.T) {
	rs := tarantooltest.StartReplicaSet(t, 3, tarantooltest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	proxies := map[string]*faultproxy.Proxy{}
	var instances []cluster.Instance
	for _, m := range rs.Members() {
		require.NoError(t, m.Eval(ctx, countApplied, nil, nil))
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

	var (
		mu         sync.Mutex
		settles    = map[uint64]int{} // Finally runs per key
		acked      []uint64
		notSent    []uint64
		unknown    []uint64
		deadPeer   int // of unknown: the connection declared dead
		other      []error
		firstNew   time.Time // first ack of a write issued after the partition
		afterCut   atomic.Int64
		cutAt      atomic.Pointer[time.Time]
		next       atomic.Uint64
		issued     atomic.Int64
		stop       atomic.Bool
		wg         sync.WaitGroup
		writers    = 32
		ackedCount = func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	)
	write := func() {
		defer wg.Done()
		for !stop.Load() {
			id := next.Add(1)
			issued.Add(1)
			issuedAt := time.Now()
			wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
			f := c.Replace(wctx, "test", []any{id, "w"})
			f.Finally(func(*client.Response, error) (*client.Response, error) {
				mu.Lock()
				settles[id]++
				mu.Unlock()
				return nil, nil
			})
			_, err := f.Await(ctx)
			wcancel()
			mu.Lock()
			switch {
			case err == nil:
				acked = append(acked, id)
				if k := cutAt.Load(); k != nil && issuedAt.After(*k) {
					if firstNew.IsZero() {
						firstNew = time.Now()
					}
					afterCut.Add(1)
				}
			case errors.Is(err, client.ErrNotSent):
				notSent = append(notSent, id)
			case errors.Is(err, client.ErrOutcomeUnknown):
				unknown = append(unknown, id)
				if errors.Is(err, client.ErrDeadPeer) {
					deadPeer++
				}
			default:
				other = append(other, err)
			}
			mu.Unlock()
		}
	}
	for range writers {
		wg.Add(1)
		go write()
	}
	require.Eventually(t, func() bool { return ackedCount() >= 1000 }, 20*time.Second, time.Millisecond)

	// Partition: the client is cut off from i1, which keeps running. The
	// responses are cut first, until i1 has executed writes whose
	// responses are lost (outcome unknown, applied: a resend of one would
	// be applied twice), then the requests too.
	old, promoted := rs.Member("i1"), rs.Member("i2")
	cut := time.Now()
	proxies["i1"].BlackHole(faultproxy.ToClient)
	cutAt.Store(&cut)
	var unanswered, lastLen, lastAcked int
	require.Eventually(t, func() bool { // the pipeline drained: both still
		var n []int
		require.NoError(t, old.Eval(ctx, "return box.space.test:len()", nil, &n))
		a := ackedCount()
		drained := n[0] == lastLen && a == lastAcked
		lastLen, lastAcked, unanswered = n[0], a, n[0]-a
		return drained && unanswered > 0
	}, 10*time.Second, 20*time.Millisecond, "i1 executes writes whose responses are cut")
	proxies["i1"].BlackHole(faultproxy.Both)
	require.NoError(t, old.Demote(ctx)) // directly, not through the proxy
	require.NoError(t, promoted.Promote(ctx))
	promotedAt := time.Now()
	require.Eventually(t, func() bool { return afterCut.Load() >= 1000 }, 20*time.Second, time.Millisecond,
		"writes continue on the new master")
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
	mark := ackedCount()
	require.Eventually(t, func() bool { return ackedCount() >= mark+500 }, 20*time.Second, time.Millisecond)
	require.Equal(t, "i2", c.Master())
	stop.Store(true)
	wg.Wait()
	require.NoError(t, c.Close())

	mu.Lock()
	defer mu.Unlock()
	t.Logf("partition: cut -> first acknowledged write on the new master in %v (demotion and promotion by the test took %v); "+
		"i1 down while cut: %v; heal -> i1 up as a replica in %v",
		firstNew.Sub(cut), promotedAt.Sub(cut), downWhileCut, backAt.Sub(healed))
	t.Logf("applied on i1, response cut, when the requests were cut too: %d", unanswered)
	t.Logf("writes (%d writers): %d issued, %d acknowledged, %d not sent, %d outcome unknown (%d of them dead peer), %d other",
		writers, issued.Load(), len(acked), len(notSent), len(unknown), deadPeer, len(other))
	mcMu.Lock()
	t.Logf("MasterChanged: %v", masterChanges)
	mcMu.Unlock()

	require.Empty(t, other, "every failure is typed: not sent or outcome unknown")
	require.Len(t, settles, int(issued.Load()), "every future settled")
	for id, n := range settles {
		require.Equal(t, 1, n, "future of write %d settled once", id)
	}

	// i2 has everything i1 applied (replication is direct, never cut).
	require.NoError(t, promoted.WaitSynced(ctx, old))
	present := map[uint64]bool{}
	for _, id := range ids(t, ctx, promoted) {
		present[id] = true
	}
	for _, id := range acked {
		require.True(t, present[id], "acknowledged write %d is on the new master", id)
	}
	for _, id := range notSent {
		require.False(t, present[id], "not-sent write %d is not on the new master", id)
	}
	var unknownPresent int
	for _, id := range unknown {
		if present[id] {
			unknownPresent++
		}
	}
	t.Logf("outcome unknown: %d applied, %d not", unknownPresent, len(unknown)-unknownPresent)
	var twice []any
	require.NoError(t, promoted.Eval(ctx, appliedTwice, nil, &twice))
	require.Len(t, twice, 2)
	t.Logf("new master applied %v keys, %d present", twice[1], len(present))
	require.Empty(t, twice[0], "no write applied twice on the new master (key=count)")
	require.EqualValues(t, len(present), twice[1], "every key applied is present")
	goroutinesBack(t, base)
}
