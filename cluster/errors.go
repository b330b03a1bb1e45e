package cluster

import (
	"errors"
	"fmt"

	"github.com/txtarantool/txtarantool/client"
)

// ErrNoMaster is the cause of a request for the master (ModeRW, or a
// write resent after ER_READONLY) made while no master is known, once its
// wait (Options.WaitForMaster) is over or refused. It comes inside a
// *RouteError: the request was not sent.
var ErrNoMaster = errors.New("cluster: no master known")

// ErrNoReplica is the cause of a ModeRO request made while no replica is
// connected, inside a *RouteError: not sent.
var ErrNoReplica = errors.New("cluster: no replica connected")

// ErrNoInstance is the cause of a ModeAny, ModePreferRW or ModePreferRO
// request made while no instance is connected, inside a *RouteError: not
// sent.
var ErrNoInstance = errors.New("cluster: no instance connected")

// ErrUnknownInstance is returned by On and Remove for a name the cluster
// does not have, and ErrDuplicateInstance by Dial, Lazy and Add for a name
// it already has (or an empty one).
var (
	ErrUnknownInstance   = errors.New("cluster: no such instance")
	ErrDuplicateInstance = errors.New("cluster: duplicate or empty instance name")
)

// ErrRemoved is the cause given to Handlers.Down for an instance taken
// out with Remove.
var ErrRemoved = errors.New("cluster: instance removed")

// RouteError fails a request the cluster could not send anywhere: no
// instance of the mode it needs (Err: ErrNoMaster, ErrNoReplica,
// ErrNoInstance). It matches client.ErrNotSent (nothing was sent, so
// retrying cannot execute it twice), its Err and its Cause: the request
// context's error when the wait for a master ended with it, or the error
// of the attempt that made the cluster look for a master (a *ServerError
// ER_READONLY, a not-sent *client.ConnectionError).
type RouteError struct {
	// Mode is the mode the request needed.
	Mode Mode
	// Err is ErrNoMaster, ErrNoReplica or ErrNoInstance.
	Err error
	// Cause is why the wait ended or why a master was looked for; may be
	// nil.
	Cause error
}

// Error names the mode, the missing role and the cause.
func (e *RouteError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%v (mode %v, request not sent): %v", e.Err, e.Mode, e.Cause)
	}
	return fmt.Sprintf("%v (mode %v, request not sent)", e.Err, e.Mode)
}

// Unwrap returns Err and Cause (when set), for errors.Is and errors.As.
func (e *RouteError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// Is matches client.ErrNotSent: nothing was sent.
func (e *RouteError) Is(target error) bool { return target == client.ErrNotSent }

// closedError is the error of a request made on a closed cluster: a
// not-sent *client.ConnectionError over client.ErrClosed.
func closedError() error { return &client.ConnectionError{Addr: "cluster", Err: client.ErrClosed} }

// nilContextError is the error of a call given a nil context.
func nilContextError() error { return &client.ArgumentError{Arg: "ctx", Err: client.ErrNilContext} }
