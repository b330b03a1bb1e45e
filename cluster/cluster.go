package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// Cluster is a set of Tarantool instances (a replica set) behind one
// client.Conn: it learns each instance's role, routes every request by
// its mode and fails writes over to a new master. See the package
// documentation. It is safe for concurrent use.
type Cluster struct {
	View // the commands, in the default modes (see view.go)

	opts Options
	exec *future.Serial // runs Handlers, and the callbacks of writes

	members atomic.Pointer[[]*member] // copy on write, under mu

	mu      sync.Mutex
	closed  bool
	master  string        // the master last announced to MasterChanged
	signal  chan struct{} // closed and replaced on every change
	tasks   sync.WaitGroup
	waiting atomic.Int32 // requests waiting for a master

	life     context.Context // ends at Close
	stopLife context.CancelFunc
}

// newCluster makes an empty cluster.
func newCluster(opts Options) *Cluster {
	c := &Cluster{opts: opts.withDefaults(), exec: future.NewSerial(), signal: make(chan struct{})}
	c.View = View{c: c, read: c.opts.DefaultMode, write: ModeRW, call: c.opts.CallMode}
	c.life, c.stopLife = context.WithCancel(context.Background())
	empty := []*member{}
	c.members.Store(&empty)
	return c
}

// Lazy returns a cluster at once whose instances connect in the background,
// each as client.Lazy does; requests made before an instance of the right
// role is known fail fast or wait as their mode says. It fails only for an
// invalid address or a duplicate or empty name. Cost: per instance, a
// client and one discovery goroutine.
func Lazy(instances []Instance, opts Options) (*Cluster, error) {
	c := newCluster(opts)
	for _, inst := range instances {
		m, err := c.connect(context.Background(), inst, addLazy)
		if err == nil {
			err = c.insert(m)
		}
		if err != nil {
			_ = c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Dial connects to every instance at once, bounded by ctx, and returns
// when each has connected and answered its first discovery (told its role,
// or failed the poll: see InstanceInfo.LastErr), or failed its first
// connection attempt (such an instance keeps connecting in the background,
// as client.Lazy does). It fails, closing everything, only when no instance could be
// reached (the errors of all, joined), for an invalid address, a duplicate
// or empty name, or a nil ctx (*client.ArgumentError). Cost: as Lazy,
// plus the first connection of every instance, in parallel.
func Dial(ctx context.Context, instances []Instance, opts Options) (*Cluster, error) {
	if ctx == nil {
		return nil, nilContextError()
	}
	if err := checkNames(instances); err != nil {
		return nil, err
	}
	c := newCluster(opts)
	errs := make([]error, len(instances))
	made := make([]*member, len(instances))
	var wg sync.WaitGroup
	for i, inst := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			made[i], errs[i] = c.connect(ctx, inst, addDialLazy)
		}()
	}
	wg.Wait()
	complete := true
	for _, m := range made { // in the order given
		if m == nil {
			complete = false
		} else if err := c.insert(m); err != nil {
			complete = false
		}
	}
	if !complete || !c.Connected() {
		_ = c.Close()
		return nil, errors.Join(errs...)
	}
	// Every reached instance is connected: wait for its first answer (a
	// poll, bounded by its timeout, or an event).
	for ctx.Err() == nil {
		sig := c.changes()
		if !slices.ContainsFunc(*c.members.Load(), func(m *member) bool {
			return m.c.Connected() && !m.answered.Load()
		}) {
			break
		}
		select {
		case <-sig:
		case <-ctx.Done():
		}
	}
	return c, nil
}

// checkNames refuses empty and duplicate names.
func checkNames(instances []Instance) error {
	seen := map[string]bool{}
	for _, inst := range instances {
		if inst.Name == "" || seen[inst.Name] {
			return fmt.Errorf("%w: %q", ErrDuplicateInstance, inst.Name)
		}
		seen[inst.Name] = true
	}
	return nil
}

// Add connects to inst, bounded by ctx, and adds it once connected (its
// role is then learnt as for any instance: routing uses it within one poll
// or event). If it cannot connect, nothing is added and the client's error
// is returned; a name already in the cluster (or empty) fails with
// ErrDuplicateInstance, a nil ctx with a *client.ArgumentError. Cost: a
// client.Dial and one discovery goroutine.
func (c *Cluster) Add(ctx context.Context, inst Instance) error {
	if ctx == nil {
		return nilContextError()
	}
	m, err := c.connect(ctx, inst, addDial)
	if err != nil {
		return err
	}
	return c.insert(m)
}

// How add connects an instance.
const (
	addLazy     = iota // client.Lazy
	addDial            // client.Dial; on failure, nothing is added
	addDialLazy        // client.Dial; on failure, client.Lazy (Dial)
)

// connect makes inst's member and its client, connecting it as how says
// (bounded by ctx). It returns the member (nil if none was made) and the
// error of its first connection attempt, if any.
func (c *Cluster) connect(ctx context.Context, inst Instance, how int) (*member, error) {
	if inst.Name == "" {
		return nil, fmt.Errorf("%w: %q", ErrDuplicateInstance, inst.Name)
	}
	m := newMember(c, inst)
	opts := m.clientOptions(inst)
	var (
		cl     *client.Client
		dialed error
	)
	if how != addLazy {
		cl, dialed = client.Dial(ctx, inst.Addr, opts)
		if dialed != nil && how == addDial {
			return nil, dialed
		}
	}
	if cl == nil {
		var err error
		if cl, err = client.Lazy(inst.Addr, opts); err != nil {
			return nil, err
		}
		if dialed != nil {
			m.setErr(dialed)
		}
	}
	m.c = cl
	return m, dialed
}

// insert adds a connected (or connecting) member to the cluster and starts
// its discovery; on a closed cluster or a taken name it closes the
// member's client and fails.
func (c *Cluster) insert(m *member) error {
	c.mu.Lock()
	if c.closed || slices.ContainsFunc(*c.members.Load(), func(o *member) bool { return o.name == m.name }) {
		closed := c.closed
		c.mu.Unlock()
		_ = m.c.Close()
		if closed {
			return closedError()
		}
		return fmt.Errorf("%w: %q", ErrDuplicateInstance, m.name)
	}
	ms := append(slices.Clone(*c.members.Load()), m)
	c.members.Store(&ms)
	c.mu.Unlock()
	if m.c.Connected() {
		m.state.Store(int32(StateUp))
	}
	go m.monitor()
	m.poke()
	c.changed()
	return nil
}

// Remove takes the instance out of routing at once, lets its requests in
// flight finish (for up to Options.DrainTimeout: the server is usually
// still running, so their responses are not lost) and then closes its
// client; requests still in flight then fail (ErrOutcomeUnknown), and a
// write not sent yet is resent to the master, as after any not-sent
// failure. Handlers.Down runs with ErrRemoved. An unknown name fails with
// ErrUnknownInstance. Cost: a client.CloseGraceful; Remove returns once the
// client is closed.
func (c *Cluster) Remove(name string) error {
	c.mu.Lock()
	ms := *c.members.Load()
	i := slices.IndexFunc(ms, func(m *member) bool { return m.name == name })
	if i < 0 {
		c.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrUnknownInstance, name)
	}
	m := ms[i]
	rest := slices.Delete(slices.Clone(ms), i, i+1)
	c.members.Store(&rest)
	c.mu.Unlock()
	c.recomputeMaster()
	m.drain(c.opts.DrainTimeout)
	m.down(ErrRemoved)
	c.recomputeMaster()
	return nil
}

// drain stops the member's monitor and closes its client once its
// requests in flight are done, or after timeout (<= 0: at once).
func (m *member) drain(timeout time.Duration) {
	close(m.stop)
	<-m.done
	if timeout <= 0 {
		_ = m.c.Close()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_ = m.c.CloseGraceful(ctx) // closed either way; a timeout closes at once
}

// shutdown stops the member's monitor and closes its client.
func (m *member) shutdown() {
	close(m.stop)
	<-m.done
	_ = m.c.Close()
}

// InstanceInfo is one instance as Instances reports it.
type InstanceInfo struct {
	Name, Addr string
	// Role is what discovery last learnt (RoleUnknown while down).
	Role Role
	// State is the connection's.
	State State
	// Status is box.info.status (box.status's status), "" if not known.
	Status string
	// Election is box.info.election.state as last polled ("" without
	// raft, or when the role came from box.status events).
	Election string
	// Watched is true when the role comes from box.status events
	// (Tarantool 2.10+), false when polled.
	Watched bool
	// InFlight is the client's requests awaiting a response.
	InFlight int
	// LastErr is the last error of a connection, an attempt or a poll.
	LastErr error
}

// Instances returns every instance, in the order they were added. Cost: a
// copy of each instance's state.
func (c *Cluster) Instances() []InstanceInfo {
	ms := *c.members.Load()
	out := make([]InstanceInfo, len(ms))
	for i, m := range ms {
		m.mu.Lock()
		out[i] = InstanceInfo{
			Name: m.name, Addr: m.addr,
			Role: Role(m.role.Load()), State: State(m.state.Load()),
			Status: m.status, Election: m.election, Watched: m.watcher != nil,
			InFlight: m.c.InFlight(), LastErr: m.lastErr,
		}
		m.mu.Unlock()
	}
	return out
}

// On returns the client of the instance called name, to send to that one
// instance whatever its role (no routing, no failover); or
// ErrUnknownInstance. Do not close it: Remove the instance or close the
// cluster. Cost: a scan of the instances.
func (c *Cluster) On(name string) (*client.Client, error) {
	for _, m := range *c.members.Load() {
		if m.name == name {
			return m.c, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownInstance, name)
}

// Master returns the name of the master last announced to
// Handlers.MasterChanged: the first instance, in the order they were
// added, that is up and known as master; "" when none is. (With two
// writable instances, ModeRW requests go to either, by in-flight count.)
// Cost: a mutex.
func (c *Cluster) Master() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.master
}

// WaitMaster blocks until a master is known, ctx ends (a *RouteError over
// ErrNoMaster and ctx's error) or the cluster is closed, and returns its
// name.
func (c *Cluster) WaitMaster(ctx context.Context) (string, error) {
	if ctx == nil {
		return "", nilContextError()
	}
	m, err := c.waitMaster(ctx, nil)
	if err != nil {
		return "", err
	}
	return m.name, nil
}

// Connected reports whether at least one instance is connected.
func (c *Cluster) Connected() bool {
	return slices.ContainsFunc(*c.members.Load(), func(m *member) bool { return m.c.Connected() })
}

// WaitConnected blocks until at least one instance is connected, ctx ends
// (its error) or the cluster is closed (a *client.ConnectionError over
// client.ErrClosed).
func (c *Cluster) WaitConnected(ctx context.Context) error {
	if ctx == nil {
		return nilContextError()
	}
	for {
		sig := c.changes()
		if c.isClosed() {
			return closedError()
		}
		if c.Connected() {
			return nil
		}
		select {
		case <-sig:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops discovery, fails the requests waiting for a master (not
// sent), closes every instance's client (see client.Client.Close) and
// returns when all of the cluster's goroutines have exited; handlers and
// callbacks already queued still run on its executor, which exits after
// them. Idempotent.
func (c *Cluster) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	ms := *c.members.Load()
	c.mu.Unlock()
	c.stopLife()
	for _, m := range ms {
		m.shutdown()
	}
	c.tasks.Wait()
	c.exec.Close()
	<-c.exec.Done()
	return nil
}

// isClosed reports whether Close was called.
func (c *Cluster) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// spawn runs fn on a goroutine Close waits for, unless the cluster is
// closed (false).
func (c *Cluster) spawn(fn func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.tasks.Add(1)
	go func() {
		defer c.tasks.Done()
		fn()
	}()
	return true
}

// emit queues a handler call on the cluster's executor.
func (c *Cluster) emit(fn func(Handlers)) {
	h := c.opts.Handlers
	c.exec.Execute(func() { fn(h) })
}

// changes returns a channel closed at the next change of any instance's
// state or role.
func (c *Cluster) changes() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.signal
}

// changed wakes everyone waiting in changes.
func (c *Cluster) changed() {
	c.mu.Lock()
	close(c.signal)
	c.signal = make(chan struct{})
	c.mu.Unlock()
}

// roleChanged records m's role r, tells RoleChanged and, if the master
// changed, MasterChanged, and wakes the waiters.
func (c *Cluster) roleChanged(m *member, r Role) {
	c.mu.Lock()
	from := Role(m.role.Swap(int32(r)))
	if from != r {
		c.emit(func(h Handlers) {
			if h.RoleChanged != nil {
				h.RoleChanged(m.name, from, r)
			}
		})
	}
	c.recomputeMasterLocked()
	c.mu.Unlock()
	c.changed()
}

// recomputeMaster announces a change of master (after Remove).
func (c *Cluster) recomputeMaster() {
	c.mu.Lock()
	c.recomputeMasterLocked()
	c.mu.Unlock()
	c.changed()
}

// recomputeMasterLocked finds the first instance known as master and, if
// it is not the one last announced, tells MasterChanged. c.mu is held.
func (c *Cluster) recomputeMasterLocked() {
	now := ""
	for _, m := range *c.members.Load() {
		if Role(m.role.Load()) == RoleMaster && State(m.state.Load()) == StateUp {
			now = m.name
			break
		}
	}
	if now == c.master {
		return
	}
	from := c.master
	c.master = now
	c.emit(func(h Handlers) {
		if h.MasterChanged != nil {
			h.MasterChanged(from, now)
		}
	})
}
