package wire

import (
	"sync"

	"github.com/txtarantool/txtarantool/protocol"
)

// The write queue (Conn.queue) holds the frames of requests not yet handed
// to the writer. Three rules keep it bounded and keep one request from
// stalling the others:
//
//   - A request whose size is unknown before encoding (a struct, anything
//     the msgpack library encodes) or at least lockedEncodeMax is encoded
//     outside Conn.mu into a pooled buffer, then copied into the queue; one
//     already known to exceed Config.MaxFrame is refused before any
//     of it is encoded (protocol.SizeAtLeast).
//   - A request abandoned before it was handed to the writer leaves a
//     hole; once holes make up half of a queue of at least compactMin
//     bytes, the queue is compacted in place, so a socket that stopped
//     draining does not keep the bytes of requests already failed.
//   - The writer writes in chunks of writeChunk bytes, each full one
//     progress for the watchdog (see watchdog): a socket that takes nothing for
//     Config.DeadPeerTimeout breaks the connection, which drops the queue.

// lockedEncodeMax is the largest known request size encoded straight into
// the queue under Conn.mu (the fast path: no copy, no pool).
const lockedEncodeMax = 64 << 10

// compactMin is the hole total below which the queue is never compacted.
const compactMin = 64 << 10

// writeChunk is the most the writer hands the socket in one Write.
const writeChunk = 256 << 10

// bodyBuffers are the buffers requests are encoded into outside the lock.
var bodyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// encodeBody encodes req's body into a pooled buffer, refusing it when it
// alone exceeds maxFrame. The caller gives the buffer back with
// putBodyBuffer. Send wraps its errors with Config.EncodeError.
func encodeBody(req protocol.Request, maxFrame int) (*[]byte, error) {
	bp := bodyBuffers.Get().(*[]byte)
	b, err := req.AppendBody((*bp)[:0])
	if err == nil && len(b) > maxFrame {
		err = &protocol.FrameTooLargeError{Size: uint64(len(b)), Max: maxFrame}
	}
	*bp = b
	if err != nil {
		putBodyBuffer(bp)
		return nil, err
	}
	return bp, nil
}

// putBodyBuffer returns a buffer of encodeBody to the pool, unless it grew
// too large to keep.
func putBodyBuffer(bp *[]byte) {
	if cap(*bp) > maxRetainedWriteBuffer {
		return
	}
	*bp = (*bp)[:0]
	bodyBuffers.Put(bp)
}

// compact cuts the holes out of the queue in place and moves the frame
// offsets of the requests still queued accordingly. Called under ln.mu.
// Cost: one pass over the queue's bytes and its requests, paid only once
// the holes are half of it, so at most twice the bytes abandoned.
func (ln *Conn) compact() {
	ln.queue = cutHoles(ln.queue, ln.holes) // sorts ln.holes
	holes, shift := ln.holes, 0
	for sync := ln.handedUpTo + 1; sync <= ln.nextSync; sync++ {
		cl := ln.pending.get(sync).slot
		if cl == nil {
			continue
		}
		for len(holes) > 0 && holes[0][1] <= cl.qstart {
			shift += holes[0][1] - holes[0][0]
			holes = holes[1:]
		}
		cl.qstart -= shift
		cl.qend -= shift
	}
	ln.holes, ln.holeBytes = ln.holes[:0], 0
}

// write writes out to the socket in chunks of writeChunk bytes, counting
// each full chunk as progress for the watchdog. Smaller writes do not
// count: a socket whose peer is gone still takes a few of them (into the
// kernel's buffer), the watchdog's own PING among them; only a response
// shows the peer alive then.
func (ln *Conn) write(out []byte) error {
	for len(out) > 0 {
		n := min(len(out), writeChunk)
		if _, err := ln.nc.Write(out[:n]); err != nil {
			return err
		}
		if n == writeChunk {
			ln.conn.activity.Add(1)
		}
		out = out[n:]
	}
	return nil
}
