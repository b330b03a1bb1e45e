package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
	"github.com/txtarantool/txtarantool/reconnect"
)

// clusterLua is the Lua every instance of `demo cluster`'s replica set runs
// (users replicator and tester/secret, space kv, function put), embedded as
// demo.lua is.
//
//go:embed cluster.lua
var clusterLua string

// clusterConfig is `demo cluster`'s story: how long each phase lasts and
// how much load runs through it.
type clusterConfig struct {
	warm    time.Duration // load before the master is killed
	down    time.Duration // from the kill to the promotion
	after   time.Duration // on the new master before the old one restarts
	tail    time.Duration // after the old master is back as a replica
	writers int           // goroutines calling put, one key after another
	readers int           // goroutines selecting keys, ModePreferRO
	pause   time.Duration // between two requests of one goroutine
	timeout time.Duration // bound on each request (and its wait for a master)
}

// defaultClusterConfig is `make demo-cluster`: about 11 s of story.
func defaultClusterConfig() clusterConfig {
	return clusterConfig{
		warm: 2 * time.Second, down: 1500 * time.Millisecond, after: 2 * time.Second, tail: 1500 * time.Millisecond,
		writers: 4, readers: 2, pause: 10 * time.Millisecond, timeout: 5 * time.Second,
	}
}

// parseCluster parses `demo cluster`'s flags.
func parseCluster(args []string, errOut io.Writer) (clusterConfig, error) {
	cfg := defaultClusterConfig()
	fs := flag.NewFlagSet("demo cluster", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: demo cluster [flags]  3-instance replica set: kill -9 the master, promote a replica, print the story")
		fs.PrintDefaults()
	}
	fs.IntVar(&cfg.writers, "writers", cfg.writers, "goroutines writing unique keys")
	fs.IntVar(&cfg.readers, "readers", cfg.readers, "goroutines reading (prefer replicas)")
	fs.DurationVar(&cfg.down, "down", cfg.down, "time from the kill to the promotion")
	fs.DurationVar(&cfg.timeout, "timeout", cfg.timeout, "bound on each request, including its wait for a master")
	return cfg, parseNoArgs(fs, args)
}

// replicaSet is the demo's three tarantool processes, named i1, i2, i3;
// i1 starts as the master.
type replicaSet struct {
	names []string
	insts []*tarantoolproc.Instance
}

// startReplicaSet starts n instances of cluster.lua at once on free
// 127.0.0.1 ports (a first boot waits for the whole mesh), then waits until
// every replica has the master's schema. On error nothing is left running.
func startReplicaSet(ctx context.Context, n int, p *printer) (*replicaSet, error) {
	start := time.Now()
	ports, err := tarantoolproc.FreePorts(n)
	if err != nil {
		return nil, err
	}
	uris := make([]string, n)
	for i, port := range ports {
		uris[i] = "replicator:replicator@" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	}
	rs := &replicaSet{names: make([]string, n), insts: make([]*tarantoolproc.Instance, n)}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		rs.names[i] = "i" + strconv.Itoa(i+1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs.insts[i], errs[i] = tarantoolproc.Start(ctx, tarantoolproc.Options{
				Source: clusterLua, Port: ports[i], StartTimeout: 20 * time.Second,
				Env: map[string]string{"TXT_REPLICATION": strings.Join(uris, ","), "TXT_READ_ONLY": strconv.FormatBool(i != 0)},
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		rs.stop(nil)
		if errors.Is(err, tarantoolproc.ErrUnavailable) {
			return nil, fmt.Errorf("no local tarantool to start (%w); install it (`make tarantool` as root, or apt-get install tarantool)", err)
		}
		return nil, fmt.Errorf("starting the replica set: %w", err)
	}
	for _, inst := range rs.insts[1:] {
		if err := waitSchema(ctx, inst); err != nil {
			rs.stop(nil)
			return nil, err
		}
	}
	for i, inst := range rs.insts {
		role := "replica"
		if i == 0 {
			role = "master"
		}
		p.event("server", "%s: tarantool (pid %d) on %s, %s", rs.names[i], inst.Pid(), inst.Addr(), role)
	}
	p.event("server", "replica set of %d up and synced in %v", n, short(time.Since(start)))
	return rs, nil
}

// waitSchema waits until the replica has received the schema (user tester,
// space kv) from the master, polling every 20 ms, bounded by ctx and 15 s.
func waitSchema(ctx context.Context, inst *tarantoolproc.Instance) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		var out []bool
		err := inst.Eval(ctx, "tester", "secret", "return box.space.kv ~= nil", nil, &out)
		if err == nil && len(out) == 1 && out[0] {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("replica %s did not get the schema: %w (last: %v)", inst.Addr(), ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// setRole records the role the instance gets at its next start (the file
// cluster.lua reads) and, if it is running, applies it with box.cfg.
func (rs *replicaSet) setRole(ctx context.Context, i int, readOnly bool) error {
	inst := rs.insts[i]
	path := filepath.Join(inst.WorkDir(), "txt-read-only")
	if err := os.WriteFile(path, []byte(strconv.FormatBool(readOnly)+"\n"), 0o644); err != nil {
		return err
	}
	if !inst.Running() {
		return nil
	}
	return inst.Eval(ctx, "tester", "secret", "box.cfg{read_only = ...}", []any{readOnly}, nil)
}

// stop stops every process and removes its work dir; p nil prints nothing.
func (rs *replicaSet) stop(p *printer) {
	for i, inst := range rs.insts {
		if inst == nil {
			continue
		}
		if err := inst.Stop(); err != nil && p != nil {
			p.event("server", "stop %s: %v", rs.names[i], err)
		}
	}
	if p != nil {
		p.event("server", "stopped the replica set, work dirs removed")
	}
}

// tally counts outcomes by kind; it is safe for concurrent use.
type tally struct {
	mu      sync.Mutex
	ok      int
	failed  map[string]int
	printed int
}

// add counts one outcome and prints the first failures (at most 8).
func (t *tally) add(p *printer, what string, n int64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		t.ok++
		return
	}
	if t.failed == nil {
		t.failed = map[string]int{}
	}
	kind := clusterErrorKind(err)
	t.failed[kind]++
	if t.printed < 8 {
		t.printed++
		p.event(what, "#%d failed: %s%s", n, kind, detail(err))
	}
}

// String is "N ok, M failed (k kind, ...)".
func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	total := t.ok
	kinds := make([]string, 0, len(t.failed))
	for k, n := range t.failed {
		total += n
		kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(kinds)
	failed := total - t.ok
	s := fmt.Sprintf("%d: %d ok, %d failed", total, t.ok, failed)
	if failed > 0 {
		s += " (" + strings.Join(kinds, ", ") + ")"
	}
	return s
}

// clusterErrorKind is errorKind with the cluster's routing errors named.
func clusterErrorKind(err error) string {
	switch {
	case errors.Is(err, cluster.ErrNoMaster):
		return "no master, not sent"
	case errors.Is(err, cluster.ErrNoReplica), errors.Is(err, cluster.ErrNoInstance):
		return "no instance, not sent"
	}
	return errorKind(err)
}

// runCluster is `demo cluster`: the failover story, unattended.
func runCluster(ctx context.Context, cfg clusterConfig, p *printer) error {
	rs, err := startReplicaSet(ctx, 3, p)
	if err != nil {
		return err
	}
	defer rs.stop(p)

	instances := make([]cluster.Instance, len(rs.insts))
	for i, inst := range rs.insts {
		instances[i] = cluster.Instance{Name: rs.names[i], Addr: inst.Addr()}
	}
	opts := cluster.Options{
		Client: client.Options{
			User: "tester", Password: "secret",
			Reconnect: reconnect.Backoff{Initial: 100 * time.Millisecond, Max: 500 * time.Millisecond, Multiplier: 2, Jitter: reconnect.EqualJitter},
		},
		DefaultMode:   cluster.ModePreferRO,
		PollInterval:  200 * time.Millisecond,
		WaitForMaster: 1000,
		Handlers: cluster.Handlers{
			Up:   func(name string) { p.event("up", "%s connected", name) },
			Down: func(name string, cause error) { p.event("down", "%s: %v", name, cause) },
			RoleChanged: func(name string, from, to cluster.Role) {
				p.event("role", "%s: %s -> %s", name, from, to)
			},
			MasterChanged: func(from, to string) {
				p.event("master", "%s -> %s", orNone(from), orNone(to))
			},
		},
	}
	p.event("cluster", "cluster.Dial(i1, i2, i3): reads prefer replicas, writes to the master, WaitForMaster 1000, roles from the box.status watcher on 2.10+, else polled every 200ms")
	c, err := cluster.Dial(ctx, instances, opts)
	if err != nil {
		return fmt.Errorf("cluster.Dial: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			_ = c.Close()
		}
	}()
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	master, err := c.WaitMaster(wctx)
	wcancel()
	if err != nil {
		return err
	}
	for _, name := range rs.names[1:] {
		if err := waitRole(ctx, c, name, cluster.RoleReplica); err != nil {
			return err
		}
	}
	for _, in := range c.Instances() {
		p.event("cluster", "%s %s: %s", in.Name, in.Addr, in.Role)
	}
	p.event("cluster", "master is %s; %d writers call put(key) (a unique key each), %d readers select", master, cfg.writers, cfg.readers)

	var (
		writes, reads tally
		nextKey       atomic.Int64
		killedAt      atomic.Int64 // unix nanos of the kill, 0 before
		firstAfter    atomic.Int64 // unix nanos of the first ack after the kill
		ackedMu       sync.Mutex
		acked         []int64
	)
	lctx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var wg sync.WaitGroup
	for range cfg.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lctx.Err() == nil {
				k := nextKey.Add(1)
				rctx, cancel := context.WithTimeout(lctx, cfg.timeout)
				_, err := c.Call(rctx, "put", k).Await(rctx)
				cancel()
				if lctx.Err() != nil && err != nil {
					return // stopped: not counted
				}
				writes.add(p, "write", k, err)
				if err == nil {
					ackedMu.Lock()
					acked = append(acked, k)
					ackedMu.Unlock()
					now := time.Now().UnixNano()
					if at := killedAt.Load(); at != 0 && firstAfter.CompareAndSwap(0, now) {
						p.event("write", "#%d ok: first write acknowledged after the kill, %v after it", k, short(time.Duration(now-at)))
					}
				}
				sleepCtx(lctx, cfg.pause)
			}
		}()
	}
	var readNo atomic.Int64
	for range cfg.readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lctx.Err() == nil {
				n := readNo.Add(1)
				key := rand.Int64N(max(nextKey.Load(), 1)) + 1
				rctx, cancel := context.WithTimeout(lctx, cfg.timeout)
				_, err := c.Select(rctx, "kv", nil, []any{key}).Await(rctx)
				cancel()
				if lctx.Err() != nil && err != nil {
					return
				}
				reads.add(p, "read", n, err)
				sleepCtx(lctx, cfg.pause)
			}
		}()
	}
	stopAll := func() { stopLoad(); wg.Wait() }

	if err := sleepCtx(ctx, cfg.warm); err != nil {
		stopAll()
		return err
	}
	p.event("load", "writes %s; reads %s", writes.String(), reads.String())
	p.event("chaos", "kill -9 i1 (the master, pid %d)", rs.insts[0].Pid())
	killedAt.Store(time.Now().UnixNano())
	if err := rs.insts[0].Kill(); err != nil {
		stopAll()
		return err
	}
	if err := sleepCtx(ctx, cfg.down); err != nil {
		stopAll()
		return err
	}
	p.event("chaos", "promote i2: box.cfg{read_only = false} (admin eval); writes wait for a master meanwhile")
	if err := rs.setRole(ctx, 1, false); err != nil {
		stopAll()
		return fmt.Errorf("promoting i2: %w", err)
	}
	if err := rs.setRole(ctx, 0, true); err != nil { // i1 comes back as a replica
		stopAll()
		return err
	}
	if err := sleepCtx(ctx, cfg.after); err != nil {
		stopAll()
		return err
	}
	p.event("load", "writes %s; reads %s", writes.String(), reads.String())
	p.event("chaos", "restart i1 as a replica (same data, read_only = true)")
	if err := rs.insts[0].Restart(ctx); err != nil {
		stopAll()
		return fmt.Errorf("restarting i1: %w", err)
	}
	if err := waitRole(ctx, c, "i1", cluster.RoleReplica); err != nil {
		stopAll()
		return err
	}
	if err := sleepCtx(ctx, cfg.tail); err != nil {
		stopAll()
		return err
	}
	// A planned switchover: writes that reach i2 once it is read-only are
	// refused with ER_READONLY, which the cluster resends to i3.
	p.event("chaos", "switchover i2 -> i3: demote i2 (read_only = true), 50ms, promote i3")
	if err := rs.setRole(ctx, 1, true); err != nil {
		stopAll()
		return fmt.Errorf("demoting i2: %w", err)
	}
	if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
		stopAll()
		return err
	}
	if err := rs.setRole(ctx, 2, false); err != nil {
		stopAll()
		return fmt.Errorf("promoting i3: %w", err)
	}
	if err := sleepCtx(ctx, cfg.tail); err != nil {
		stopAll()
		return err
	}
	stopAll()
	for _, in := range c.Instances() {
		p.event("cluster", "%s %s: %s, %s", in.Name, in.Addr, in.Role, in.State)
	}

	// Summary, from the servers: refusals as read-only (each resent by the
	// cluster) and the acknowledged writes present on the new master.
	actx, acancel := context.WithTimeout(ctx, 10*time.Second)
	defer acancel()
	refused := 0
	for i, inst := range rs.insts {
		var out []int
		if err := inst.Eval(actx, "tester", "secret", "return refused", nil, &out); err != nil || len(out) != 1 {
			return fmt.Errorf("refused count of %s: %v %v", rs.names[i], out, err)
		}
		refused += out[0]
	}
	ackedMu.Lock()
	keys := append([]int64(nil), acked...)
	ackedMu.Unlock()
	var missing []int
	if err := rs.insts[2].Eval(actx, "tester", "secret",
		"local n = 0 for _, k in ipairs(...) do if box.space.kv:get{k} == nil then n = n + 1 end end return n",
		[]any{keys}, &missing); err != nil || len(missing) != 1 {
		return fmt.Errorf("checking the writes on i3: %v %v", missing, err)
	}
	closed = true
	if err := c.Close(); err != nil {
		return err
	}
	p.event("closed", "cluster closed")
	p.event("summary", "writes %s", writes.String())
	p.event("summary", "%d writes refused as read-only (ER_READONLY) and resent to the master; outcome-unknown writes never resent", refused)
	p.event("summary", "reads %s", reads.String())
	if f := firstAfter.Load(); f != 0 {
		p.event("summary", "failover: master killed -> first acknowledged write on i2 in %v (promotion after %v)", short(time.Duration(f-killedAt.Load())), cfg.down)
	} else {
		p.event("summary", "failover: no write acknowledged after the kill")
	}
	p.event("summary", "%d acknowledged writes, %d missing on the last master i3", len(keys), missing[0])
	return nil
}

// waitRole waits until the cluster knows name in role, polling every 20 ms,
// bounded by ctx and 10 s.
func waitRole(ctx context.Context, c *cluster.Cluster, name string, role cluster.Role) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		for _, in := range c.Instances() {
			if in.Name == name && in.Role == role {
				return nil
			}
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return fmt.Errorf("waiting for %s to be known as %s: %w", name, role, err)
		}
	}
}

// sleepCtx sleeps for d or until ctx ends (its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// orNone is name, or "(none)" for "".
func orNone(name string) string {
	if name == "" {
		return "(none)"
	}
	return name
}
