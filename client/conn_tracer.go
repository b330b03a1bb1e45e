package client

import "time"

// ConnTracer is the optional part of a Tracer told of connection events:
// an Options.Tracer that also implements it (checked once, when the
// client is made) gets every connection attempt and every disconnection
// of the client, as pgx's ConnectTracer does. Its methods run on the
// client's callback executor, like Handlers: one at a time, never on the
// network goroutines, so a slow one delays callbacks but never the
// client. Cost: one closure queued on the executor per event; nothing per
// request.
type ConnTracer interface {
	// TraceConnect is told of each connection attempt once it ended:
	// the first (Dial's, or a lazy client's) and each reconnection.
	TraceConnect(c *Client, ev ConnectEvent)
	// TraceDisconnect is told of each connection that broke (not of one
	// closed by Close), after the requests in flight failed.
	TraceDisconnect(c *Client, ev DisconnectEvent)
}

// ConnectEvent is one connection attempt, as told to
// ConnTracer.TraceConnect.
type ConnectEvent struct {
	// Addr is the server's address.
	Addr string
	// Attempt numbers the attempts since the client was made or last
	// connected: 1 for the first, 2 for the next after a failure, ...
	Attempt int
	// Duration is how long the attempt took: dial, greeting,
	// authentication and schema load.
	Duration time.Duration
	// Err is why the attempt failed, nil if it connected.
	Err error
}

// DisconnectEvent is one broken connection, as told to
// ConnTracer.TraceDisconnect.
type DisconnectEvent struct {
	// Addr is the server's address.
	Addr string
	// Cause is why the connection broke (ErrServerClosed, a
	// *DeadPeerError, a read or write error, ...).
	Cause error
	// Failed is the number of requests that were in flight on the
	// connection when it broke and failed with a *ConnectionError (the
	// client's own requests included).
	Failed int
	// Uptime is how long the connection had been up.
	Uptime time.Duration
}

// traceConnect tells the client's ConnTracer, if any, of a connection
// attempt that began at start.
func (c *Client) traceConnect(attempt int, start time.Time, err error) {
	ct := c.connTracer
	if ct == nil {
		return
	}
	ev := ConnectEvent{Addr: c.addr, Attempt: attempt, Duration: time.Since(start), Err: err}
	c.exec.Execute(func() { ct.TraceConnect(c, ev) })
}

// traceDisconnect tells the client's ConnTracer, if any, that ln, up
// since upSince, broke with cause.
func (c *Client) traceDisconnect(ln *link, upSince time.Time, cause error) {
	ct := c.connTracer
	if ct == nil {
		return
	}
	ev := DisconnectEvent{Addr: c.addr, Cause: cause, Failed: ln.conn.FailedRequests(), Uptime: time.Since(upSince)}
	c.exec.Execute(func() { ct.TraceDisconnect(c, ev) })
}
