// Package reconnect provides reconnect policies: pure functions that decide
// how long a client waits after a failed connection attempt before trying
// again, and when it gives up. Nothing here sleeps, dials or reads a clock;
// the client does the I/O and asks a [Policy] for numbers.
//
// A [Policy] maps the number of consecutive failed attempts (1, 2, 3, ...)
// to a delay, or to "stop":
//
//   - [Backoff]: exponential backoff with jitter, forever.
//     [DefaultBackoff] is 100 ms doubling to 10 s with [FullJitter].
//   - [Constant]: the same delay every time, optionally jittered.
//   - [MaxAttempts]: wraps a policy and stops after n attempts.
//   - [Never]: never reconnect.
//   - [PolicyFunc]: any function.
//
// Policies are stateless: the answer depends only on the attempt number (and
// the jitter's [Rand]), so one policy value may be shared by every connection
// of a process. The state of one reconnect loop, the count of consecutive
// failures, lives in an [Attempts], which the client owns per connection.
//
// # How the client uses it
//
// A connection's reconnect loop looks like this:
//
//	a := reconnect.Attempts{Policy: opts.Reconnect}
//	for {
//		conn, err := dialAndHandshake(ctx)
//		if err == nil {
//			a.Reset()       // success: the next failure is attempt 1 again
//			serve(conn)     // returns when the connection is lost
//			continue        // reconnect at once after a loss
//		}
//		delay, ok := a.Next() // record the failure, ask the policy
//		if !ok {
//			return err // give up: fail pending and future requests
//		}
//		sleep(ctx, delay) // the client's timer, cancellable by Close
//	}
//
// "Success" means the greeting and authentication succeeded, not merely that
// TCP connected, so a server that accepts and immediately drops connections
// does not reset the backoff on every accept.
//
// # Testing
//
// Delays are deterministic given the [Rand]: inject a fake (or a seeded
// *rand.Rand from math/rand/v2), or use [NoJitter]. No clock is involved,
// so tests need neither fake time nor sleeps.
//
// # Costs
//
// Every Next is O(1) and allocation-free; jitter costs one call to
// Rand.Int64N. [MaxAttempts] allocates once when built. The doc comment of
// each exported name states its cost.
//
// # Related packages
//
// [github.com/txtarantool/txtarantool/client.Options] takes a Policy in its
// Reconnect field (nil means [DefaultBackoff]); the client's reconnect
// supervisor owns the [Attempts] and tells its Handlers about each attempt.
package reconnect
