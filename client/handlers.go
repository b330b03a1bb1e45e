package client

import "time"

// Handlers are told about connection lifecycle events, for logs and
// metrics. Each runs on the client's callback executor (the goroutine that
// runs Then callbacks), never on the network goroutines or the reconnect
// supervisor, so a slow handler delays callbacks but never the client.
// Nil handlers are skipped. For a Pool, each member Client reports its own
// events.
type Handlers struct {
	// Connected: the first connection is up (authenticated, schema loaded).
	Connected func(c *Client)
	// Disconnected: the connection broke; cause says why. Requests in
	// flight have already failed.
	Disconnected func(c *Client, cause error)
	// Reconnecting: attempt number attempt (1, 2, ...) starts after
	// delay; cause is why the client is not connected: the error the
	// connection broke with (before attempt 1 after a disconnection) or
	// the previous attempt's (a *transport.DialError, an *AuthError, ...).
	Reconnecting func(c *Client, attempt int, delay time.Duration, cause error)
	// Reconnected: a connection is up again after being down for downtime.
	Reconnected func(c *Client, downtime time.Duration)
	// Closed: the client is closed (cause nil) or the reconnect policy gave
	// up (cause matches ErrReconnectStopped); it runs once either way.
	Closed func(c *Client, cause error)
}

func (c *Client) emitConnected() {
	if h := c.opts.Handlers.Connected; h != nil {
		c.exec.Execute(func() { h(c) })
	}
}

func (c *Client) emitDisconnected(cause error) {
	if h := c.opts.Handlers.Disconnected; h != nil {
		c.exec.Execute(func() { h(c, cause) })
	}
}

func (c *Client) emitReconnecting(attempt int, delay time.Duration, cause error) {
	if h := c.opts.Handlers.Reconnecting; h != nil {
		c.exec.Execute(func() { h(c, attempt, delay, cause) })
	}
}

func (c *Client) emitReconnected(downtime time.Duration) {
	if h := c.opts.Handlers.Reconnected; h != nil {
		c.exec.Execute(func() { h(c, downtime) })
	}
}

func (c *Client) emitClosed(cause error) {
	if h := c.opts.Handlers.Closed; h != nil {
		c.exec.Execute(func() { h(c, cause) })
	}
}
