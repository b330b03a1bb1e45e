package wire

import (
	"math"
	"net"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/protocol"
)

// livenessTicks is how many times per DeadPeerTimeout a connection's
// watchdog looks at it; probeTicks how many quiet looks send a PING, and
// deadTicks how many break the connection.
const (
	livenessTicks = 8
	probeTicks    = livenessTicks / 2
	deadTicks     = livenessTicks
)

// ActivityConn is a connection's socket counting its progress: every read
// that returned data and every full chunk the writer wrote (Conn.write).
// The watchdog compares the count between its looks. Wrap the socket in
// one before the handshake, read it through the bufio.Reader given to
// New. Cost: one atomic add per read or write system call.
type ActivityConn struct {
	net.Conn
	activity atomic.Uint64
}

// Read reads from the socket and counts a read that returned data.
func (c *ActivityConn) Read(p []byte) (int, error) {
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
// connection with Config.DeadPeerError's error: between DeadPeerTimeout
// and 9/8 of it after the last progress (the look that sees it may come
// up to one period later). Any byte read or any full chunk written resets
// the count, so a large response arriving slowly or a large request
// leaving slowly keeps the connection alive, as long as each 256 KiB
// written (see writeChunk) takes less than DeadPeerTimeout/2. The timer's callback is
// the only user of the fields below but ln.
type watchdog struct {
	ln      *Conn
	period  time.Duration
	timer   *time.Timer
	last    uint64 // activity at the last look
	quiet   int    // looks in a row without activity
	stopped atomic.Bool
}

// startWatchdog arms the connection's watchdog, before its goroutines
// start (Fail reads ln.watchdog); timeout <= 0 disables it.
func (ln *Conn) startWatchdog(timeout time.Duration) {
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
		w.ln.Fail(w.ln.cfg.DeadPeerError(time.Duration(w.quiet) * w.period))
		return
	case w.quiet == probeTicks:
		w.ln.probe()
	}
	w.timer.Reset(w.period)
}

// probe sends a PING whose answer, like any byte read, shows the
// connection alive. Nobody waits for it; its outcome is dropped (a failure
// means the connection broke, which the client handles anyway).
func (ln *Conn) probe() {
	_ = ln.Send(new(probe), probeRequest, 0, 0)
}

// probeRequest is the watchdog's PING.
var probeRequest protocol.Request = protocol.Ping{}

// probe is the watchdog's PING as a Request: its outcome goes nowhere.
type probe struct{ slot Slot }

// WireSlot returns the probe's slot.
func (p *probe) WireSlot() *Slot { return &p.slot }

// WireQueued accepts the probe: nothing abandons it.
func (p *probe) WireQueued(*Conn) bool { return true }

// WireRespond drops the probe's response.
func (p *probe) WireRespond(protocol.ResponseHeader, []byte, int) {}

// WireFail drops the probe's failure.
func (p *probe) WireFail(error) {}

// WirePusher returns nil: a PING gets no pushes.
func (p *probe) WirePusher() Pusher { return nil }
