// Package future provides Future[T], a generic port of Twisted's Deferred for
// Go: every txtarantool client command returns one.
//
// A [Future] is the read side of a result that arrives later; its [Promise]
// is the write side, held by whoever produces the result. Callbacks attach
// with [Future.Then] (addCallback), [Future.Catch] (addErrback),
// [Future.Finally] (addBoth), [Map] and [Chain] (a callback returning a
// future, which the chain waits for); [Future.Tap] and [Future.TapErr] run
// a side effect and pass the outcome on; [Convert] is Map for a pure
// conversion that an Await may run itself. [All], [Settled] and [Race] combine
// futures; [Future.Cancel] and [Future.Timeout] cancel them;
// [Future.Await] blocks a goroutine until the result is there, which is how
// Go code writes what Twisted writes with inlineCallbacks.
//
// Three things differ from Twisted on purpose:
//
//   - The chain is immutable. Then, Catch and Finally return a new future and
//     leave the receiver alone, so one future can feed any number of
//     independent chains, and a callback's result never leaks into another
//     branch.
//   - Cancellation is safe for fan-out. Cancelling a derived future rejects it
//     with [ErrCancelled] and cancels the future it waits on only if no other
//     live derived future still waits on it. Cancelling the end of a chain
//     still cancels the request at its root.
//   - Nothing recurses. Callbacks run from a trampoline, so a chain of a
//     million steps, or a million Chain steps whose inner futures are already
//     settled, settles in constant stack depth; cancelling such a chain walks
//     it in a loop.
//
// Callbacks run exactly once, in registration order, in the goroutine that
// settles the future, or at once in the registering goroutine if the future
// is already settled, unless the future carries an [Executor] ([NewOn],
// [Future.WithExecutor]); [Serial] is an executor that gives Twisted's
// reactor guarantee (one callback at a time, in order). A panic in a callback
// becomes a [*PanicError] for that step; it never crashes the settling
// goroutine. A nil *Future, a nil callback or a nil context never panic:
// they give [ErrNilFuture], [ErrNilCallback] or [ErrNilContext]. When an
// Await's context ends first, a producer that implements [WaitEnder] is
// asked for its decided outcome, so a client request awaited with its own
// context returns the request's precise error. A Serial created with
// [ReportUnobserved] reports, on its own
// goroutine, the error of each of its rejected futures that is garbage
// collected without anyone having observed it (Twisted's "Unhandled error in
// Deferred"); futures on other executors, or on none, are never tracked.
//
// Costs: New is one allocation; Resolve and Await on a settled future
// allocate nothing; the first goroutine awaiting a pending future blocks on a
// recycled wake-up channel, further concurrent waiters share one channel
// made once; each step is one allocation. The doc comment of each exported
// name states its cost.
//
// Every command of [github.com/txtarantool/txtarantool/client.Client]
// returns a Future of a client.Response, settled by the client's network
// reader and running callbacks on the client's Serial executor. The package
// knows nothing of the client, IPROTO or the network.
package future
