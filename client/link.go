package client

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/internal/wire"
	"github.com/txtarantool/txtarantool/protocol"
)

// maxRetainedWriteBuffer bounds the write buffer a connection keeps between
// batches; a larger one (after a burst) is dropped for the GC.
const maxRetainedWriteBuffer = 1 << 20

// link is one socket: an established, authenticated IPROTO connection
// with its writer goroutine, which writes every request queued since its
// last write in one syscall, its reader goroutine, which settles futures
// by sync id, and its table of pending requests.
//
// Requests are encoded by the calling goroutine straight into queue under
// mu (no per-request allocation for the bytes); the writer swaps queue with
// its spare buffer and writes it. A request's sync id tells how far it got:
// syncs up to handedUpTo were given to the writer (and may have reached the
// server), later ones were never written.
type link struct {
	nc       net.Conn
	conn     *activityConn // nc, counting progress for the watchdog
	watchdog *watchdog     // nil when Options.DeadPeerTimeout is negative
	addr     string
	maxFrame int
	greeting protocol.Greeting
	info     ServerInfo // what the server announced during the handshake
	log      *slog.Logger
	reader   *bufio.Reader
	slab     wire.BodySlab // the reader's: response bodies are copied here
	// names is info.Has(IPROTO_FEATURE_SPACE_AND_INDEX_NAMES), read per
	// request under Options.SkipSchema.
	names bool

	// onWrongSchema takes over a call that failed with
	// ER_WRONG_SCHEMA_VERSION and may be retried; it must not block.
	onWrongSchema func(cl *call)
	// onBroken is told once when the connection breaks; it must not block.
	onBroken func(ln *link, cause error)
	// onEvent gets each IPROTO_EVENT (watch.go); it must not block.
	onEvent func(ln *link, body []byte)
	// shutdown is set once the server announced box.shutdown (graceful.go).
	shutdown atomic.Bool

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

	wake chan struct{} // 1-buffered: the queue became non-empty
	done chan struct{} // closed when the connection breaks
	wg   sync.WaitGroup
}

// newLink wraps an authenticated net.Conn; start launches its goroutines.
// firstSync is the last sync id used during the handshake.
func newLink(nc *activityConn, br *bufio.Reader, addr string, g protocol.Greeting, maxFrame int, log *slog.Logger, firstSync uint64) *link {
	return &link{
		nc:       nc,
		conn:     nc,
		reader:   br,
		addr:     addr,
		greeting: g,
		maxFrame: maxFrame,
		log:      log,
		nextSync: firstSync,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
}

// start launches the reader and writer goroutines.
func (ln *link) start() {
	ln.wg.Add(2)
	go ln.writeLoop()
	go ln.readLoop()
}

// send encodes the call's request into the write queue and registers it
// under a new sync id. It never blocks on the network. On error nothing was
// queued and the caller still owns the call.
func (ln *link) send(cl *call, schemaVersion uint64) error {
	size, known := protocol.SizeAtLeast(cl.req)
	if size > ln.maxFrame {
		// Refused before any of it is encoded.
		return &EncodeError{Err: &protocol.FrameTooLargeError{Size: uint64(size), Max: ln.maxFrame}}
	}
	var body *[]byte
	if !known || size > lockedEncodeMax {
		// Encoded here, outside the lock, so that a large or slow
		// encoding (the msgpack library's) stalls no other request.
		b, err := encodeBody(cl.req, ln.maxFrame)
		if err != nil {
			return err
		}
		body = b
		defer putBodyBuffer(body)
	}
	ln.mu.Lock()
	if ln.err != nil {
		err := ln.err
		ln.mu.Unlock()
		return &ConnectionError{Addr: ln.addr, Sent: false, Err: err}
	}
	// Store link before loading the flag; abandon does the reverse.
	cl.link.Store(ln)
	if cl.abandoned.Load() {
		ln.mu.Unlock()
		return errAbandoned
	}
	sync := ln.nextSync + 1
	before := len(ln.queue)
	var streamID uint64
	if cl.stream != nil {
		streamID = cl.stream.id
	}
	header := protocol.Header{Sync: sync, SchemaVersion: schemaVersion, StreamID: streamID}
	var queue []byte
	var err error
	if body != nil {
		queue, err = protocol.AppendFrameBody(ln.queue, header, cl.req.Type(), *body)
	} else {
		queue, err = protocol.AppendFrame(ln.queue, header, cl.req)
	}
	if err == nil && len(queue)-before > ln.maxFrame {
		err = &protocol.FrameTooLargeError{Size: uint64(len(queue) - before), Max: ln.maxFrame}
	}
	if err != nil {
		ln.queue = queue[:before]
		ln.mu.Unlock()
		return &EncodeError{Err: err}
	}
	ln.queue = queue
	ln.nextSync = sync
	cl.sync = sync
	cl.qstart, cl.qend = before, len(queue)
	if cl.stop == nil && cl.ctx.Done() != nil {
		// AfterFunc never calls its function synchronously, so this is
		// safe under mu; the function takes mu itself.
		cl.stop = context.AfterFunc(cl.ctx, cl.onAbandon)
	}
	ln.pending.put(sync, cl)
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

// errAbandoned is returned by send for a call whose context was done or
// whose future was cancelled before it could be queued.
var errAbandoned = errors.New("txtarantool: request abandoned before it was sent")

// forget removes cl from the pending table. found reports whether it was
// there (the caller now owns it); sent whether it had reached the writer.
// A request not yet handed to the writer is removed from the write queue
// too: it will never be sent.
func (ln *link) forget(cl *call) (sent, found bool) {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	if ln.pending.get(cl.sync) != cl {
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

// take removes and returns the call waiting for sync, or nil.
func (ln *link) take(sync uint64) *call {
	ln.mu.Lock()
	cl := ln.pending.remove(sync)
	if cl != nil {
		ln.inflight.Add(-1)
	}
	ln.mu.Unlock()
	return cl
}

// neverSent reports whether sync is above every sync id given out on this
// connection.
func (ln *link) neverSent(sync uint64) bool {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return sync > ln.nextSync
}

// inFlight returns the number of requests waiting for a response. Cost:
// one atomic load.
func (ln *link) inFlight() int { return int(ln.inflight.Load()) }

// writeLoop writes every batch of queued requests in one Write call.
func (ln *link) writeLoop() {
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
			ln.fail(err)
			return
		}
		if cap(out) > maxRetainedWriteBuffer {
			out = nil
		}
		spare = out[:0]
	}
}

// readLoop reads response frames and settles the futures waiting for them.
func (ln *link) readLoop() {
	defer ln.wg.Done()
	for {
		header, body, err := wire.ReadResponse(ln.reader, ln.maxFrame, &ln.slab)
		if err != nil {
			ln.fail(serverClosed(err))
			return
		}
		ln.deliver(header, body)
	}
}

// deliver settles the call waiting for one response. A response whose
// sync id matches no pending request cannot be given to anyone and is
// discarded, the connection and the requests in flight going on
// unaffected: one to a forgotten request (cancelled, timed out) or a
// second one to a request already answered is logged at debug level, one
// to a sync id this connection never sent (a server bug) at warn level.
// box.session.push messages (IPROTO_CHUNK) go to the request's push
// listener, if it has one (see link.pushed), and are discarded otherwise.
func (ln *link) deliver(header protocol.ResponseHeader, body []byte) {
	if header.Code == uint32(iproto.IPROTO_CHUNK) {
		// An out-of-band message (box.session.push) for a request still
		// running: its final response follows with the same sync.
		ln.pushed(header.Sync, body)
		return
	}
	if header.Code == uint32(iproto.IPROTO_EVENT) && ln.onEvent != nil {
		ln.onEvent(ln, body) // a watched key's value (watch.go)
		return
	}
	cl := ln.take(header.Sync)
	if cl == nil {
		if ln.neverSent(header.Sync) {
			ln.log.Warn("txtarantool: discarding a response to a request never sent", "addr", ln.addr, "sync", header.Sync)
			return
		}
		ln.log.Debug("txtarantool: discarding response to a forgotten request", "sync", header.Sync)
		return
	}
	if !header.IsError() {
		cl.resp = Response{owner: cl, sync: header.Sync, schemaVersion: header.SchemaVersion, body: body}
		cl.settle(&cl.resp, nil)
		return
	}
	serr, err := protocol.DecodeErrorBody(header, body)
	if err != nil {
		cl.settle(nil, err)
		return
	}
	if serr.Code == iproto.ER_WRONG_SCHEMA_VERSION && cl.target != nil && !cl.retried && ln.onWrongSchema != nil {
		cl.retried = true
		ln.onWrongSchema(cl)
		return
	}
	cl.settle(nil, serr)
}

// fail breaks the connection once: it closes the socket, stops both
// goroutines and fails every pending call with a *ConnectionError telling
// whether that request had been handed to the network.
func (ln *link) fail(cause error) {
	ln.mu.Lock()
	if ln.err != nil {
		ln.mu.Unlock()
		return
	}
	ln.err = cause
	pending := ln.pending.drain()
	ln.inflight.Store(0)
	handed := ln.handedUpTo
	ln.queue, ln.holes, ln.holeBytes = nil, nil, 0
	ln.mu.Unlock()
	ln.watchdog.stop()

	close(ln.done)
	_ = ln.nc.Close()
	// Told first, so that whoever sees a request fail also sees the
	// connection gone (a Pool routes the next one elsewhere).
	if ln.onBroken != nil {
		ln.onBroken(ln, cause)
	}
	for _, cl := range pending {
		cl.settle(nil, &ConnectionError{Addr: ln.addr, Sent: cl.sync <= handed, Err: cause})
	}
}

// close breaks the connection with cause and waits for its goroutines.
func (ln *link) close(cause error) {
	ln.fail(cause)
	ln.wg.Wait()
}

// broken returns the cause the connection broke with, or nil.
func (ln *link) broken() error {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return ln.err
}
