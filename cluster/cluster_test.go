package cluster_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
)

// TestRoutingByMode: one master and two replicas (polled, as 2.6): each
// mode reaches the instances it should, reads spread over the replicas.
func TestRoutingByMode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, r1, r2 := startFake(t, "i1", false, false), startFake(t, "i2", true, false), startFake(t, "i3", true, false)
	base := runtime.NumGoroutine()
	c, err := cluster.Dial(ctx, instances(m, r1, r2), fakeOptions())
	require.NoError(t, err)
	require.Equal(t, "i1", c.Master(), "Dial returns once the roles are known")

	for range 10 {
		require.Equal(t, "i1", who(t, c.Insert(ctx, 512, []any{1})))
		require.Equal(t, "i1", who(t, c.Call(ctx, "f")), "calls go RW by default")
		require.Equal(t, "i1", who(t, c.Mode(cluster.ModeRW).Select(ctx, 512, 0, 1)))
		require.Contains(t, []string{"i2", "i3"}, who(t, c.Mode(cluster.ModeRO).Select(ctx, 512, 0, 1)))
		require.Contains(t, []string{"i2", "i3"}, who(t, c.Mode(cluster.ModePreferRO).Select(ctx, 512, 0, 1)))
		require.Equal(t, "i1", who(t, c.Mode(cluster.ModePreferRW).Select(ctx, 512, 0, 1)))
	}
	require.Equal(t, int32(20), m.writes.Load())
	require.Equal(t, int32(0), r1.refused.Load()+r2.refused.Load(), "no write reached a replica")
	require.Positive(t, r1.reads.Load(), "reads spread over both replicas")
	require.Positive(t, r2.reads.Load(), "reads spread over both replicas")
	t.Logf("ModeRO/PreferRO reads: i2 %d, i3 %d", r1.reads.Load(), r2.reads.Load())

	// ModeAny reaches all three.
	seen := map[string]bool{}
	for range 30 {
		seen[who(t, c.Select(ctx, 512, 0, 1))] = true
	}
	require.Len(t, seen, 3, "ModeAny spreads over every instance")

	infos := c.Instances()
	require.Len(t, infos, 3)
	for _, in := range infos {
		require.Equal(t, cluster.StateUp, in.State, in.Name)
		require.False(t, in.Watched, "2.6 has no watchers: polled")
		require.Equal(t, "running", in.Status)
	}
	require.Equal(t, cluster.RoleMaster, infos[0].Role)
	require.Equal(t, cluster.RoleReplica, infos[1].Role)

	one, err := c.On("i3")
	require.NoError(t, err)
	require.Equal(t, "i3", who(t, one.Select(ctx, 512, 0, 1)))
	_, err = c.On("nope")
	require.ErrorIs(t, err, cluster.ErrUnknownInstance)

	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "idempotent")
	_, err = c.Insert(ctx, 512, []any{1}).Await(ctx)
	require.ErrorIs(t, err, client.ErrClosed)
	require.ErrorIs(t, err, client.ErrNotSent)
	goroutinesBack(t, base)
}

// TestRolesFollowPolls: a promotion seen by polling moves writes within a
// poll; Handlers tell it in order.
func TestRolesFollowPolls(t *testing.T) {
	testRolesFollow(t, false)
}

// TestRolesFollowWatch: the same with box.status events (2.10+ path): no
// polling on the timer.
func TestRolesFollowWatch(t *testing.T) {
	testRolesFollow(t, true)
}

func testRolesFollow(t *testing.T, watchers bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, b := startFake(t, "a", false, watchers), startFake(t, "b", true, watchers)
	base := runtime.NumGoroutine()
	var (
		mu     sync.Mutex
		events []string
	)
	note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	opts := fakeOptions()
	opts.Handlers = cluster.Handlers{
		MasterChanged: func(from, to string) { note("master " + from + "->" + to) },
		RoleChanged:   func(name string, from, to cluster.Role) { note(name + " " + from.String() + "->" + to.String()) },
	}
	c, err := cluster.Dial(ctx, instances(a, b), opts)
	require.NoError(t, err)
	defer c.Close()
	waitMaster(t, c, "a")
	for _, in := range c.Instances() {
		require.Equal(t, watchers, in.Watched, in.Name)
	}
	pollsBefore := a.polls.Load()

	// Switch over: a demoted, then b promoted.
	a.setRole(true)
	b.setRole(false)
	waitMaster(t, c, "b")
	require.Equal(t, "b", who(t, c.Insert(ctx, 512, []any{1})))
	if watchers {
		require.LessOrEqual(t, a.polls.Load()-pollsBefore, int32(1), "watched instances are not polled on the timer")
	}
	require.NoError(t, c.Close())
	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, events, "b replica->master")
	last := ""
	for _, e := range events {
		if len(e) > 7 && e[:7] == "master " {
			last = e
		}
	}
	require.Contains(t, []string{"master ->b", "master a->b"}, last, "in order: %v", events)
	require.Less(t, index(events, "a unknown->master"), index(events, "master ->a"), "in order: %v", events)
	goroutinesBack(t, base)
}

func index(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestReadOnlyResent: the master turned read-only before the cluster
// polled it (the poll interval is an hour): the write is refused with
// ER_READONLY, the roles are asked again, and it is resent to the new
// master once, transparently.
func TestReadOnlyResent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, b := startFake(t, "a", false, false), startFake(t, "b", true, false)
	opts := fakeOptions()
	opts.PollInterval = time.Hour
	opts.WaitForMaster = 10
	c, err := cluster.Dial(ctx, instances(a, b), opts)
	require.NoError(t, err)
	defer c.Close()
	require.Equal(t, "a", c.Master())

	a.setRole(true)
	b.setRole(false)
	require.Equal(t, "b", who(t, c.Insert(ctx, 512, []any{1})))
	require.Equal(t, int32(1), a.refused.Load())
	require.Equal(t, int32(1), b.writes.Load(), "sent once to the new master")
	require.Equal(t, "b", c.Master())

	// Both read-only: refused, resent once, then no master: ErrNoMaster
	// with the refusal as cause, not sent.
	b.setRole(true)
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	_, err = c.Insert(short, 512, []any{2}).Await(ctx)
	require.ErrorIs(t, err, cluster.ErrNoMaster)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_READONLY))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var re *cluster.RouteError
	require.ErrorAs(t, err, &re)
	require.Equal(t, cluster.ModeRW, re.Mode)
	require.Equal(t, int32(1), b.refused.Load(), "refused once")
	require.Equal(t, int32(1), a.refused.Load(), "not resent to the other replica")
}

// TestWaitForMaster: with no master, ModeRW requests wait (at most
// WaitForMaster of them; the others fail at once) and go once one
// appears; with none allowed they fail fast. Reads in other modes do not
// wait.
func TestWaitForMaster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, b := startFake(t, "a", true, false), startFake(t, "b", true, false)
	base := runtime.NumGoroutine()

	fast, err := cluster.Dial(ctx, instances(a, b), fakeOptions())
	require.NoError(t, err)
	_, err = fast.Insert(ctx, 512, []any{1}).Await(ctx)
	require.ErrorIs(t, err, cluster.ErrNoMaster)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.Contains(t, []string{"a", "b"}, who(t, fast.Mode(cluster.ModePreferRW).Select(ctx, 512, 0, 1)))
	require.NoError(t, fast.Close())

	opts := fakeOptions()
	opts.WaitForMaster = 2
	c, err := cluster.Dial(ctx, instances(a, b), opts)
	require.NoError(t, err)
	w1 := c.Insert(ctx, 512, []any{1})
	w2 := c.Replace(ctx, 512, []any{2})
	require.Eventually(t, func() bool {
		// the third finds both places taken
		_, err, settled := c.Insert(ctx, 512, []any{3}).Peek()
		return settled && errors.Is(err, cluster.ErrNoMaster)
	}, 5*time.Second, time.Millisecond)
	_, _, settled := w1.Peek()
	require.False(t, settled, "waiting")
	b.setRole(false)
	require.Equal(t, "b", who(t, w1))
	require.Equal(t, "b", who(t, w2))
	require.Equal(t, int32(0), a.refused.Load()+b.refused.Load())

	// A waiter is failed, not sent, by Close.
	b.setRole(true)
	for c.Master() != "" {
		time.Sleep(5 * time.Millisecond)
	}
	w3 := c.Insert(ctx, 512, []any{4})
	require.NoError(t, c.Close())
	_, err = w3.Await(ctx)
	require.ErrorIs(t, err, client.ErrNotSent)
	goroutinesBack(t, base)
}

// TestAddRemove: an instance added at runtime takes requests; a removed
// one gets none, and Down says ErrRemoved; all down then back.
func TestAddRemove(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, b := startFake(t, "a", false, false), startFake(t, "b", true, false)
	dead := startFake(t, "dead", false, false)
	base := runtime.NumGoroutine()
	downs := make(chan error, 10)
	opts := fakeOptions()
	opts.Handlers.Down = func(name string, cause error) {
		if name == "b" {
			downs <- cause
		}
	}
	c, err := cluster.Dial(ctx, instances(a), opts)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Mode(cluster.ModeRO).Select(ctx, 512, 0, 1).Await(ctx)
	require.ErrorIs(t, err, cluster.ErrNoReplica)

	require.NoError(t, c.Add(ctx, instances(b)[0]))
	require.ErrorIs(t, c.Add(ctx, instances(b)[0]), cluster.ErrDuplicateInstance)
	require.Eventually(t, func() bool { return c.Instances()[1].Role == cluster.RoleReplica }, 5*time.Second, time.Millisecond)
	require.Equal(t, "b", who(t, c.Mode(cluster.ModeRO).Select(ctx, 512, 0, 1)))

	require.NoError(t, c.Remove("b"))
	require.ErrorIs(t, c.Remove("b"), cluster.ErrUnknownInstance)
	require.ErrorIs(t, <-downs, cluster.ErrRemoved)
	require.Len(t, c.Instances(), 1)
	require.Equal(t, "a", who(t, c.Mode(cluster.ModePreferRO).Select(ctx, 512, 0, 1)))

	// An unreachable instance is not added.
	deadInst := instances(dead)[0]
	require.NoError(t, dead.srv.Close())
	require.Error(t, c.Add(ctx, deadInst))
	require.Len(t, c.Instances(), 1)
	require.NoError(t, c.Close())
	goroutinesBack(t, base)
}

// TestDialPartial: Dial returns with the reachable instances; the others
// keep connecting; no instance reachable fails Dial.
func TestDialPartial(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := startFake(t, "a", false, false)
	dead := startFake(t, "dead", true, false)
	insts := instances(a, dead)
	require.NoError(t, dead.srv.Close())
	base := runtime.NumGoroutine()
	c, err := cluster.Dial(ctx, insts, fakeOptions())
	require.NoError(t, err)
	infos := c.Instances()
	require.Equal(t, cluster.StateUp, infos[0].State)
	require.NotEqual(t, cluster.StateUp, infos[1].State)
	require.Error(t, infos[1].LastErr)
	require.NoError(t, c.Close())

	_, err = cluster.Dial(ctx, insts[1:], fakeOptions())
	require.Error(t, err)
	_, err = cluster.Dial(ctx, []cluster.Instance{insts[0], insts[0]}, fakeOptions())
	require.ErrorIs(t, err, cluster.ErrDuplicateInstance)
	var nilCtx context.Context // every call refuses a nil ctx, not sent
	_, err = cluster.Dial(nilCtx, insts, fakeOptions())
	require.ErrorIs(t, err, client.ErrNilContext)
	c, err = cluster.Lazy(insts[:1], fakeOptions())
	require.NoError(t, err)
	for _, f := range []func() error{
		func() error { _, err := c.Insert(nilCtx, 512, []any{1}).Await(ctx); return err },
		func() error { _, err := c.Select(nilCtx, 512, 0, 1).Await(ctx); return err },
		func() error { _, err := c.Mode(cluster.ModeRO).Call(nilCtx, "f").Await(ctx); return err },
		func() error { _, err := c.Prepare(nilCtx, "select 1").Await(ctx); return err },
		func() error { _, err := c.NewStream(nilCtx); return err },
		func() error { return c.Tx(nilCtx, func(*client.Stream) error { return nil }) },
		func() error { return c.Add(nilCtx, insts[1]) },
		func() error { _, err := c.WaitMaster(nilCtx); return err },
		func() error { return c.WaitConnected(nilCtx) },
	} {
		err := f()
		require.ErrorIs(t, err, client.ErrNilContext)
		require.ErrorIs(t, err, client.ErrNotSent)
	}
	require.NoError(t, c.Close())
	goroutinesBack(t, base)
}

// TestCancelWhileWaiting: a write cancelled while it waits for a master
// is never sent, even once a master appears.
func TestCancelWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := startFake(t, "a", true, false)
	base := runtime.NumGoroutine()
	opts := fakeOptions()
	opts.WaitForMaster = 1
	c, err := cluster.Dial(ctx, instances(a), opts)
	require.NoError(t, err)
	w := c.Insert(ctx, 512, []any{1})
	require.True(t, w.Cancel())
	_, err = w.Await(ctx)
	require.Error(t, err)
	// The place it held is free again: another write can wait and go.
	w2 := c.Insert(ctx, 512, []any{2})
	a.setRole(false)
	require.Equal(t, "a", who(t, w2))
	require.Equal(t, int32(1), a.writes.Load(), "the cancelled write was never sent")
	require.NoError(t, c.Close())
	goroutinesBack(t, base)
}

// TestDiscoveryDenied: an instance that refuses the discovery eval (a user
// without execute, before 2.10) does not hold Dial up: its role stays
// unknown, its LastErr says why, and it gets only ModeAny requests.
func TestDiscoveryDenied(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, b := startFake(t, "a", false, false), startFake(t, "b", true, false)
	b.denyEval.Store(true)
	base := runtime.NumGoroutine()
	c, err := cluster.Dial(ctx, instances(a, b), fakeOptions())
	require.NoError(t, err)
	require.NoError(t, ctx.Err(), "Dial returned before its ctx ended")
	infos := c.Instances()
	require.Equal(t, cluster.RoleUnknown, infos[1].Role)
	require.ErrorIs(t, infos[1].LastErr, client.ErrorCode(iproto.ER_ACCESS_DENIED))
	_, err = c.Mode(cluster.ModeRO).Select(ctx, 512, 0, 1).Await(ctx)
	require.ErrorIs(t, err, cluster.ErrNoReplica)
	require.Equal(t, "a", who(t, c.Insert(ctx, 512, []any{1})))
	require.NoError(t, c.Close())
	goroutinesBack(t, base)
}
