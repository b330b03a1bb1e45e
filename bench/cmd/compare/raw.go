package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// raw is the ceiling: one TCP connection, frames pre-encoded once with
// protocol.AppendFrame, written in half-window batches by one goroutine
// while another reads responses with a minimal parser (length, sync, code;
// the body is compared byte for byte with the first, fully decoded and
// checked, response for the same frame). No futures, no per-request
// allocation. It has no sync mode: sync cases print ours/raw=n/a.
var raw = clientKind{
	name: "raw",
	sync: false,
	dial: func(ctx context.Context, addr string, t topology) (conn, error) {
		n := 1
		switch t {
		case pool4:
			n = poolSize
		case topoCluster:
			return nil, errNotApplicable
		}
		cs := make(rawConns, n)
		for i := range cs {
			var err error
			if cs[i], err = dialRaw(ctx, addr); err != nil {
				cs[:i].close()
				return nil, err
			}
		}
		if n == 1 {
			return cs[0], nil
		}
		return cs, nil
	},
}

// rawBuffer is the read buffer of a raw connection: it must hold the
// largest response frame (the 1 MiB cases).
const rawBuffer = 4 << 20

func dialRaw(ctx context.Context, addr string) (*rawConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	greeting := make([]byte, 128) // guest: no authentication
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetReadDeadline(dl)
	}
	if _, err := io.ReadFull(c, greeting); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	_ = c.SetReadDeadline(time.Time{})
	return &rawConn{c: c, buf: make([]byte, rawBuffer)}, nil
}

type rawConn struct {
	c    net.Conn
	buf  []byte // read buffer
	r, w int    // unread bytes are buf[r:w]
}

func (rc *rawConn) close() error { return rc.c.Close() }

func (rc *rawConn) worker(job) func(uint64) error { return nil }

// rawConns are several raw connections, each pipelining its share of the
// window from its own goroutines: the server's ceiling over that many
// connections.
type rawConns []*rawConn

func (cs rawConns) close() error {
	var first error
	for _, c := range cs {
		if err := c.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (cs rawConns) worker(job) func(uint64) error { return nil }

func (cs rawConns) pipelined(j job, window int, d time.Duration) (int64, error) {
	ops := make([]int64, len(cs))
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ops[i], errs[i] = c.pipelined(j, window/len(cs), d)
		}()
	}
	wg.Wait()
	return sumOps(ops, errs)
}

// sumOps is the total of ops, or the first error.
func sumOps(ops []int64, errs []error) (int64, error) {
	var total int64
	for i := range ops {
		if errs[i] != nil {
			return total, errs[i]
		}
		total += ops[i]
	}
	return total, nil
}

// rawRequest returns the protocol request for key, with the values the
// other clients send (requestValues).
func rawRequest(j job, key uint64) protocol.Request {
	switch j.w {
	case wPing:
		return &protocol.Ping{}
	case wSelect:
		return &protocol.Select{Space: spaceID, Iterator: iproto.ITER_EQ, Limit: 1, Key: []any{key}}
	case wReplace:
		return &protocol.Replace{Space: spaceID, Tuple: requestValues[key].tuple}
	case wCall:
		return &protocol.Call{Function: echoFunc, Args: requestValues[key].tuple}
	case wWide, wWideAny:
		return &protocol.Select{Space: wideSpaceID, Iterator: iproto.ITER_ALL, Limit: wideRows, Key: []any{}}
	case wBigCall:
		return &protocol.Call{Function: bigStrFunc, Args: bigArgs}
	default: // wBlob
		return &protocol.Select{Space: blobSpaceID, Iterator: iproto.ITER_EQ, Limit: 1, Key: []any{uint64(j.size)}}
	}
}

func (rc *rawConn) pipelined(j job, window int, d time.Duration) (int64, error) {
	w := j.w
	half := window / 2
	if half < 1 {
		return 0, errNotApplicable // it writes half windows
	}
	window = 2 * half
	// Frame i has sync i and key keyAt(i); the two halves alternate.
	var frames []byte
	offs := make([]int, window+1)
	for i := range window {
		var err error
		offs[i] = len(frames)
		frames, err = protocol.AppendFrame(frames, protocol.Header{Sync: uint64(i)}, rawRequest(j, keyAt(uint64(i))))
		if err != nil {
			return 0, err
		}
	}
	offs[window] = len(frames)
	batches := [2][]byte{frames[:offs[half]], frames[offs[half]:]}
	expected := make([][]byte, window)

	deadline := time.Now().Add(d)
	tokens := make(chan struct{}, 2) // half-windows the writer may send
	tokens <- struct{}{}
	tokens <- struct{}{}
	written := make(chan int, 4) // frames written, per batch; closed when done
	quit := make(chan struct{})
	werr := make(chan error, 1)
	go func() {
		defer close(written)
		for b := 0; ; b ^= 1 {
			select {
			case <-tokens:
			case <-quit:
				return
			}
			if time.Now().After(deadline) {
				return
			}
			if _, err := rc.c.Write(batches[b]); err != nil {
				werr <- err
				return
			}
			written <- half
		}
	}()
	defer close(quit)

	var read int64
	pending := 0
	for {
		if pending == 0 {
			n, ok := <-written
			if !ok {
				break
			}
			pending += n
		}
		sync, code, body, err := rc.readFrame()
		if err != nil {
			return read, err
		}
		want := uint64(read % int64(window))
		if sync != want {
			return read, fmt.Errorf("raw %s: response sync %d, want %d (out of order)", w, sync, want)
		}
		if code != uint64(iproto.IPROTO_OK) {
			return read, fmt.Errorf("raw %s: server error code %#x: %q", w, code, body)
		}
		if exp := expected[sync]; exp != nil {
			if !bytes.Equal(body, exp) {
				return read, fmt.Errorf("raw %s: body of sync %d changed: %x, want %x", w, sync, body, exp)
			}
		} else {
			if err := rawCheck(j, keyAt(sync), body); err != nil {
				return read, err
			}
			expected[sync] = bytes.Clone(body)
		}
		read++
		pending--
		if read%int64(half) == 0 {
			tokens <- struct{}{}
		}
	}
	select {
	case err := <-werr:
		return read, err
	default:
	}
	return read, nil
}

// rawCheck fully decodes and checks the first response to each frame.
func rawCheck(j job, key uint64, body []byte) error {
	if j.w == wPing {
		return nil
	}
	b, err := protocol.DecodeBody(body)
	if err != nil {
		return err
	}
	switch j.w {
	case wSelect, wReplace:
		var rows []row
		if err := protocol.Decode(b.Data, &rows); err != nil {
			return err
		}
		if len(rows) != 1 {
			return fmt.Errorf("raw %s: %d tuples, want 1", j.w, len(rows))
		}
		return check(j.w, key, &rows[0])
	case wCall:
		var r row
		if err := protocol.Decode(b.Data, &r); err != nil {
			return err
		}
		return check(j.w, key, &r)
	case wWide:
		var rows []wideRow
		if err := protocol.Decode(b.Data, &rows); err != nil {
			return err
		}
		return checkWide(rows)
	case wWideAny:
		var tuples []any
		if err := protocol.Decode(b.Data, &tuples); err != nil {
			return err
		}
		return checkWideAny(tuples)
	case wBigCall:
		var s []string
		if err := protocol.Decode(b.Data, &s); err != nil {
			return err
		}
		if len(s) != 1 {
			return fmt.Errorf("raw %s: %d strings, want 1", j, len(s))
		}
		return checkBig(j.size, s[0])
	default: // wBlob
		var rows []blobRow
		if err := protocol.Decode(b.Data, &rows); err != nil {
			return err
		}
		if len(rows) != 1 {
			return fmt.Errorf("raw %s: %d tuples, want 1", j, len(rows))
		}
		return checkBlob(j.size, &rows[0])
	}
}

// readFrame reads one response frame and returns its sync, its code
// (IPROTO_REQUEST_TYPE) and its body, which aliases the read buffer until
// the next call.
func (rc *rawConn) readFrame() (sync, code uint64, body []byte, err error) {
	if err := rc.fill(5); err != nil {
		return 0, 0, nil, err
	}
	p := rc.buf[rc.r:rc.w]
	if p[0] != 0xce {
		return 0, 0, nil, fmt.Errorf("raw: length prefix %#x, want 0xce", p[0])
	}
	n := int(binary.BigEndian.Uint32(p[1:5]))
	if err := rc.fill(5 + n); err != nil {
		return 0, 0, nil, err
	}
	frame := rc.buf[rc.r+5 : rc.r+5+n]
	rc.r += 5 + n
	if len(frame) == 0 || frame[0]&0xf0 != 0x80 {
		return 0, 0, nil, errors.New("raw: header is not a fixmap")
	}
	pairs := int(frame[0] & 0x0f)
	rest := frame[1:]
	for range pairs {
		var k, v uint64
		if k, rest, err = rawUint(rest); err != nil {
			return 0, 0, nil, err
		}
		if v, rest, err = rawUint(rest); err != nil {
			return 0, 0, nil, err
		}
		switch iproto.Key(k) {
		case iproto.IPROTO_REQUEST_TYPE:
			code = v
		case iproto.IPROTO_SYNC:
			sync = v
		}
	}
	return sync, code, rest, nil
}

// fill makes at least n unread bytes available in the buffer.
func (rc *rawConn) fill(n int) error {
	if rc.w-rc.r >= n {
		return nil
	}
	if n > len(rc.buf) {
		return fmt.Errorf("raw: frame of %d bytes exceeds the read buffer", n)
	}
	if len(rc.buf)-rc.r < n {
		rc.w = copy(rc.buf, rc.buf[rc.r:rc.w])
		rc.r = 0
	}
	for rc.w-rc.r < n {
		m, err := rc.c.Read(rc.buf[rc.w:])
		if err != nil {
			return err
		}
		rc.w += m
	}
	return nil
}

// rawUint decodes a msgpack unsigned integer (every header value is one).
func rawUint(b []byte) (uint64, []byte, error) {
	if len(b) == 0 {
		return 0, nil, io.ErrUnexpectedEOF
	}
	switch c := b[0]; {
	case c <= 0x7f:
		return uint64(c), b[1:], nil
	case c == 0xcc && len(b) >= 2:
		return uint64(b[1]), b[2:], nil
	case c == 0xcd && len(b) >= 3:
		return uint64(binary.BigEndian.Uint16(b[1:])), b[3:], nil
	case c == 0xce && len(b) >= 5:
		return uint64(binary.BigEndian.Uint32(b[1:])), b[5:], nil
	case c == 0xcf && len(b) >= 9:
		return binary.BigEndian.Uint64(b[1:]), b[9:], nil
	default:
		return 0, nil, fmt.Errorf("raw: header value %#x is not a uint", c)
	}
}
