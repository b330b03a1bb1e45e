package client

import "time"

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
	// SchemaReloads counts the schema loads after the first (a changed
	// schema version, an unknown name).
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
