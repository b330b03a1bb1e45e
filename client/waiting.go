package client

import (
	"context"
	"slices"
)

// wait parks a request until the next connection (Options.WaitForReconnect).
// It returns false, leaving the call to the caller, when the client is
// closed or stopped reconnecting, or the wait queue is full. The request's
// context still bounds it: when it ends the request fails as not sent.
func (c *Client) wait(cl *call) bool {
	c.stateMu.Lock()
	if c.closed.Load() || c.gaveUp != nil || len(c.waiting) >= c.opts.WaitForReconnect {
		c.stateMu.Unlock()
		return false
	}
	if c.link.Load() != nil { // connected since submit looked
		c.stateMu.Unlock()
		c.submit(cl)
		return true
	}
	if cl.stop == nil && cl.ctx.Done() != nil {
		cl.stop = context.AfterFunc(cl.ctx, cl.onAbandon)
	}
	c.waiting = append(c.waiting, cl)
	c.stateMu.Unlock()
	return true
}

// unwait removes a waiting request; found reports whether it was waiting
// (the caller then owns it).
func (c *Client) unwait(cl *call) (found bool) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	i := slices.Index(c.waiting, cl)
	if i < 0 {
		return false
	}
	c.waiting = slices.Delete(c.waiting, i, i+1)
	return true
}

// flushWaiting sends the requests that waited for a connection.
func (c *Client) flushWaiting() {
	c.stateMu.Lock()
	waiting := c.waiting
	c.waiting = nil
	c.stateMu.Unlock()
	for _, cl := range waiting {
		c.submit(cl)
	}
}
