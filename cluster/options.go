package cluster

import (
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// DefaultPollInterval is how often an instance without watchers (before
// Tarantool 2.10) is asked for its role when Options.PollInterval is zero.
const DefaultPollInterval = 500 * time.Millisecond

// DefaultDrainTimeout is how long Remove waits for the requests in flight
// on the removed instance when Options.DrainTimeout is zero.
const DefaultDrainTimeout = 5 * time.Second

// Instance names one server of the cluster.
type Instance struct {
	// Name identifies the instance in the cluster (On, Remove, Instances,
	// Handlers); it must be unique and not empty.
	Name string
	// Addr is the server's address, in any form client.Dial takes.
	Addr string
	// Options, if set, replace Options.Client for this instance (its own
	// credentials, TLS, timeouts). The cluster adds its own lifecycle
	// handlers in front of those given here; they still run.
	Options *client.Options
}

// Options configure a Cluster. The zero value is usable: reads to any
// instance, calls to the master, role polling every 500 ms before 2.10,
// fail fast while no master is known.
type Options struct {
	// Client are the options of every instance's client.Client (unless
	// Instance.Options is set).
	Client client.Options

	// DefaultMode is the mode of reads (Ping, Select) made on the
	// Cluster itself. Zero means ModeAny. Writes (Insert, Replace,
	// ReplaceExisting, Update, Upsert, Delete) always go ModeRW.
	DefaultMode Mode

	// CallMode is the mode of Call, Call16, CallWithPush, Eval,
	// EvalWithPush, Execute and Prepare made on the Cluster itself: the
	// cluster cannot tell whether a function or a statement writes, so
	// zero means ModeRW, which is right for every function. Set it (or use
	// Mode(ModeRO).Call) for read-only functions.
	CallMode Mode

	// PollInterval is how often an instance whose server has no watchers
	// (Tarantool before 2.10) is asked for box.info.ro and
	// box.info.election with an eval (so the user needs the execute
	// privilege on the universe there; without it the role stays
	// unknown and InstanceInfo.LastErr says why); one that has them is
	// watched (box.status) and never polled on a timer. Zero means
	// DefaultPollInterval. Cost: one small eval per instance per
	// interval.
	PollInterval time.Duration

	// WaitForMaster, if positive, lets up to this many requests for the
	// master made while none is known wait for one, each until its
	// context ends (then it fails with ErrNoMaster, not sent), instead of
	// failing at once. Zero means fail fast. Cost: one goroutine per
	// waiting request.
	WaitForMaster int

	// DrainTimeout bounds how long Remove waits for the removed
	// instance's requests in flight before closing its client (they fail
	// then with ErrOutcomeUnknown). Zero means DefaultDrainTimeout; a
	// negative value closes at once.
	DrainTimeout time.Duration

	// Handlers are told about instances coming up and down, roles and the
	// master changing.
	Handlers Handlers
}

// Handlers are told about the cluster's lifecycle. They run one at a time,
// in the order the events happened, on the cluster's own executor (never
// on network goroutines), so a slow handler delays other handlers only.
// Nil handlers are skipped.
type Handlers struct {
	// Up: the instance's client connected (first time or again).
	Up func(name string)
	// Down: the instance's connection was lost (cause says why), or it
	// was removed (cause ErrRemoved).
	Down func(name string, cause error)
	// RoleChanged: discovery learnt a new role of the instance (RoleUnknown
	// when it went down).
	RoleChanged func(name string, from, to Role)
	// MasterChanged: the master the cluster routes writes to changed
	// ("" for none).
	MasterChanged func(from, to string)
}

// withDefaults fills in zero fields.
func (o Options) withDefaults() Options {
	if !o.DefaultMode.valid() {
		o.DefaultMode = ModeAny
	}
	if !o.CallMode.valid() {
		o.CallMode = ModeRW
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.DrainTimeout == 0 {
		o.DrainTimeout = DefaultDrainTimeout
	}
	return o
}
