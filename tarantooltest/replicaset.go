package tarantooltest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// replicaLua is the script every member runs by default.
//
//go:embed replica.lua
var replicaLua string

// defaultReplicaStartTimeout bounds the first start of a whole replica set
// (every member bootstraps at once) and each restart.
const defaultReplicaStartTimeout = 30 * time.Second

// replicaPollInterval is how often the wait helpers re-check.
const replicaPollInterval = 20 * time.Millisecond

// roleFileName is the file in a member's work dir that keeps its role
// (read_only) across restarts; replica.lua reads it.
const roleFileName = "txt-read-only"

// ErrNoLeader is returned by ReplicaSet.Master when no running member is
// writable.
var ErrNoLeader = errors.New("tarantooltest: no writable member")

// ReplicaSetOptions configures StartReplicaSet.
type ReplicaSetOptions struct {
	// Script is the Lua file every member runs (resolved as
	// Options.Script); empty means the embedded replica.lua of this
	// package, which creates the users tester/secret (User, Password) and
	// replicator, the space test (HASH primary on field 1 unsigned, format
	// id unsigned, name string nullable) and the functions echo and sum. A
	// script of one's own takes its settings from the TXT_* variables
	// documented in replica.lua.
	Script string
	// Election runs the set with raft election (election_mode='candidate'
	// on every member, replication_synchro_quorum a majority): the set is
	// bootstrapped as master and replicas, then switched over, and the
	// first member is made leader with box.ctl.promote(). It needs
	// Tarantool 2.10+: StartReplicaSet skips the test on older servers.
	Election bool
	// Env is extra environment for every member's script.
	Env map[string]string
	// StartTimeout bounds the start of the set and each Restart; zero means
	// 30s.
	StartTimeout time.Duration
}

// ReplicaSet is a replica set of real tarantool processes on 127.0.0.1
// started by StartReplicaSet: member 0 ("i1") is the master, the others
// replicas, in a full mesh. Its methods are safe for concurrent use.
type ReplicaSet struct {
	members  []*Member
	election bool
}

// Member is one instance of a ReplicaSet. Its methods are safe for
// concurrent use.
type Member struct {
	name     string
	inst     *Instance
	election bool
	quorum   int

	mu sync.Mutex // serialises role changes (role file + box.cfg)
}

// StartReplicaSet starts n (≥ 1) tarantool processes on 127.0.0.1 ports,
// each in its own work dir: member 0 writable (read_only=false), the others
// read-only, all replicating from each other, with the schema of
// the embedded replica.lua (user tester/secret, space test, functions echo
// and sum; see ReplicaSetOptions.Script) created on the master and replicated. It returns once every replica
// has the master's vclock (and, with Election, once the first member is the
// leader every member agrees on). Like Start it skips the test when there is
// no tarantool (fails it with TARANTOOL_REQUIRED=1) and fails it when the set
// does not come up; when the test ends every process is stopped (even after
// Kill or Restart) and its work dir removed, and if the test failed each
// member's log tail is logged. It costs n process launches and a bootstrap:
// about a second on 2.6.
func StartReplicaSet(tb testing.TB, n int, opts ReplicaSetOptions) *ReplicaSet {
	tb.Helper()
	if SkipUnavailable(tb) == "" {
		return nil
	}
	if n < 1 {
		tb.Fatalf("tarantooltest: StartReplicaSet: n = %d, want at least 1", n)
		return nil
	}
	if opts.Election {
		RequireVersion(tb, "2.10")
	}
	rs, err := startReplicaSetRetrying(n, opts)
	if rs != nil {
		tb.Cleanup(func() {
			if tb.Failed() {
				for _, m := range rs.members {
					tb.Logf("tarantool %s %s (pid %d, work dir %s) log tail:\n%s", m.name, m.Addr(), m.inst.Pid(), m.inst.WorkDir(), m.inst.LogTail())
				}
			}
			for _, m := range rs.members {
				if err := m.inst.Stop(); err != nil {
					tb.Errorf("stop tarantool %s %s: %v", m.name, m.Addr(), err)
				}
			}
		})
	}
	if err != nil {
		tb.Fatal(err)
		return nil
	}
	return rs
}

// startReplicaSetRetrying is startReplicaSet, tried again on new ports (up
// to listenAttempts in all) when a port picked was taken by another process
// before tarantool bound it.
func startReplicaSetRetrying(n int, opts ReplicaSetOptions) (*ReplicaSet, error) {
	for attempt := 1; ; attempt++ {
		rs, err := startReplicaSet(n, opts)
		if err == nil || attempt == listenAttempts || !portTaken(err) {
			return rs, err
		}
		if rs != nil {
			for _, m := range rs.members {
				_ = m.inst.Stop()
			}
		}
	}
}

// listenAttempts bounds the attempts of startReplicaSetRetrying.
const listenAttempts = 3

// portTaken reports whether err says a member could not bind its port.
func portTaken(err error) bool {
	var se *StartError
	return errors.As(err, &se) && strings.Contains(se.LogTail, "Address already in use")
}

// startReplicaSet starts the processes and waits for the set to sync. On
// error it returns the members started so far (nil if none) for cleanup.
func startReplicaSet(n int, opts ReplicaSetOptions) (*ReplicaSet, error) {
	source, script := replicaLua, ""
	if opts.Script != "" {
		var err error
		if script, err = scriptPath(opts.Script); err != nil {
			return nil, err
		}
		source = ""
	}
	ports, err := tarantoolproc.FreePorts(n)
	if err != nil {
		return nil, err
	}
	uris := make([]string, n)
	for i, p := range ports {
		uris[i] = "replicator:replicator@" + net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = defaultReplicaStartTimeout
	}
	quorum := n/2 + 1
	rs := &ReplicaSet{members: make([]*Member, n), election: opts.Election}
	errs := make([]error, n)
	var wg sync.WaitGroup
	// Every member starts at once: box.cfg waits for the whole mesh on a
	// first boot.
	for i := range n {
		env := map[string]string{}
		for k, v := range opts.Env {
			env[k] = v
		}
		env["TXT_REPLICATION"] = strings.Join(uris, ",")
		env["TXT_READ_ONLY"] = strconv.FormatBool(i != 0)
		if opts.Election {
			env["TXT_ELECTION"] = "candidate"
			env["TXT_SYNCHRO_QUORUM"] = strconv.Itoa(quorum)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := tarantoolproc.Start(context.Background(), tarantoolproc.Options{
				Script: script, Source: source, Port: ports[i], Env: env, StartTimeout: timeout,
			})
			if err != nil {
				errs[i] = fmt.Errorf("tarantooltest: start replica set member i%d: %w", i+1, err)
				return
			}
			rs.members[i] = &Member{name: "i" + strconv.Itoa(i+1), inst: &Instance{p: p}, election: opts.Election, quorum: quorum}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		started := rs.members[:0]
		for _, m := range rs.members {
			if m != nil {
				started = append(started, m)
			}
		}
		rs.members = started
		if len(started) == 0 {
			return nil, err
		}
		return rs, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	master := rs.members[0]
	for _, m := range rs.members[1:] {
		if err := m.WaitSynced(ctx, master); err != nil {
			return rs, fmt.Errorf("tarantooltest: replica set bootstrap: %w", err)
		}
	}
	for _, m := range rs.members {
		if err := m.waitMesh(ctx, n-1); err != nil {
			return rs, fmt.Errorf("tarantooltest: replica set bootstrap: %w", err)
		}
	}
	if opts.Election {
		if err := rs.switchToElection(ctx, quorum); err != nil {
			return rs, err
		}
	}
	return rs, nil
}

// switchToElection turns election on for every member and makes the first
// one leader.
func (rs *ReplicaSet) switchToElection(ctx context.Context, quorum int) error {
	for _, m := range rs.members {
		expr := "box.cfg{election_mode = 'candidate', election_timeout = 1, replication_synchro_quorum = ...}"
		if err := m.Eval(ctx, expr, []any{quorum}, nil); err != nil {
			return fmt.Errorf("tarantooltest: election on %s: %w", m.name, err)
		}
	}
	for _, m := range rs.members {
		if err := m.Eval(ctx, "box.cfg{read_only = false}", nil, nil); err != nil {
			return fmt.Errorf("tarantooltest: election on %s: %w", m.name, err)
		}
	}
	if err := rs.members[0].Promote(ctx); err != nil {
		return err
	}
	leader, err := rs.WaitLeader(ctx)
	if err != nil {
		return err
	}
	if leader != rs.members[0] {
		return fmt.Errorf("tarantooltest: election: %s is leader after promoting %s", leader.name, rs.members[0].name)
	}
	return nil
}

// Members returns the members in order ("i1", "i2", ...; the first was the
// master at start). The slice is a copy; it costs one allocation.
func (rs *ReplicaSet) Members() []*Member {
	return append([]*Member(nil), rs.members...)
}

// Member returns the member called name, or nil.
func (rs *ReplicaSet) Member(name string) *Member {
	for _, m := range rs.members {
		if m.name == name {
			return m
		}
	}
	return nil
}

// Addrs returns every member's address, in order.
func (rs *ReplicaSet) Addrs() []string {
	out := make([]string, len(rs.members))
	for i, m := range rs.members {
		out[i] = m.Addr()
	}
	return out
}

// Master returns the first running member that is writable (box.info.ro is
// false), or an error wrapping ErrNoLeader when none is. It costs one eval
// per running member it asks.
func (rs *ReplicaSet) Master(ctx context.Context) (*Member, error) {
	for _, m := range rs.members {
		if !m.inst.Running() {
			continue
		}
		ro, err := m.IsRO(ctx)
		if err == nil && !ro {
			return m, nil
		}
	}
	return nil, ErrNoLeader
}

// WaitLeader waits until the running members agree on a raft leader (each
// one's box.info.election.leader is its id) and that leader is writable, and
// returns it; it polls every 20ms with one eval per running member, until
// ctx ends (its error, wrapped). It needs a set started with Election.
func (rs *ReplicaSet) WaitLeader(ctx context.Context) (*Member, error) {
	if !rs.election {
		return nil, errors.New("tarantooltest: WaitLeader needs ReplicaSetOptions.Election")
	}
	var last error
	for {
		leader, err := rs.leader(ctx)
		if err == nil {
			return leader, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("tarantooltest: wait for a leader: %w (last: %v)", ctx.Err(), last)
		case <-time.After(replicaPollInterval):
		}
	}
}

// leader returns the leader every running member agrees on.
func (rs *ReplicaSet) leader(ctx context.Context) (*Member, error) {
	type view struct {
		ID     uint64
		Leader uint64
		State  string
		RO     bool
	}
	var leader *Member
	var leaderID uint64
	agreed := map[uint64]int{}
	running := 0
	for _, m := range rs.members {
		if !m.inst.Running() {
			continue
		}
		running++
		var out []any
		err := m.Eval(ctx, "local e = box.info.election return box.info.id, e.leader, e.state, box.info.ro", nil, &out)
		if err != nil {
			return nil, err
		}
		if len(out) != 4 {
			return nil, fmt.Errorf("%s: election info %v", m.name, out)
		}
		v := view{ID: toUint(out[0]), Leader: toUint(out[1]), State: fmt.Sprint(out[2]), RO: out[3] == true}
		agreed[v.Leader]++
		if v.State == "leader" && !v.RO {
			leader, leaderID = m, v.ID
		}
	}
	if leader == nil {
		return nil, errors.New("no writable leader")
	}
	if agreed[leaderID] != running {
		return nil, fmt.Errorf("members disagree on the leader: %v", agreed)
	}
	return leader, nil
}

// toUint converts a decoded msgpack integer to uint64 (0 for anything else).
func toUint(v any) uint64 {
	switch x := v.(type) {
	case uint64:
		return x
	case int64:
		if x >= 0 {
			return uint64(x)
		}
	case uint8, uint16, uint32, int8, int16, int32, int, uint:
		n, _ := strconv.ParseUint(fmt.Sprint(x), 10, 64)
		return n
	}
	return 0
}

// Name returns the member's name: "i1", "i2", ...
func (m *Member) Name() string { return m.name }

// Addr returns the member's address, "127.0.0.1:port", the same across
// restarts.
func (m *Member) Addr() string { return m.inst.Addr() }

// Instance returns the member's process (Pid, WorkDir, Port, Log,
// LogTail, EvalAs).
func (m *Member) Instance() *Instance { return m.inst }

// Running reports whether the member's process is running.
func (m *Member) Running() bool { return m.inst.Running() }

// Kill sends SIGKILL to the member's process group and waits until it is
// reaped (a crash; the work dir is kept for Restart). A no-op when it is not
// running.
func (m *Member) Kill() error { return m.inst.Kill() }

// Stop shuts the member down gracefully (SIGTERM, then SIGKILL after 5s),
// keeping its work dir so that Restart starts it again. A no-op when it is
// not running. The set's cleanup removes everything at the end of the test.
func (m *Member) Stop() error { return m.inst.Terminate() }

// Restart starts the member again on the same port and work dir (stopping it
// gracefully first if it runs), with the role it last had (Promote and Demote
// are kept across restarts), and waits until box.cfg has returned, bounded by
// ctx and the set's StartTimeout. It does not wait for the member to catch
// up: call WaitSynced. It costs a process launch and recovery from the WAL.
func (m *Member) Restart(ctx context.Context) error { return m.inst.Restart(ctx) }

// Eval runs the Lua expr with args on the member as User over a
// connection of its own and decodes its results (an array) into out (nil:
// dropped) with protocol.Decode. An error of the server is a
// *protocol.ServerError (errors.Is with protocol.ErrorCode or
// client.ErrorCode). It costs a dial, an auth and a request.
func (m *Member) Eval(ctx context.Context, expr string, args []any, out any) error {
	return m.inst.Eval(ctx, expr, args, out)
}

// IsRO returns the member's box.info.ro: true for a replica (and, with
// election, for a follower), false for the master. It costs one eval.
func (m *Member) IsRO(ctx context.Context) (bool, error) {
	var out []bool
	if err := m.Eval(ctx, "return box.info.ro", nil, &out); err != nil {
		return false, err
	}
	if len(out) != 1 {
		return false, fmt.Errorf("tarantooltest: box.info.ro of %s: %v", m.name, out)
	}
	return out[0], nil
}

// Promote makes the member writable: box.cfg{read_only = false} (with
// Election: box.ctl.promote(), which wins an election). Without election the
// caller demotes the old master (two writable members are a master-master
// set). The role is recorded in the work dir first, so a member that is not
// running gets it at its next start (then Promote returns nil without an
// eval). It costs one eval.
func (m *Member) Promote(ctx context.Context) error {
	if m.election {
		return m.Eval(ctx, "box.ctl.promote()", nil, nil)
	}
	return m.setReadOnly(ctx, false)
}

// Demote makes the member read-only: box.cfg{read_only = true} (with
// Election: box.ctl.demote()), recorded as Promote does, so an old master
// killed and demoted comes back as a replica. It costs one eval.
func (m *Member) Demote(ctx context.Context) error {
	if m.election {
		return m.Eval(ctx, "box.ctl.demote()", nil, nil)
	}
	return m.setReadOnly(ctx, true)
}

// setReadOnly records the role in the work dir and applies it when running.
func (m *Member) setReadOnly(ctx context.Context, ro bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	path := filepath.Join(m.inst.WorkDir(), roleFileName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatBool(ro)+"\n"), 0o644); err != nil {
		return fmt.Errorf("tarantooltest: role of %s: %w", m.name, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("tarantooltest: role of %s: %w", m.name, err)
	}
	if !m.inst.Running() {
		return nil
	}
	return m.Eval(ctx, "box.cfg{read_only = ...}", []any{ro}, nil)
}

// vclockExpr returns box.info.vclock without the local component 0, keyed
// by replica id as a string (a map even when empty).
const vclockExpr = `local t = setmetatable({}, {__serialize = 'map'})
for id, lsn in pairs(box.info.vclock) do
    if id ~= 0 then t[tostring(id)] = lsn end
end
return t`

// Vclock returns the member's box.info.vclock (without the local component
// 0), keyed by replica id. It costs one eval.
func (m *Member) Vclock(ctx context.Context) (map[string]uint64, error) {
	var out []map[string]uint64
	if err := m.Eval(ctx, vclockExpr, nil, &out); err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("tarantooltest: vclock of %s: %v", m.name, out)
	}
	return out[0], nil
}

// WaitSynced waits until the member has caught up with master: its vclock
// reaches, component by component, master's vclock as read when WaitSynced
// was called (later writes on master are not waited for). It polls every
// 20ms with one eval, retrying while the member is (re)starting, until ctx
// ends (its error, wrapped with the last vclocks seen). Waiting on master
// itself returns at once.
func (m *Member) WaitSynced(ctx context.Context, master *Member) error {
	if m == master {
		return nil
	}
	want, err := master.Vclock(ctx)
	if err != nil {
		return fmt.Errorf("tarantooltest: vclock of master %s: %w", master.name, err)
	}
	var have map[string]uint64
	var last error
	for {
		have, last = m.Vclock(ctx)
		if last == nil && vclockCovers(have, want) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("tarantooltest: %s catching up with %s: %w (vclock %v, want %v, last error %v)", m.name, master.name, ctx.Err(), have, want, last)
		case <-time.After(replicaPollInterval):
		}
	}
}

// upstreamsExpr counts the peers the instance replicates from (upstream
// status 'follow').
const upstreamsExpr = `local n = 0
for _, r in pairs(box.info.replication) do
    if r.id ~= box.info.id and r.upstream ~= nil and r.upstream.status == 'follow' then n = n + 1 end
end
return n`

// waitMesh waits until the member follows peers other members: the full
// mesh is up (box.ctl.promote on 3.x needs a quorum of connected peers).
func (m *Member) waitMesh(ctx context.Context, peers int) error {
	var have []int
	var last error
	for {
		last = m.Eval(ctx, upstreamsExpr, nil, &have)
		if last == nil && len(have) == 1 && have[0] >= peers {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("tarantooltest: %s following its %d peers: %w (following %v, last error %v)", m.name, peers, ctx.Err(), have, last)
		case <-time.After(replicaPollInterval):
		}
	}
}

// vclockCovers reports whether have is at least want in every component.
func vclockCovers(have, want map[string]uint64) bool {
	for id, lsn := range want {
		if have[id] < lsn {
			return false
		}
	}
	return true
}
