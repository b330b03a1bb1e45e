// Command demo shows txtarantool against a real Tarantool.
//
// The default subcommand makes a lazy client (client.Lazy), tours the API
// once it is connected (a Then callback, Await with typed decoding, a
// server error matched by code, pipelining), then replaces kv["tick"] a
// few times per second, printing one line per event: each request's
// outcome (ok with its latency, or failed with the kind of error),
// disconnections with their cause, reconnect attempts with their delay,
// and reconnections with the downtime. With --chaos it SIGKILLs and
// restarts the server it started (twice) and exits after about 15 s with
// a summary: this is `make demo`.
//
// `demo cluster` starts a replica set of three tarantool processes and tells
// a failover story through the cluster package: `make demo-cluster`.
//
// `demo serve` serves the kv space over HTTP (GET /set/k=v, /get/k,
// /del/k) from a lazy pool of connections, answering 503 while Tarantool
// is down.
//
// Without -addr both start their own tarantool from demo.lua, which the
// binary embeds (so `go install .../cmd/demo@latest` gives a demo that runs
// anywhere), on a free port, and stop it on exit. The tarantool binary is
// $TARANTOOL_BIN, or tarantool on PATH.
//
//	go run ./cmd/demo --chaos                 # the unattended reconnect story
//	go run ./cmd/demo                         # tour, then requests until Ctrl-C
//	go run ./cmd/demo -addr 127.0.0.1:3301    # against a running server
//	go run ./cmd/demo serve -listen :8080     # the HTTP example
//	go run ./cmd/demo cluster                 # the replica-set failover story
//
// # The reconnect story
//
// The default subcommand prints one line per event: time since start, event,
// details. Requests print "ok in <latency>" or "failed: <kind>", the kind
// being "not connected" (made while disconnected: never sent, safe to retry),
// "not sent", "sent, outcome unknown" (written to a connection that broke
// before the reply: the server may or may not have executed it), "timed out,
// ..." or "server error <code>". The client's Handlers print the
// disconnections, reconnect attempts and reconnections; they run on the
// client's executor, in order with the request callbacks. The reconnect
// policy is a [reconnect.Backoff] of 100 ms doubling to 1 s with
// [reconnect.EqualJitter] (-reconnect-min, -reconnect-max);
// Options.WaitForReconnect is off so that failures show, and -wait N lets up
// to N requests wait for the next connection, each bounded by -timeout.
// --chaos SIGKILLs the server 4 s into the loop, restarts it 2.5 s later,
// kills it again 3 s after that, restarts it, runs 2.5 s more and prints a
// summary.
//
// # The failover story
//
// `demo cluster` starts i1 (master), i2 and i3 (replicas) from cluster.lua,
// which the binary embeds as it does demo.lua: full-mesh replication on
// free 127.0.0.1 ports, each in a temporary work dir removed on exit (also
// on Ctrl-C). It dials them with [cluster.Dial] (reads ModePreferRO, writes
// to the master, WaitForMaster 1000, roles polled every 200 ms before 2.10)
// with Handlers that print every instance up and down, role change and
// master change. Writers (-writers, 4) call put(key), a Lua function that
// inserts a unique key and counts the calls it refused as read-only;
// readers (-readers, 2) select random keys. After 2 s it SIGKILLs i1,
// after -down (1.5 s) promotes i2 with box.cfg{read_only = false} (an
// admin eval; writes wait for the master meanwhile, each up to -timeout),
// 2 s later restarts i1 as a replica, then switches over from i2 to i3
// (demote, 50 ms, promote), whose writes refused with ER_READONLY the
// cluster resends. The summary gives writes and reads by outcome, the
// ER_READONLY refusals resent (counted by the servers), the failover time
// (kill to the first acknowledged write on i2) and the acknowledged writes
// missing on the last master (read back from it). About 11 s in all.
//
// # The HTTP example
//
// `demo serve` serves the kv space from a [client.LazyPool] (-pool, 10 by
// default), so it starts even while Tarantool is down. Every path is GET (or
// HEAD); keys and values are URL-escaped path text split at the first
// unescaped "=":
//
//	/set/<key>=<value>  200 "ok" (the value stored as a string)
//	/get/<key>          200 with the value as stored; 404 "not found"
//	/del/<key>          200 "ok", whether or not the key existed
//	/                   200, a one-line usage
//
// Bad input is 400; while Tarantool is unreachable requests get 503 (with
// Retry-After: 1) until the pool reconnects; 504 when Tarantool does not
// answer within -timeout; 500 for a server error. It prints one line per HTTP
// request and per pool transition, and shuts down gracefully on SIGINT or
// SIGTERM.
package main
