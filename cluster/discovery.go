package cluster

import (
	"context"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// statusKey is the key Tarantool 2.10+ broadcasts its role on: a map
// {is_ro, is_ro_cfg, status} (src/box/box.cc, box_broadcast_status).
const statusKey = "box.status"

// pollLua asks an instance for its role: box.info.ro, box.info.status and,
// where the server has raft (2.6.1+), box.info.election.state.
const pollLua = `local i = box.info
local e = i.election
return i.ro, i.status, type(e) == 'table' and e.state or ''`

// boxStatus is the value of box.status.
type boxStatus struct {
	IsRO   bool   `msgpack:"is_ro"`
	Status string `msgpack:"status"`
}

// roleOf maps is_ro to a role.
func roleOf(ro bool) Role {
	if ro {
		return RoleReplica
	}
	return RoleMaster
}

// watchIfPossible subscribes to box.status once, when the connected
// server announces watchers. Later events set the role; the client
// registers the watch again after every reconnection.
func (m *member) watchIfPossible() {
	if m.watching() || !m.c.ServerInfo().Has(iproto.IPROTO_FEATURE_WATCHERS) {
		return
	}
	w, err := m.c.Watch(statusKey, func(ev client.Event) {
		var st boxStatus
		if !ev.HasValue() {
			return
		}
		if err := ev.Decode(&st); err != nil {
			m.setErr(err)
			return
		}
		m.answered.Store(true)
		m.setRole(roleOf(st.IsRO), st.Status, m.electionState())
	})
	if err != nil {
		m.setErr(err)
		return
	}
	m.mu.Lock()
	m.watcher = w
	m.mu.Unlock()
}

// electionState returns the election state last polled.
func (m *member) electionState() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.election
}

// poll asks the instance for its role with one eval, bounded by twice the
// poll interval (at least a second) and ctx.
func (m *member) poll(ctx context.Context) {
	timeout := 2 * m.cl.opts.PollInterval
	if timeout < time.Second {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := m.c.Eval(ctx, pollLua).Await(ctx)
	defer m.cl.changed()
	defer m.answered.Store(true)
	if err != nil {
		if ctx.Err() == nil || context.Cause(ctx) != context.Canceled {
			m.setErr(err)
		}
		return
	}
	var out struct {
		_msgpack struct{} `msgpack:",as_array"`
		RO       bool
		Status   string
		Election string
	}
	err = resp.Decode(&out)
	resp.Release()
	if err != nil {
		m.setErr(err)
		return
	}
	m.setRole(roleOf(out.RO), out.Status, out.Election)
}
