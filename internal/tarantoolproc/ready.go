package tarantoolproc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// greetingSize is the size of the IPROTO greeting a server sends first.
const greetingSize = 128

// greetingPrefix starts the first greeting line.
const greetingPrefix = "Tarantool "

// pollInterval is how often WaitReady re-checks readiness.
const pollInterval = 20 * time.Millisecond

// WaitReady blocks until the running instance is ready: its script has
// created the ready file (schema set up) and its address accepts a
// connection that sends a Tarantool greeting. It polls every 20ms, one
// connection per poll once the ready file exists, and returns a *StartError
// wrapping ErrExited if the process exits first, or ctx's error if ctx ends
// first; ErrStopped after Stop.
func (i *Instance) WaitReady(ctx context.Context) error {
	i.mu.Lock()
	p, stopped := i.proc, i.stopped
	i.mu.Unlock()
	if stopped {
		return ErrStopped
	}
	if p == nil {
		return &StartError{Addr: i.addr, LogTail: i.LogTail(), Err: ErrExited}
	}
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		if p.exited() {
			return &StartError{Addr: i.addr, LogTail: i.LogTail(), Err: fmt.Errorf("%w: %v", ErrExited, p.err)}
		}
		if _, err := os.Stat(i.readyPath); err == nil {
			if err := i.checkGreeting(ctx); err == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return &StartError{Addr: i.addr, LogTail: i.LogTail(), Err: ctx.Err()}
		case <-p.done:
		case <-ticker.C:
		}
	}
}

// checkGreeting connects to the instance and reads its greeting.
func (i *Instance) checkGreeting(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, i.network, i.dialAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		if err := conn.SetReadDeadline(dl); err != nil {
			return err
		}
	}
	buf := make([]byte, greetingSize)
	if _, err := io.ReadFull(conn, buf); err != nil {
		return err
	}
	if !bytes.HasPrefix(buf, []byte(greetingPrefix)) {
		return fmt.Errorf("tarantoolproc: unexpected greeting %q", buf[:32])
	}
	return nil
}
