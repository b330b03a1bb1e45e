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

	"github.com/txtarantool/txtarantool/protocol"
)

// readBufferSize is the size of a connection's read buffer: responses are
// read from the socket in chunks of up to this many bytes.
const readBufferSize = 64 << 10

// maxRetainedWriteBuffer bounds the write buffer a connection keeps between
// batches; a larger one (after a burst) is dropped for the GC.
const maxRetainedWriteBuffer = 1 << 20

// conn is one established, authenticated IPROTO connection: a writer
// goroutine that writes every request queued since its last write in one
// syscall, and a reader goroutine that settles futures by sync id.
//
// Requests are encoded by the calling goroutine straight into queue under
// mu (no per-request allocation for the bytes); the writer swaps queue with
// its spare buffer and writes it. A request's sync id tells how far it got:
// syncs up to handedUpTo were given to the writer (and may have reached the
// server), later ones were never written.
type conn struct {
	nc       net.Conn
	addr     string
	maxFrame int
	greeting protocol.Greeting
	log      *slog.Logger
	reader   *bufio.Reader
	slab     bodySlab // the reader's: response bodies are copied here

	// onWrongSchema takes over a call that failed with
	// ER_WRONG_SCHEMA_VERSION and may be retried; it must not block.
	onWrongSchema func(cl *call)
	// onBroken is told once when the connection breaks; it must not block.
	onBroken func(cn *conn, cause error)

	mu         sync.Mutex
	queue      []byte // encoded requests not yet handed to the writer
	nextSync   uint64 // last sync id given out
	handedUpTo uint64 // highest sync id handed to the writer
	pending    pendingTable
	inflight   atomic.Int64 // pending.len(), readable without mu
	// holes are the byte ranges in queue of requests abandoned before they
	// were handed to the writer; the writer cuts them out, so a request
	// reported as not sent is never sent.
	holes [][2]int
	err   error // non-nil once the connection is broken

	wake chan struct{} // 1-buffered: the queue became non-empty
	done chan struct{} // closed when the connection breaks
	wg   sync.WaitGroup
}

// newConn wraps an authenticated net.Conn; start launches its goroutines.
// firstSync is the last sync id used during the handshake.
func newConn(nc net.Conn, br *bufio.Reader, addr string, g protocol.Greeting, maxFrame int, log *slog.Logger, firstSync uint64) *conn {
	return &conn{
		nc:       nc,
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
func (cn *conn) start() {
	cn.wg.Add(2)
	go cn.writeLoop()
	go cn.readLoop()
}

// send encodes the call's request into the write queue and registers it
// under a new sync id. It never blocks on the network. On error nothing was
// queued and the caller still owns the call.
func (cn *conn) send(cl *call, schemaVersion uint64) error {
	cn.mu.Lock()
	if cn.err != nil {
		err := cn.err
		cn.mu.Unlock()
		return &ConnectionError{Addr: cn.addr, Sent: false, Err: err}
	}
	// Store conn before loading the flag; abandon does the reverse.
	cl.conn.Store(cn)
	if cl.abandoned.Load() {
		cn.mu.Unlock()
		return errAbandoned
	}
	sync := cn.nextSync + 1
	before := len(cn.queue)
	queue, err := protocol.AppendFrame(cn.queue, protocol.Header{Sync: sync, SchemaVersion: schemaVersion}, cl.req)
	if err == nil && len(queue)-before > cn.maxFrame {
		err = &protocol.FrameTooLargeError{Size: uint64(len(queue) - before), Max: cn.maxFrame}
	}
	if err != nil {
		cn.queue = queue[:before]
		cn.mu.Unlock()
		return &EncodeError{Err: err}
	}
	cn.queue = queue
	cn.nextSync = sync
	cl.sync = sync
	cl.qstart, cl.qend = before, len(queue)
	if cl.stop == nil && cl.ctx.Done() != nil {
		// AfterFunc never calls its function synchronously, so this is
		// safe under mu; the function takes mu itself.
		cl.stop = context.AfterFunc(cl.ctx, cl.onAbandon)
	}
	cn.pending.put(sync, cl)
	cn.inflight.Add(1)
	cn.mu.Unlock()
	if before == 0 {
		select {
		case cn.wake <- struct{}{}:
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
func (cn *conn) forget(cl *call) (sent, found bool) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if cn.pending.get(cl.sync) != cl {
		return false, false
	}
	cn.pending.remove(cl.sync)
	cn.inflight.Add(-1)
	sent = cl.sync <= cn.handedUpTo
	if !sent {
		cn.holes = append(cn.holes, [2]int{cl.qstart, cl.qend})
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
func (cn *conn) take(sync uint64) *call {
	cn.mu.Lock()
	cl := cn.pending.remove(sync)
	if cl != nil {
		cn.inflight.Add(-1)
	}
	cn.mu.Unlock()
	return cl
}

// neverSent reports whether sync is above every sync id given out on this
// connection.
func (cn *conn) neverSent(sync uint64) bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return sync > cn.nextSync
}

// inFlight returns the number of requests waiting for a response. Cost:
// one atomic load.
func (cn *conn) inFlight() int { return int(cn.inflight.Load()) }

// writeLoop writes every batch of queued requests in one Write call.
func (cn *conn) writeLoop() {
	defer cn.wg.Done()
	var spare []byte
	for {
		select {
		case <-cn.wake:
		case <-cn.done:
			return
		}
		// Let the goroutines that are ready to send queue their requests
		// first, so that one write carries them all: with many senders
		// this saves most write syscalls; with one it costs nothing.
		runtime.Gosched()
		cn.mu.Lock()
		out, holes := cn.queue, cn.holes
		cn.queue, cn.holes = spare[:0], nil
		cn.handedUpTo = cn.nextSync
		cn.mu.Unlock()
		if holes != nil {
			out = cutHoles(out, holes)
		}
		if len(out) == 0 {
			spare = out
			continue
		}
		if _, err := cn.nc.Write(out); err != nil {
			cn.fail(err)
			return
		}
		if cap(out) > maxRetainedWriteBuffer {
			out = nil
		}
		spare = out[:0]
	}
}

// readLoop reads response frames and settles the futures waiting for them.
func (cn *conn) readLoop() {
	defer cn.wg.Done()
	for {
		header, body, err := readResponse(cn.reader, cn.maxFrame, &cn.slab)
		if err != nil {
			cn.fail(err)
			return
		}
		cn.dispatch(header, body)
	}
}

// dispatch settles the call waiting for one response. A response whose
// sync id matches no pending request cannot be given to anyone and is
// discarded, the connection and the requests in flight going on
// unaffected: one to a forgotten request (cancelled, timed out) or a
// second one to a request already answered is logged at debug level, one
// to a sync id this connection never sent (a server bug) at warn level.
// box.session.push messages (IPROTO_CHUNK) are discarded too.
func (cn *conn) dispatch(header protocol.ResponseHeader, body []byte) {
	if header.Code == uint32(iproto.IPROTO_CHUNK) {
		// An out-of-band message (box.session.push) for a request still
		// running: its final response follows with the same sync.
		cn.log.Debug("txtarantool: ignoring a box.session.push message", "sync", header.Sync)
		return
	}
	cl := cn.take(header.Sync)
	if cl == nil {
		if cn.neverSent(header.Sync) {
			cn.log.Warn("txtarantool: discarding a response to a request never sent", "addr", cn.addr, "sync", header.Sync)
			return
		}
		cn.log.Debug("txtarantool: discarding response to a forgotten request", "sync", header.Sync)
		return
	}
	if !header.IsError() {
		cl.resp = Response{owner: cl, sync: header.Sync, schemaVersion: header.SchemaVersion, body: body}
		cl.finish(&cl.resp, nil)
		return
	}
	serr, err := protocol.DecodeErrorBody(header, body)
	if err != nil {
		cl.finish(nil, err)
		return
	}
	if serr.Code == iproto.ER_WRONG_SCHEMA_VERSION && cl.target != nil && !cl.retried && cn.onWrongSchema != nil {
		cl.retried = true
		cn.onWrongSchema(cl)
		return
	}
	cl.finish(nil, serr)
}

// fail breaks the connection once: it closes the socket, stops both
// goroutines and fails every pending call with a *ConnectionError telling
// whether that request had been handed to the network.
func (cn *conn) fail(cause error) {
	cn.mu.Lock()
	if cn.err != nil {
		cn.mu.Unlock()
		return
	}
	cn.err = cause
	pending := cn.pending.drain()
	cn.inflight.Store(0)
	handed := cn.handedUpTo
	cn.queue, cn.holes = nil, nil
	cn.mu.Unlock()

	close(cn.done)
	_ = cn.nc.Close()
	for _, cl := range pending {
		cl.finish(nil, &ConnectionError{Addr: cn.addr, Sent: cl.sync <= handed, Err: cause})
	}
	if cn.onBroken != nil {
		cn.onBroken(cn, cause)
	}
}

// close breaks the connection with cause and waits for its goroutines.
func (cn *conn) close(cause error) {
	cn.fail(cause)
	cn.wg.Wait()
}

// broken returns the cause the connection broke with, or nil.
func (cn *conn) broken() error {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.err
}
