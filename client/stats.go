package client

import (
	"sync"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of a client's counters (Client.Stats, Pool.Stats),
// for metrics (contrib/prometheus) and health pages. Counters only grow
// over the client's life; InFlight and QueuedBytes are the current values.
type Stats struct {
	// Requests counts the requests that ended (futures settled), by
	// Outcome: Requests[OutcomeOK] succeeded, and so on. The client's own
	// requests (schema loads, watchers, pings) are not counted.
	Requests [NumOutcomes]uint64
	// InFlight is the number of requests sent and not yet answered.
	InFlight int
	// QueuedBytes is the size of the frames queued and not yet written
	// to the socket.
	QueuedBytes int
	// Connects counts the connections made (authenticated, schema loaded);
	// Reconnects those of them after the first; Disconnects the
	// connections that broke.
	Connects, Reconnects, Disconnects uint64
	// SchemaReloads counts the schema loads after the first (after a
	// reconnection, a changed schema version, an unknown name,
	// ReloadSchema).
	SchemaReloads uint64
	// LastError is the last connection error (why the last connection
	// broke or the last attempt failed), nil if none; LastErrorAt is when.
	LastError   error
	LastErrorAt time.Time
}

// Total returns the number of requests that ended, whatever their outcome.
func (s Stats) Total() uint64 {
	var n uint64
	for _, v := range s.Requests {
		n += v
	}
	return n
}

// cacheLine is the size the counters are padded to, so that the reader
// goroutine counting responses shares no cache line with fields read by
// every request (the current link, the options).
const cacheLine = 64

// counters are a client's Stats counters: atomics, each written by the
// goroutine settling a request (usually the connection's reader) or by the
// supervisor, padded away from the client's other fields.
type counters struct {
	_                                  [cacheLine]byte
	requests                           [NumOutcomes]atomic.Uint64
	connects, disconnects, schemaLoads atomic.Uint64

	errMu       sync.Mutex
	lastError   error
	lastErrorAt time.Time
	_           [cacheLine]byte
}

// noteError records err as the client's last connection error.
func (k *counters) noteError(err error) {
	k.errMu.Lock()
	k.lastError, k.lastErrorAt = err, time.Now()
	k.errMu.Unlock()
}

// Stats returns a snapshot of the client's counters (see Stats). Cost: a
// dozen atomic loads, a mutex, and the current connection's lock for
// QueuedBytes; no allocation.
func (c *Client) Stats() Stats {
	k := &c.counters
	var s Stats
	for i := range s.Requests {
		s.Requests[i] = k.requests[i].Load()
	}
	s.Connects = k.connects.Load()
	if s.Connects > 0 {
		s.Reconnects = s.Connects - 1
	}
	s.Disconnects = k.disconnects.Load()
	if n := k.schemaLoads.Load(); n > 0 {
		s.SchemaReloads = n - 1
	}
	k.errMu.Lock()
	s.LastError, s.LastErrorAt = k.lastError, k.lastErrorAt
	k.errMu.Unlock()
	if ln := c.link.Load(); ln != nil {
		s.InFlight = ln.inFlight()
		s.QueuedBytes = ln.conn.QueuedBytes()
	}
	return s
}

// SumStats adds up stats (of a Pool's members, of a cluster's instances):
// every counter and current value is summed; LastError and LastErrorAt
// are the most recent of them. Cost: a loop, no allocation.
func SumStats(stats ...Stats) Stats {
	var sum Stats
	for _, s := range stats {
		for i, n := range s.Requests {
			sum.Requests[i] += n
		}
		sum.InFlight += s.InFlight
		sum.QueuedBytes += s.QueuedBytes
		sum.Connects += s.Connects
		sum.Reconnects += s.Reconnects
		sum.Disconnects += s.Disconnects
		sum.SchemaReloads += s.SchemaReloads
		if s.LastError != nil && !s.LastErrorAt.Before(sum.LastErrorAt) {
			sum.LastError, sum.LastErrorAt = s.LastError, s.LastErrorAt
		}
	}
	return sum
}

// Stats returns the sum of the members' Stats (see SumStats). Cost: one
// Client.Stats per member.
func (p *Pool) Stats() Stats {
	var sum Stats
	for _, m := range p.members {
		sum = SumStats(sum, m.Stats())
	}
	return sum
}
