package faultproxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Dir names the directions of a proxied connection.
type Dir int

const (
	// ToServer is the client-to-upstream direction (requests).
	ToServer Dir = 1 << iota
	// ToClient is the upstream-to-client direction (greeting, responses).
	ToClient
	// Both is both directions.
	Both = ToServer | ToClient
)

// String returns "to-server", "to-client", "both" or "none".
func (d Dir) String() string {
	switch d & Both {
	case ToServer:
		return "to-server"
	case ToClient:
		return "to-client"
	case Both:
		return "both"
	}
	return "none"
}

// indexes returns the fault indexes (0: ToServer, 1: ToClient) dir names.
func (d Dir) indexes() []int {
	switch d & Both {
	case ToServer:
		return []int{0}
	case ToClient:
		return []int{1}
	case Both:
		return []int{0, 1}
	}
	return nil
}

func (d Dir) index() int {
	if d == ToClient {
		return 1
	}
	return 0
}

type mode uint8

const (
	modePass mode = iota
	modeHole      // stop reading: bytes stay in the kernel buffers
	modeDrop      // read and discard
)

// fault is the set of faults of one direction of one connection.
type fault struct {
	mode         mode
	latency      time.Duration
	trickleN     int
	trickleEvery time.Duration
	cut          int64 // bytes still forwarded before the cut; -1: none
}

func healthy() fault { return fault{cut: -1} }

// bufSize is the size of one direction's read buffer, so the most bytes
// one chunk (the unit of Latency) holds.
const bufSize = 32 << 10

// Conn is one proxied connection: the accepted client socket and the
// proxy's own socket to the upstream. Its methods are safe for concurrent
// use and do nothing once it is closed.
type Conn struct {
	id       int
	client   net.Conn
	upstream net.Conn

	forwarded [2]atomic.Int64 // bytes written on, per direction
	pumps     atomic.Int32    // directions that ended

	mu      sync.Mutex
	faults  [2]fault
	changed chan struct{} // closed and replaced when faults change
	closed  bool
	done    chan struct{} // closed by Close
}

// ID returns the connection's number: 1 for the first the proxy forwarded,
// then 2, 3, ...
func (c *Conn) ID() int { return c.id }

// ClientAddr returns the address of the client's end of the connection.
func (c *Conn) ClientAddr() net.Addr { return c.client.RemoteAddr() }

// Forwarded returns how many bytes the proxy has written on (or is writing)
// in dir (ToServer
// or ToClient; Both: the sum) so far.
func (c *Conn) Forwarded(dir Dir) int64 {
	var n int64
	for _, i := range dir.indexes() {
		n += c.forwarded[i].Load()
	}
	return n
}

// Done returns a channel closed once the connection is closed, by a fault,
// by either peer or by the proxy.
func (c *Conn) Done() <-chan struct{} { return c.done }

// update changes the faults of dir and wakes the directions waiting on
// them.
func (c *Conn) update(dir Dir, set func(*fault)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, i := range dir.indexes() {
		set(&c.faults[i])
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

// BlackHole stops forwarding in dir while keeping both sockets open: the
// proxy stops reading from the sending side, so the sender's writes are
// ACKed by the proxy's kernel until its receive buffer and the sender's
// send buffer are full (then the sender's writes block), and nothing
// arrives on the receiving side, not even a FIN. At most one chunk already
// read is held by the proxy. Heal lets everything held flow on.
func (c *Conn) BlackHole(dir Dir) { c.update(dir, func(f *fault) { f.mode = modeHole }) }

// Drop reads and discards what arrives in dir, so the sender never blocks
// and nothing arrives on the receiving side. Heal ends it; what was
// dropped is lost.
func (c *Conn) Drop(dir Dir) { c.update(dir, func(f *fault) { f.mode = modeDrop }) }

// Latency delays every chunk read, in both directions, by d before it is
// written on; d <= 0 removes the delay. A chunk is what one read returned
// (at most 32 KiB), so a stream of small writes is delayed once per read.
func (c *Conn) Latency(d time.Duration) { c.update(Both, func(f *fault) { f.latency = d }) }

// Trickle forwards at most n bytes per interval every in both directions:
// n bytes are written, then the direction sleeps for every. n <= 0 removes
// the limit.
func (c *Conn) Trickle(n int, every time.Duration) {
	c.update(Both, func(f *fault) { f.trickleN, f.trickleEvery = n, every })
}

// CutAfter forwards n more bytes in dir and then closes both sockets
// (FIN), as a peer dying in the middle of a frame would; with Both,
// whichever direction reaches n first. n == 0 closes when the next byte
// arrives; n < 0 removes the cut.
func (c *Conn) CutAfter(dir Dir, n int64) {
	if n < 0 {
		n = -1
	}
	c.update(dir, func(f *fault) { f.cut = n })
}

// Heal removes every fault of the connection; black-holed bytes flow again.
func (c *Conn) Heal() { c.update(Both, func(f *fault) { *f = healthy() }) }

// Reset closes both sockets with SO_LINGER 0, so each peer gets a TCP RST
// (a Unix upstream socket is just closed).
func (c *Conn) Reset() {
	if c.markClosed() {
		reset(c.client)
		reset(c.upstream)
	}
}

// Close closes both sockets (FIN) and wakes the connection's goroutines.
// It is idempotent and always returns nil.
func (c *Conn) Close() error {
	if c.markClosed() {
		_ = c.client.Close()
		_ = c.upstream.Close()
	}
	return nil
}

// markClosed reports whether this call closed the connection.
func (c *Conn) markClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.closed = true
	close(c.done)
	return true
}

// reset closes nc with SO_LINGER 0 when it is a TCP socket.
func reset(nc net.Conn) {
	if l, ok := nc.(interface{ SetLinger(int) error }); ok {
		_ = l.SetLinger(0)
	}
	_ = nc.Close()
}

// pump forwards dir from src to dst until src ends or the connection is
// closed. The last of the two directions to end closes the connection; a
// clean end of src half-closes dst, so the other direction can finish.
func (c *Conn) pump(dir Dir, src, dst net.Conn) {
	defer func() {
		if c.pumps.Add(1) == 2 {
			_ = c.Close()
		}
	}()
	buf := make([]byte, bufSize)
	for {
		if !c.waitReadable(dir) {
			return
		}
		n, err := src.Read(buf)
		if n > 0 && !c.forward(dir, dst, buf[:n]) {
			return
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if hc, ok := dst.(interface{ CloseWrite() error }); ok && hc.CloseWrite() == nil {
					return
				}
			}
			_ = c.Close()
			return
		}
	}
}

// state returns dir's faults, the channel closed when they change, and
// whether the connection is closed.
func (c *Conn) state(dir Dir) (fault, <-chan struct{}, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.faults[dir.index()], c.changed, c.closed
}

// waitReadable waits while dir is black-holed; it returns false once the
// connection is closed.
func (c *Conn) waitReadable(dir Dir) bool {
	for {
		f, changed, closed := c.state(dir)
		if closed {
			return false
		}
		if f.mode != modeHole {
			return true
		}
		select {
		case <-changed:
		case <-c.done:
			return false
		}
	}
}

// forward writes data on to dst under dir's faults. It returns false when
// the connection is closed (by a cut, a failed write or anyone else).
func (c *Conn) forward(dir Dir, dst net.Conn, data []byte) bool {
	i := dir.index()
	delayed := false
	for len(data) > 0 {
		c.mu.Lock()
		f, changed, closed := c.faults[i], c.changed, c.closed
		if closed {
			c.mu.Unlock()
			return false
		}
		if f.mode == modeHole {
			c.mu.Unlock()
			select {
			case <-changed:
				continue
			case <-c.done:
				return false
			}
		}
		if f.mode == modeDrop {
			c.mu.Unlock()
			return true
		}
		if f.latency > 0 && !delayed {
			c.mu.Unlock()
			delayed = true
			if !c.sleep(f.latency) {
				return false
			}
			continue // the faults may have changed meanwhile
		}
		piece := data
		if f.trickleN > 0 && len(piece) > f.trickleN {
			piece = piece[:f.trickleN]
		}
		cut := false
		if f.cut >= 0 {
			if int64(len(piece)) >= f.cut {
				piece = piece[:f.cut]
				cut = true
			}
			c.faults[i].cut -= int64(len(piece))
		}
		c.mu.Unlock()
		if len(piece) > 0 {
			// counted before the write, so that a reply to these bytes
			// never arrives before they are counted
			c.forwarded[i].Add(int64(len(piece)))
			n, err := dst.Write(piece)
			if err != nil {
				c.forwarded[i].Add(int64(n - len(piece)))
				_ = c.Close()
				return false
			}
		}
		if cut {
			_ = c.Close()
			return false
		}
		data = data[len(piece):]
		if f.trickleN > 0 && !c.sleep(f.trickleEvery) {
			return false
		}
	}
	return true
}

// sleep waits for d; it returns false if the connection is closed first.
func (c *Conn) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.done:
		return false
	}
}
