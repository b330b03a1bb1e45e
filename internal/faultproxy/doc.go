// Package faultproxy is test support for network faults: a TCP proxy on a
// loopback port in front of an upstream server (a Tarantool instance, an
// echo server) whose connections can be broken, stalled or slowed at run
// time, the way real networks and middleboxes break them.
//
// [Start] runs a [Proxy]; clients connect to [Proxy.Addr] instead of the
// upstream address. Every accepted connection gets its own upstream
// connection and a [Conn] handle ([Proxy.Conns], [Proxy.WaitConns]).
//
// Faults, each switchable at run time:
//
//   - reset: [Conn.Reset], [Proxy.ResetAll] close with SO_LINGER 0, so the
//     client gets a TCP RST; [Proxy.RefuseNew] resets new connections as
//     soon as they are accepted;
//   - kill: [Conn.Close], [Proxy.KillAll] close existing connections (FIN)
//     while new ones pass;
//   - black hole: [Conn.BlackHole], [Proxy.BlackHole] stop forwarding in one
//     or both [Dir]ections while both sockets stay open: the proxy stops
//     reading, so the sender's kernel gets ACKs until the buffers are full
//     and then a zero window, and no byte arrives on the other side; the
//     held bytes flow again after [Conn.Heal] or [Proxy.Heal];
//     [Conn.Drop] and [Proxy.Drop] instead read and discard, so the sender
//     never blocks;
//   - latency: [Conn.Latency], [Proxy.Latency] delay every chunk read by a
//     fixed duration before it is written on;
//   - trickle: [Conn.Trickle], [Proxy.Trickle] write n bytes per interval;
//   - mid-frame cut: [Conn.CutAfter], [Proxy.CutAfter] forward n more bytes
//     in a direction and then close both sockets of the connection.
//
// A Proxy method that sets a fault applies it to every existing connection
// and to every new one until [Proxy.Heal]; a Conn method applies it to that
// connection only. [Proxy.Close] closes everything and waits for every
// goroutine of the proxy to exit.
//
// The package does not link the testing package; [New] is the test helper
// (it takes any [TB], such as a *testing.T) that fails the test when the
// proxy cannot start and closes the proxy when the test ends.
//
// Cost: one goroutine for the accept loop and two per proxied connection
// (one per direction), each with a 32 KiB buffer.
package faultproxy
