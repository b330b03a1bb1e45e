package client

import (
	"errors"
	"fmt"
	"time"
)

// defaultDeadPeerTimeout applies when Options.DeadPeerTimeout is zero.
const defaultDeadPeerTimeout = 4 * time.Second

// ErrDeadPeer is matched (errors.Is) by the cause of a connection the
// client broke because the server stopped responding (see
// Options.DeadPeerTimeout and *DeadPeerError).
var ErrDeadPeer = errors.New("txtarantool: server not responding")

// DeadPeerError is the cause of a connection the client broke because
// nothing at all came from the server, and no write made progress, for
// Options.DeadPeerTimeout despite a PING: a peer that is gone without a
// reset (a crashed host, a black-holing middlebox, a stopped process). The
// requests in flight fail with a *ConnectionError wrapping it (Sent as
// for any broken connection) and the client reconnects per its policy. It
// matches ErrDeadPeer and is a timeout (Timeout, like a net.Error's).
type DeadPeerError struct {
	// Silence is how long the connection was quiet.
	Silence time.Duration
}

// Error describes the silence.
func (e *DeadPeerError) Error() string {
	return fmt.Sprintf("txtarantool: server not responding: nothing received for %v despite a ping", e.Silence)
}

// Is matches ErrDeadPeer.
func (e *DeadPeerError) Is(target error) bool { return target == ErrDeadPeer }

// Timeout reports true: the connection timed out.
func (e *DeadPeerError) Timeout() bool { return true }
