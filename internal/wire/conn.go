package wire

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// maxRetainedWriteBuffer bounds the write buffer a connection keeps between
// batches; a larger one (after a burst) is dropped for the GC.
const maxRetainedWriteBuffer = 1 << 20

// Conn is one socket: an established, authenticated IPROTO connection
// with its writer goroutine, which writes every request queued since its
// last write in one syscall, its reader goroutine, which settles requests
// by sync id, and its table of pending requests.
//
// Requests are encoded by the calling goroutine straight into queue under
// mu (no per-request allocation for the bytes); the writer swaps queue with
// its spare buffer and writes it. A request's sync id tells how far it got:
// syncs up to handedUpTo were given to the writer (and may have reached the
// server), later ones were never written.
//
// Cost: two goroutines, a 64 KiB read buffer, the write buffers and, with
// a DeadPeerTimeout, one timer; per request no allocation, one lock on
// each side.
type Conn struct {
	nc       net.Conn
	conn     *ActivityConn // nc, counting progress for the watchdog
	watchdog *watchdog     // nil when Config.DeadPeerTimeout is not positive
	cfg      Config
	addr     string
	maxFrame int
	log      *slog.Logger
	reader   *bufio.Reader
	slab     BodySlab // the reader's: response bodies are copied here

	mu         sync.Mutex
	queue      []byte // encoded requests not yet handed to the writer
	nextSync   uint64 // last sync id given out
	handedUpTo uint64 // highest sync id handed to the writer
	pending    pendingTable
	inflight   atomic.Int64 // pending.len(), readable without mu
	// holes are the byte ranges in queue of requests abandoned before they
	// were handed to the writer; the writer cuts them out, so a request
	// reported as not sent is never sent. holeBytes is their total size:
	// once holes are most of a large queue, forget compacts it in place.
	holes     [][2]int
	holeBytes int
	err       error // non-nil once the connection is broken
	failed    int   // the requests pending when it broke (set with err)

	wake chan struct{} // 1-buffered: the queue became non-empty
	done chan struct{} // closed when the connection breaks
	wg   sync.WaitGroup
}

// New wraps an authenticated connection: nc, read through br (which may
// hold bytes already read past the handshake). Start launches its
// goroutines.
func New(nc *ActivityConn, br *bufio.Reader, cfg Config) *Conn {
	return &Conn{
		nc:       nc,
		conn:     nc,
		reader:   br,
		cfg:      cfg,
		addr:     cfg.Addr,
		maxFrame: cfg.MaxFrame,
		log:      cfg.Log,
		nextSync: cfg.FirstSync,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
}

// Start arms the watchdog (Config.DeadPeerTimeout) and launches the
// reader and writer goroutines.
func (ln *Conn) Start() {
	ln.startWatchdog(ln.cfg.DeadPeerTimeout)
	ln.wg.Add(2)
	go ln.writeLoop()
	go ln.readLoop()
}

// Send encodes req (the request r stands for) into the write queue, with
// streamID and schemaVersion in its header, and registers r under a new
// sync id. It never blocks on the network. On error nothing was queued
// and the caller still owns r: the error is Config.EncodeError's, for a
// request that cannot be encoded or exceeds MaxFrame, Config.BrokenError's
// (not sent) on a broken connection, or ErrAbandoned if r.WireQueued
// refused. Cost: one lock, one interface call to each of WireSlot and
// WireQueued; a request of unknown size or over 64 KiB is encoded before
// the lock, into a pooled buffer.
func (ln *Conn) Send(r Request, req protocol.Request, streamID, schemaVersion uint64) error {
	size, known := protocol.SizeAtLeast(req)
	if size > ln.maxFrame {
		// Refused before any of it is encoded.
		return ln.cfg.EncodeError(&protocol.FrameTooLargeError{Size: uint64(size), Max: ln.maxFrame})
	}
	var body *[]byte
	if !known || size > lockedEncodeMax {
		// Encoded here, outside the lock, so that a large or slow
		// encoding (the msgpack library's) stalls no other request.
		b, err := encodeBody(req, ln.maxFrame)
		if err != nil {
			return ln.cfg.EncodeError(err)
		}
		body = b
		defer putBodyBuffer(body)
	}
	cl := r.WireSlot()
	ln.mu.Lock()
	if ln.err != nil {
		err := ln.err
		ln.mu.Unlock()
		return ln.cfg.BrokenError(false, err)
	}
	if !r.WireQueued(ln) {
		ln.mu.Unlock()
		return ErrAbandoned
	}
	sync := ln.nextSync + 1
	before := len(ln.queue)
	header := protocol.Header{Sync: sync, SchemaVersion: schemaVersion, StreamID: streamID}
	var queue []byte
	var err error
	if body != nil {
		queue, err = protocol.AppendFrameBody(ln.queue, header, req.Type(), *body)
	} else {
		queue, err = protocol.AppendFrame(ln.queue, header, req)
	}
	if err == nil && len(queue)-before > ln.maxFrame {
		err = &protocol.FrameTooLargeError{Size: uint64(len(queue) - before), Max: ln.maxFrame}
	}
	if err != nil {
		ln.queue = queue[:before]
		ln.mu.Unlock()
		return ln.cfg.EncodeError(err)
	}
	ln.queue = queue
	ln.nextSync = sync
	cl.sync = sync
	cl.qstart, cl.qend = before, len(queue)
	ln.pending.put(sync, cl, r)
	ln.inflight.Add(1)
	ln.mu.Unlock()
	if before == 0 {
		select {
		case ln.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// ErrAbandoned is returned by Send for a request whose Request.WireQueued
// refused it (its context was done or its future cancelled before it could
// be queued).
var ErrAbandoned = errors.New("txtarantool: request abandoned before it was sent")

// Forget removes r from the pending table. found reports whether it was
// there (the caller now owns it); sent whether it had reached the writer.
// A request not yet handed to the writer is removed from the write queue
// too: it will never be sent. Cost: one lock; compacting the queue once
// abandoned frames are half of it (see compact).
func (ln *Conn) Forget(r Request) (sent, found bool) {
	cl := r.WireSlot()
	ln.mu.Lock()
	defer ln.mu.Unlock()
	if ln.pending.get(cl.sync).slot != cl {
		return false, false
	}
	ln.pending.remove(cl.sync)
	ln.inflight.Add(-1)
	sent = cl.sync <= ln.handedUpTo
	if !sent {
		ln.holes = append(ln.holes, [2]int{cl.qstart, cl.qend})
		ln.holeBytes += cl.qend - cl.qstart
		if ln.holeBytes >= compactMin && 2*ln.holeBytes >= len(ln.queue) {
			ln.compact()
		}
	}
	return sent, true
}

// cutHoles removes the byte ranges holes (disjoint, in any order) from
// out, in place, and returns the shortened slice.
func cutHoles(out []byte, holes [][2]int) []byte {
	slices.SortFunc(holes, func(a, b [2]int) int { return a[0] - b[0] })
	w := holes[0][0]
	for i, h := range holes {
		next := len(out)
		if i+1 < len(holes) {
			next = holes[i+1][0]
		}
		w += copy(out[w:], out[h[1]:next])
	}
	return out[:w]
}

// take removes and returns the request waiting for sync, or nil.
func (ln *Conn) take(sync uint64) Request {
	ln.mu.Lock()
	p := ln.pending.remove(sync)
	if p.slot != nil {
		ln.inflight.Add(-1)
	}
	ln.mu.Unlock()
	return p.req
}

// neverSent reports whether sync is above every sync id given out on this
// connection.
func (ln *Conn) neverSent(sync uint64) bool {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return sync > ln.nextSync
}

// InFlight returns the number of requests waiting for a response. Cost:
// one atomic load.
func (ln *Conn) InFlight() int { return int(ln.inflight.Load()) }

// writeLoop writes every batch of queued requests in one Write call.
func (ln *Conn) writeLoop() {
	defer ln.wg.Done()
	var spare []byte
	for {
		select {
		case <-ln.wake:
		case <-ln.done:
			return
		}
		// Let the goroutines that are ready to send queue their requests
		// first, so that one write carries them all: with many senders
		// this saves most write syscalls; with one it costs nothing.
		runtime.Gosched()
		ln.mu.Lock()
		out, holes := ln.queue, ln.holes
		ln.queue, ln.holes, ln.holeBytes = spare[:0], nil, 0
		ln.handedUpTo = ln.nextSync
		ln.mu.Unlock()
		if holes != nil {
			out = cutHoles(out, holes)
		}
		if len(out) == 0 {
			spare = out
			continue
		}
		if err := ln.write(out); err != nil {
			ln.Fail(err)
			return
		}
		if cap(out) > maxRetainedWriteBuffer {
			out = nil
		}
		spare = out[:0]
	}
}

// readLoop reads response frames and settles the requests waiting for them.
func (ln *Conn) readLoop() {
	defer ln.wg.Done()
	for {
		header, body, size, err := ReadResponse(ln.reader, ln.maxFrame, &ln.slab)
		if err != nil {
			ln.Fail(ln.cfg.ReadError(err))
			return
		}
		ln.deliver(header, body, size)
	}
}

// deliver settles the request waiting for one response (its frame, of
// size bytes, prefix included). A response whose
// sync id matches no pending request cannot be given to anyone and is
// discarded, the connection and the requests in flight going on
// unaffected: one to a forgotten request (cancelled, timed out) or a
// second one to a request already answered is logged at debug level, one
// to a sync id this connection never sent (a server bug) at warn level.
// box.session.push messages (IPROTO_CHUNK) go to the request's push
// listener, if it has one (see pushed), and are discarded otherwise.
func (ln *Conn) deliver(header protocol.ResponseHeader, body []byte, size int) {
	if header.Code == uint32(iproto.IPROTO_CHUNK) {
		// An out-of-band message (box.session.push) for a request still
		// running: its final response follows with the same sync.
		ln.pushed(header.Sync, body)
		return
	}
	if header.Code == uint32(iproto.IPROTO_EVENT) && ln.cfg.OnEvent != nil {
		ln.cfg.OnEvent(body) // a watched key's value
		return
	}
	r := ln.take(header.Sync)
	if r == nil {
		if ln.neverSent(header.Sync) {
			ln.log.Warn("txtarantool: discarding a response to a request never sent", "addr", ln.addr, "sync", header.Sync)
			return
		}
		ln.log.Debug("txtarantool: discarding response to a forgotten request", "sync", header.Sync)
		return
	}
	r.WireRespond(header, body, size)
}

// pushed hands a box.session.push message for sync to its request's
// listener (Request.WirePusher), or drops it if the request has none (or
// is no longer pending: cancelled, timed out). Runs on the reader. Cost:
// a pending-table lookup under mu.
func (ln *Conn) pushed(sync uint64, body []byte) {
	ln.mu.Lock()
	var pl Pusher
	if p := ln.pending.get(sync); p.slot != nil {
		pl = p.req.WirePusher()
	}
	ln.mu.Unlock()
	if pl == nil {
		ln.log.Debug("txtarantool: ignoring a box.session.push message", "sync", sync)
		return
	}
	pl.Push(body)
}

// Fail breaks the connection once with cause: it closes the socket, stops
// both goroutines, tells Config.OnBroken and fails every pending request
// with Config.BrokenError's error, telling whether that request had been
// handed to the network. Later calls do nothing. It does not wait for the
// goroutines (see Wait).
func (ln *Conn) Fail(cause error) {
	ln.mu.Lock()
	if ln.err != nil {
		ln.mu.Unlock()
		return
	}
	ln.err = cause
	pending := ln.pending.drain()
	ln.failed = len(pending)
	ln.inflight.Store(0)
	handed := ln.handedUpTo
	ln.queue, ln.holes, ln.holeBytes = nil, nil, 0
	ln.mu.Unlock()
	ln.watchdog.stop()

	close(ln.done)
	_ = ln.nc.Close()
	// Told first, so that whoever sees a request fail also sees the
	// connection gone (a Pool routes the next one elsewhere).
	if ln.cfg.OnBroken != nil {
		ln.cfg.OnBroken(cause)
	}
	for _, p := range pending {
		p.req.WireFail(ln.cfg.BrokenError(p.slot.sync <= handed, cause))
	}
}

// Close breaks the connection with cause (see Fail) and waits for its
// goroutines.
func (ln *Conn) Close(cause error) {
	ln.Fail(cause)
	ln.wg.Wait()
}

// Wait waits for the reader and writer goroutines to return, once the
// connection broke.
func (ln *Conn) Wait() { ln.wg.Wait() }

// Done returns a channel closed when the connection breaks.
func (ln *Conn) Done() <-chan struct{} { return ln.done }

// FailedRequests returns the number of requests that were pending when
// the connection broke (and failed), 0 while it is up. Cost: one lock.
func (ln *Conn) FailedRequests() int {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return ln.failed
}

// Err returns the cause the connection broke with, or nil.
func (ln *Conn) Err() error {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return ln.err
}

// SendOneWay queues a request the server never answers (IPROTO_WATCH,
// IPROTO_UNWATCH) under a sync id of its own, with no pending entry: the
// events of a watch carry the sync id of its last WATCH, and the client
// routes them by key (Config.OnEvent). On a broken connection it does
// nothing: the next connection registers the watches again. A request that
// cannot be encoded is logged and dropped. Cost: one lock, no allocation.
func (ln *Conn) SendOneWay(req protocol.Request) {
	ln.mu.Lock()
	if ln.err != nil {
		ln.mu.Unlock()
		return
	}
	before := len(ln.queue)
	queue, err := protocol.AppendFrame(ln.queue, protocol.Header{Sync: ln.nextSync + 1}, req)
	if err != nil || len(queue)-before > ln.maxFrame {
		ln.queue = queue[:before]
		ln.mu.Unlock()
		ln.log.Warn("txtarantool: cannot encode a watch request", "addr", ln.addr, "err", err)
		return
	}
	ln.queue = queue
	ln.nextSync++
	ln.mu.Unlock()
	if before == 0 {
		select {
		case ln.wake <- struct{}{}:
		default:
		}
	}
}

// QueuedBytes returns the bytes in the write queue (the frames not yet
// handed to the writer, holes included), for Stats and tests. Cost: one
// lock.
func (ln *Conn) QueuedBytes() int {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return len(ln.queue)
}
