package cluster

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// member is one instance: its client, what discovery learnt of it and the
// goroutine that asks.
type member struct {
	cl   *Cluster
	name string
	addr string
	c    *client.Client

	role     atomic.Int32 // a Role
	state    atomic.Int32 // a State
	answered atomic.Bool  // a poll or an event has ended (Dial waits for it)

	mu       sync.Mutex
	lastErr  error
	status   string // box.info.status / box.status status
	election string // box.info.election.state, "" when none
	watcher  *client.Watcher

	kick chan struct{} // asks the monitor for a poll now (buffered, 1)
	stop chan struct{} // closed to stop the monitor
	done chan struct{} // closed when the monitor has exited
}

// newMember makes a member, not yet connected, without its client.
func newMember(cl *Cluster, inst Instance) *member {
	return &member{
		cl: cl, name: inst.Name, addr: inst.Addr,
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
}

// clientOptions returns the options of inst's client: the cluster's or
// the instance's, with the member's lifecycle handlers in front of the
// user's.
func (m *member) clientOptions(inst Instance) client.Options {
	o := m.cl.opts.Client
	if inst.Options != nil {
		o = *inst.Options
	}
	user := o.Handlers
	o.Handlers.Connected = func(c *client.Client) {
		m.up()
		if user.Connected != nil {
			user.Connected(c)
		}
	}
	o.Handlers.Reconnected = func(c *client.Client, d time.Duration) {
		m.up()
		if user.Reconnected != nil {
			user.Reconnected(c, d)
		}
	}
	o.Handlers.Disconnected = func(c *client.Client, cause error) {
		m.down(cause)
		if user.Disconnected != nil {
			user.Disconnected(c, cause)
		}
	}
	o.Handlers.Reconnecting = func(c *client.Client, attempt int, delay time.Duration, cause error) {
		m.setErr(cause)
		if user.Reconnecting != nil {
			user.Reconnecting(c, attempt, delay, cause)
		}
	}
	o.Handlers.Closed = func(c *client.Client, cause error) {
		if cause != nil {
			m.down(cause)
		}
		if user.Closed != nil {
			user.Closed(c, cause)
		}
	}
	return o
}

// up records a connection and asks for the role at once.
func (m *member) up() {
	m.state.Store(int32(StateUp))
	m.cl.emit(func(h Handlers) {
		if h.Up != nil {
			h.Up(m.name)
		}
	})
	m.cl.recomputeMaster() // a poll may have told the role before this ran
	m.poke()
}

// down records a lost connection: the role is unknown until asked again.
func (m *member) down(cause error) {
	m.setErr(cause)
	m.state.Store(int32(StateDown))
	m.cl.emit(func(h Handlers) {
		if h.Down != nil {
			h.Down(m.name, cause)
		}
	})
	m.setRole(RoleUnknown, "", "")
}

// setErr records the last error seen on the instance.
func (m *member) setErr(err error) {
	m.mu.Lock()
	m.lastErr = err
	m.mu.Unlock()
}

// setRole records a role discovery learnt (or RoleUnknown), telling the
// handlers and the requests waiting for a master.
func (m *member) setRole(r Role, status, election string) {
	m.mu.Lock()
	if status != "" || r == RoleUnknown {
		m.status, m.election = status, election
	}
	m.mu.Unlock()
	m.cl.roleChanged(m, r)
}

// poke asks the monitor for a poll now (the role may have changed).
func (m *member) poke() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// usable reports whether requests can go to the member now with role r
// (RoleUnknown: any role). Cost: two atomic loads.
func (m *member) usable(r Role) bool {
	if !m.c.Connected() {
		return false
	}
	return r == RoleUnknown || Role(m.role.Load()) == r
}

// monitor runs discovery until stop: after every connection it watches
// box.status when the server has watchers, and otherwise polls every
// PollInterval; a poke polls at once either way.
func (m *member) monitor() {
	defer close(m.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-m.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.NewTicker(m.cl.opts.PollInterval)
	defer tick.Stop()
	for {
		poll := false
		select {
		case <-m.stop:
			return
		case <-m.kick:
			poll = true
		case <-tick.C:
			poll = !m.watching()
		}
		if poll && m.c.Connected() {
			m.watchIfPossible()
			m.poll(ctx)
		}
	}
}

// watching reports whether the member's role comes from box.status events.
func (m *member) watching() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.watcher != nil
}
