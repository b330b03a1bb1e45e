package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/txtarantool/txtarantool/reconnect"
)

// startSupervisor launches the goroutine that keeps the client connected.
// ln is the first connection, or nil for a lazy client.
func (c *Client) startSupervisor(ln *link) {
	c.supervised = make(chan struct{})
	go c.supervise(ln)
}

// supervise waits for the connection to break, then reconnects per the
// policy: it reports each event to the Handlers, resets the backoff after
// every successful connection and sends the requests that waited. It
// exits when the client is closed or the policy gives up.
func (c *Client) supervise(ln *link) {
	defer close(c.supervised)
	attempts := reconnect.Attempts{Policy: c.opts.Reconnect}
	everConnected := ln != nil
	immediate := ln == nil // a lazy client's first attempt goes at once
	downSince, upSince := time.Now(), time.Now()
	tries := 0 // attempts since the last connection, for ConnTracer
	var lastErr error
	for {
		if ln != nil {
			select {
			case <-ln.conn.Done():
			case <-c.life.Done():
				return
			}
			cause := ln.broken()
			c.drop(ln)
			ln.conn.Wait()
			if c.life.Err() != nil {
				return
			}
			c.counters.disconnects.Add(1)
			c.counters.noteError(cause)
			c.traceDisconnect(ln, upSince, cause)
			downSince, lastErr, ln = time.Now(), cause, nil
			c.setUp(false)
			c.emitDisconnected(cause)
		}
		if !immediate {
			delay, ok := attempts.Next()
			if !ok {
				c.stopReconnecting(lastErr)
				return
			}
			c.emitReconnecting(attempts.Failures(), delay, lastErr)
			if !c.sleep(delay) {
				return
			}
		}
		immediate = false
		start := time.Now()
		tries++
		next, err := c.attempt()
		if c.life.Err() == nil {
			c.traceConnect(tries, start, err)
		}
		if err != nil {
			if c.life.Err() != nil {
				return
			}
			lastErr = err
			c.counters.noteError(err)
			c.stateMu.Lock()
			c.lastCause, c.lastWhat = err, "last attempt"
			c.stateMu.Unlock()
			c.log.Warn("txtarantool: connection attempt failed", "addr", c.addr, "attempt", attempts.Failures()+1, "err", err)
			if errors.Is(err, ErrClosed) {
				return
			}
			continue
		}
		attempts.Reset()
		ln, upSince, tries = next, time.Now(), 0
		c.counters.connects.Add(1)
		c.setUp(true)
		if everConnected {
			c.emitReconnected(time.Since(downSince))
		} else {
			everConnected = true
			c.emitConnected()
		}
		c.flushWaiting()
	}
}

// attempt makes one connection attempt bounded by DialTimeout and by the
// client's life.
func (c *Client) attempt() (*link, error) {
	ctx := c.life
	if c.opts.DialTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.DialTimeout)
		defer cancel()
	}
	return c.connectOnce(ctx)
}

// sleep waits d, or returns false at once when the client is closed.
func (c *Client) sleep(d time.Duration) bool {
	if d <= 0 {
		return c.life.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.life.Done():
		return false
	}
}

// stopReconnecting makes the client permanently disconnected after the
// policy gave up: waiting requests fail, later ones fail fast, and
// Handlers.Closed reports the last connection error.
func (c *Client) stopReconnecting(lastErr error) {
	cause := ErrReconnectStopped
	if lastErr != nil {
		cause = fmt.Errorf("%w (last error: %w)", ErrReconnectStopped, lastErr)
	}
	c.stateMu.Lock()
	c.gaveUp = cause
	waiting := c.waiting
	c.waiting = nil
	c.stateMu.Unlock()
	for _, cl := range waiting {
		cl.finish(nil, &ConnectionError{Addr: c.addr, Err: cause})
	}
	c.log.Warn("txtarantool: reconnecting stopped by the policy", "addr", c.addr, "err", lastErr)
	c.settleReadyFailed()
	c.emitClosed(cause)
}

// drop stops using a broken connection. It records why it broke first, so
// that a request finding no connection can name the cause.
func (c *Client) drop(ln *link) {
	if cause := ln.broken(); cause != nil {
		c.stateMu.Lock()
		c.lastCause, c.lastWhat = cause, "connection lost"
		c.stateMu.Unlock()
	}
	c.link.CompareAndSwap(ln, nil)
}

// notConnectedCause is the cause given to a request made without a
// connection: ErrClosed, the policy's stop, or ErrNotConnected wrapping
// the cause of the last disconnection or failed attempt, if any, so that
// errors.Is(err, syscall.ECONNREFUSED) sees a refused dial.
func (c *Client) notConnectedCause() error {
	if c.closed.Load() {
		return ErrClosed
	}
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if c.gaveUp != nil {
		return c.gaveUp
	}
	if c.lastCause != nil {
		return fmt.Errorf("%w (%s: %w)", ErrNotConnected, c.lastWhat, c.lastCause)
	}
	return ErrNotConnected
}

// Connected reports whether the client has a live connection now.
func (c *Client) Connected() bool { return c.link.Load() != nil }
