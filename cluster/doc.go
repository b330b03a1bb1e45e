// Package cluster is a client for a Tarantool replica set: a set of
// instances, each a [client.Client], behind one [client.Conn] that routes
// every request by the role of the instances and fails writes over to a
// new master. It imports client; client knows nothing of it.
//
//	c, err := cluster.Dial(ctx, []cluster.Instance{
//		{Name: "i1", Addr: "10.0.0.1:3301"},
//		{Name: "i2", Addr: "10.0.0.2:3301"},
//	}, cluster.Options{Client: opts, DefaultMode: cluster.ModePreferRO, WaitForMaster: 1000})
//	resp, err := c.Insert(ctx, "accounts", tuple).Await(ctx)             // to the master
//	resp, err = c.Select(ctx, "accounts", nil, key).Await(ctx)            // DefaultMode
//	resp, err = c.Mode(cluster.ModeRO).Call(ctx, "report").Await(ctx)   // a replica
//
// # Modes
//
// Each request has a [Mode]: [ModeAny] (any connected instance),
// [ModeRW] (the master), [ModeRO] (a replica), [ModePreferRW] and
// [ModePreferRO] (that role if there is one, else any). Among the
// instances a mode allows, the one with the fewest requests in flight
// ([client.Client.InFlight]) gets the request, so reads spread over the
// replicas. On the Cluster itself reads (Ping, Select) go in
// Options.DefaultMode (ModeAny by default), writes (Insert, Replace,
// ReplaceExisting, Update, Upsert, Delete) in ModeRW, and calls (Call,
// Eval, Execute, ...) in Options.CallMode, ModeRW by default: the cluster
// cannot know whether a function writes. [Cluster.Mode] returns a [View]
// whose every command goes in one mode; [Cluster.On] the client of one
// instance.
//
// # Discovery
//
// Each instance has a goroutine that learns its role. When the server
// announces watchers (Tarantool 2.10+) it watches box.status (is_ro,
// status): the role changes with the event. Otherwise it evaluates
// box.info.ro, box.info.status and box.info.election.state every
// Options.PollInterval (500 ms by default). An instance is also asked at
// once when its client connects and whenever a write was refused as
// read-only. An instance that is down has RoleUnknown and gets nothing.
// [Cluster.Instances] reports each one's role, state, in-flight count and
// last error; [Handlers] are told of instances going up and down, roles
// and the master changing, on the cluster's executor, in order.
//
// # Failover
//
//   - A write refused with ER_READONLY was not executed: the cluster marks
//     the instance a replica, asks every instance for its role and resends
//     the write, once, to the master, without the caller seeing it. So is
//     a write that failed not sent because its instance went down
//     (a *client.ConnectionError with Sent false). Calls are resent alike:
//     their box write was not made, but side effects before it were.
//   - While no master is known, a ModeRW request (and such a resend) waits
//     for one if Options.WaitForMaster allows (at most that many wait,
//     each until its context ends), then fails with a *[RouteError] over
//     [ErrNoMaster], which matches client.ErrNotSent.
//   - A write whose connection broke after it was sent fails with the
//     client's error, which matches client.ErrOutcomeUnknown: it may have
//     been executed, and it is never resent.
//   - Streams and transactions ([Cluster.NewStream], [Cluster.Tx]) are
//     pinned to the master they began on and never move.
//
// Futures of reads are the instance's client's (callbacks on its
// executor); those of writes and calls settle on the cluster's executor.
// [Cluster.Close] closes every client and returns when every goroutine of
// the cluster has exited.
package cluster
