package cluster

import "fmt"

// Mode says which instances a request may go to. The zero Mode is
// "unset": Options fields that take a Mode give it a default.
type Mode int

const (
	// ModeAny sends to any connected instance, master or replica, the one
	// with the fewest requests in flight.
	ModeAny Mode = iota + 1
	// ModeRW sends to the master only; with no master known the request
	// waits for one (Options.WaitForMaster) or fails with ErrNoMaster.
	ModeRW
	// ModeRO sends to a replica only (the one with the fewest requests in
	// flight); with none connected it fails with ErrNoReplica.
	ModeRO
	// ModePreferRW sends to the master, or to a replica when no master is
	// known.
	ModePreferRW
	// ModePreferRO sends to a replica (fewest in flight), or to the master
	// when no replica is connected.
	ModePreferRO
)

// String names the mode ("any", "rw", "ro", "prefer-rw", "prefer-ro").
func (m Mode) String() string {
	switch m {
	case ModeAny:
		return "any"
	case ModeRW:
		return "rw"
	case ModeRO:
		return "ro"
	case ModePreferRW:
		return "prefer-rw"
	case ModePreferRO:
		return "prefer-ro"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// valid reports whether m is one of the five modes.
func (m Mode) valid() bool { return m >= ModeAny && m <= ModePreferRO }

// Role is what discovery last learnt of an instance.
type Role int

const (
	// RoleUnknown: not connected, or not asked yet since it connected.
	RoleUnknown Role = iota
	// RoleMaster: writable (box.info.ro / box.status is_ro false).
	RoleMaster
	// RoleReplica: read-only (is_ro true: a replica, a raft follower, an
	// orphan, an instance still loading).
	RoleReplica
)

// String names the role ("unknown", "master", "replica").
func (r Role) String() string {
	switch r {
	case RoleMaster:
		return "master"
	case RoleReplica:
		return "replica"
	}
	return "unknown"
}

// State is the connection state of an instance.
type State int

const (
	// StateConnecting: not connected yet since it was added.
	StateConnecting State = iota
	// StateUp: connected (authenticated, schema loaded).
	StateUp
	// StateDown: the connection was lost (the client reconnects by its
	// Options.Reconnect policy), or reconnecting stopped.
	StateDown
)

// String names the state ("connecting", "up", "down").
func (s State) String() string {
	switch s {
	case StateUp:
		return "up"
	case StateDown:
		return "down"
	}
	return "connecting"
}
