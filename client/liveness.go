package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/protocol"
)

// defaultDeadPeerTimeout applies when Options.DeadPeerTimeout is zero.
const defaultDeadPeerTimeout = 4 * time.Second

// livenessTicks is how many times per DeadPeerTimeout a connection's
// watchdog looks at it; probeTicks how many quiet looks send a PING, and
// deadTicks how many break the connection.
const (
	livenessTicks = 8
	probeTicks    = livenessTicks / 2
	deadTicks     = livenessTicks
)

// ErrDeadPeer is matched (errors.Is) by the cause of a connection the
// client broke because the server stopped responding (see
// Options.DeadPeerTimeout and *DeadPeerError).
var ErrDeadPeer = errors.New("txtarantool: server not responding")

// DeadPeerError is the cause of a connection the client broke because
// nothing at all came from the server, and no write made progress, for
// Options.DeadPeerTimeout despite a PING: a peer that is gone without a
// reset (a crashed host, a black-holing middlebox, a stopped process). The
// requests in flight fail with a *ConnectionError wrapping it (Sent as
// for any broken connection) and the client reconnects per its policy. It
// matches ErrDeadPeer and is a timeout (Timeout, like a net.Error's).
type DeadPeerError struct {
	// Silence is how long the connection was quiet.
	Silence time.Duration
}

// Error describes the silence.
func (e *DeadPeerError) Error() string {
	return fmt.Sprintf("txtarantool: server not responding: nothing received for %v despite a ping", e.Silence)
}

// Is matches ErrDeadPeer.
func (e *DeadPeerError) Is(target error) bool { return target == ErrDeadPeer }

// Timeout reports true: the connection timed out.
func (e *DeadPeerError) Timeout() bool { return true }

// activityConn is a connection's socket counting its progress: every read
// that returned data and every full chunk the writer wrote (link.write). The
// watchdog compares the count between its looks. Cost: one atomic add per
// read or write system call.
type activityConn struct {
	net.Conn
	activity atomic.Uint64
}

// Read reads from the socket and counts a read that returned data.
func (c *activityConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.activity.Add(1)
	}
	return n, err
}

// watchdog is a connection's dead-peer detector: a timer (one per
// connection, not per request) that every DeadPeerTimeout/8 looks whether
// the connection made progress (read data, or wrote a full chunk of a
// large batch) since its last look. After four quiet looks (half the
// timeout) it sends a PING, so that an idle connection, or one waiting
// for a slow request, has something to answer; after eight it breaks the
// connection with a *DeadPeerError: between DeadPeerTimeout and 9/8 of it
// after the last progress (the look that sees it may come up to one
// period later). Any byte read or any full chunk written resets the
// count, so a large response arriving slowly or a large request leaving
// slowly keeps the connection alive, as long as each 256 KiB written (see
// writeChunk) takes less than DeadPeerTimeout/2. The timer's callback is
// the only user of the fields below but ln.
type watchdog struct {
	ln      *link
	period  time.Duration
	timer   *time.Timer
	last    uint64 // activity at the last look
	quiet   int    // looks in a row without activity
	stopped atomic.Bool
}

// startWatchdog arms the connection's watchdog, before start (fail reads
// ln.watchdog); timeout <= 0 disables it.
func (ln *link) startWatchdog(timeout time.Duration) {
	if timeout <= 0 {
		return
	}
	w := &watchdog{ln: ln, period: timeout / livenessTicks, last: ln.conn.activity.Load()}
	ln.watchdog = w
	// Armed by Reset only once w.timer is set: the callback uses it.
	w.timer = time.AfterFunc(math.MaxInt64, w.look)
	w.timer.Reset(w.period)
}

// stop disarms the watchdog; a look already running sees stopped.
func (w *watchdog) stop() {
	if w != nil {
		w.stopped.Store(true)
		w.timer.Stop()
	}
}

// look is the timer's callback.
func (w *watchdog) look() {
	if w.stopped.Load() {
		return
	}
	if a := w.ln.conn.activity.Load(); a != w.last {
		w.last, w.quiet = a, 0
	} else {
		w.quiet++
	}
	switch {
	case w.quiet >= deadTicks:
		w.ln.fail(&DeadPeerError{Silence: time.Duration(w.quiet) * w.period})
		return
	case w.quiet == probeTicks:
		w.ln.probe()
	}
	w.timer.Reset(w.period)
}

// probe sends a PING whose answer, like any byte read, shows the
// connection alive. Nobody waits for it; its outcome is dropped (a failure
// means the connection broke, which the client handles anyway).
func (ln *link) probe() {
	cl := &call{ctx: context.Background(), req: probeRequest, internal: true}
	cl.promise.Init(nil)
	_ = ln.send(cl, 0)
}

// probeRequest is the watchdog's PING.
var probeRequest protocol.Request = protocol.Ping{}
