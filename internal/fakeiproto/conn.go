package fakeiproto

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// Conn is the server end of one accepted connection, as its Handler sees
// it. Its methods are meant for the handler's goroutine only; they are not
// safe for concurrent use.
type Conn struct {
	nc      net.Conn
	br      *bufio.Reader
	index   int
	closing <-chan struct{}
	drip    time.Duration
	// slowChunk and slowPause make ReadRequest read frames slowly (see
	// ReadSlowly).
	slowChunk int
	slowPause time.Duration
	id        *protocol.ID     // what Serve answers to ID; nil answers as 2.6
	rowSet    *rowSet          // the space Serve answers selects on (ServeRows)
	format    []protocol.Field // the row set's format (ServeFormat)
	spaces    []Space          // the spaces Serve resolves names in (ServeSpaces)
	// announced are the features of the client's ID request.
	announced []iproto.Feature
	board     *Board     // the watchable keys Serve serves (ServeWatchers)
	wmu       sync.Mutex // serializes writes: a Board writes events too
}

// newConn wraps an accepted connection, the index-th of its server.
func newConn(nc net.Conn, index int, closing <-chan struct{}) *Conn {
	return &Conn{nc: nc, br: bufio.NewReader(nc), index: index, closing: closing}
}

// Index returns the position of the connection in the order the server
// accepted them, from 0.
func (c *Conn) Index() int { return c.index }

// Done returns a channel closed when the server starts closing. A handler
// that waits for anything but its Conn must select on it too.
func (c *Conn) Done() <-chan struct{} { return c.closing }

// Drip makes every later write send one byte at a time, pausing before
// each byte but the first (a slow-loris server). Zero restores whole
// writes.
func (c *Conn) Drip(pause time.Duration) { c.drip = pause }

// SetReadBuffer sets the socket's receive buffer (SO_RCVBUF) to about
// bytes, so that a handler that stops reading makes the client's writes
// block after little data.
func (c *Conn) SetReadBuffer(bytes int) error {
	tc, ok := c.nc.(*net.TCPConn)
	if !ok {
		return errors.New("fakeiproto: not a TCP connection")
	}
	return tc.SetReadBuffer(bytes)
}

// Write sends b as is (one byte at a time after Drip). It returns
// ErrClosed if the server closes during a drip.
func (c *Conn) Write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.drip <= 0 {
		_, err := c.nc.Write(b)
		return err
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := range b {
		if i > 0 {
			timer.Reset(c.drip)
			select {
			case <-timer.C:
			case <-c.closing:
				return ErrClosed
			}
		}
		if _, err := c.nc.Write(b[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}

// WriteGreeting sends Greeting(): a valid Tarantool 2.6.0 greeting.
func (c *Conn) WriteGreeting() error { return c.Write(Greeting()) }

// Request is one request frame read from the client.
type Request struct {
	// Type is the request type (IPROTO_REQUEST_TYPE).
	Type iproto.Type
	// Sync is the request's sync id, to be echoed in the response.
	Sync uint64
	// SchemaVersion is the schema version the client sent, 0 if none.
	SchemaVersion uint64
	// StreamID is the request's IPROTO_STREAM_ID, 0 if none (Tarantool
	// 2.10+ runs requests of one stream in order; BEGIN, COMMIT and
	// ROLLBACK, which Serve answers OK, need one).
	StreamID uint64
	// Body is the raw msgpack body (possibly empty).
	Body []byte
}

// Fields returns the request's body map decoded by protocol.DecodeValue,
// by key: empty for an empty body, an error for a body that is not a map
// with integer keys.
func (r Request) Fields() (map[iproto.Key]any, error) {
	fields := map[iproto.Key]any{}
	if len(r.Body) == 0 {
		return fields, nil
	}
	v, _, err := protocol.DecodeValue(r.Body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("fakeiproto: request body is %T, not a map", v)
	}
	for k, v := range m {
		n, ok := intOf(k)
		if !ok {
			return nil, fmt.Errorf("fakeiproto: request body key %v is not an integer", k)
		}
		fields[iproto.Key(n)] = v
	}
	return fields, nil
}

// Args returns the IPROTO_TUPLE array of the request body (the arguments
// of a CALL or EVAL, the tuple of an INSERT), nil if the body has none.
func (r Request) Args() ([]any, error) {
	fields, err := r.Fields()
	if err != nil {
		return nil, err
	}
	v, ok := fields[iproto.IPROTO_TUPLE]
	if !ok {
		return nil, nil
	}
	args, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("fakeiproto: IPROTO_TUPLE is %T, not an array", v)
	}
	return args, nil
}

// ReadRequest reads one request frame: its length prefix and header (the
// request type and sync id are required) and its body. It returns io.EOF
// when the client closed the connection between frames and
// io.ErrUnexpectedEOF when it closed it within one.
func (c *Conn) ReadRequest() (Request, error) {
	var length, prefix int
	for need := 1; ; need++ {
		head, err := c.br.Peek(need)
		if err != nil {
			if need > 1 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return Request{}, err
		}
		length, prefix, err = protocol.DecodeFrameLength(head, protocol.DefaultMaxFrameSize)
		if err == nil {
			break
		}
		if !errors.Is(err, protocol.ErrShortBuffer) {
			return Request{}, fmt.Errorf("fakeiproto: reading a request: %w", err)
		}
	}
	if _, err := c.br.Discard(prefix); err != nil {
		return Request{}, err
	}
	frame := make([]byte, length)
	if err := c.readFull(frame); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Request{}, err
	}
	// A request header has the shape of a response header: the request
	// type (instead of the response code) and the sync id are required.
	h, body, err := protocol.DecodeResponseHeader(frame)
	if err != nil {
		return Request{}, fmt.Errorf("fakeiproto: reading a request: %w", err)
	}
	req := Request{Type: iproto.Type(h.Code), Sync: h.Sync, SchemaVersion: h.SchemaVersion, StreamID: h.StreamID, Body: body}
	if req.Type == iproto.IPROTO_ID {
		c.noteID(req)
	}
	return req, nil
}

// ReadSlowly makes ReadRequest read the rest of every frame after its
// length prefix chunk bytes at a time, pausing before each chunk: a server
// (or network) that takes a large request slowly but steadily. Zero chunk
// reads at full speed again.
func (c *Conn) ReadSlowly(chunk int, pause time.Duration) { c.slowChunk, c.slowPause = chunk, pause }

// readFull fills frame from the connection, slowly if ReadSlowly says so.
func (c *Conn) readFull(frame []byte) error {
	if c.slowChunk <= 0 {
		_, err := io.ReadFull(c.br, frame)
		return err
	}
	for off := 0; off < len(frame); {
		select {
		case <-c.closing:
			return io.ErrUnexpectedEOF
		case <-time.After(c.slowPause):
		}
		n, err := io.ReadFull(c.br, frame[off:min(off+c.slowChunk, len(frame))])
		if err != nil {
			return err
		}
		off += n
	}
	return nil
}

// ReplyOK answers req with an OK response whose IPROTO_DATA is the array
// of data (see OKBody).
func (c *Conn) ReplyOK(req Request, data ...any) error {
	body, err := OKBody(data...)
	if err != nil {
		return err
	}
	return c.Write(Frame(ResponseHeader(uint32(iproto.IPROTO_OK), req.Sync), body))
}

// ReplyError answers req with an error response of the given code and
// message (see ErrorBody).
func (c *Conn) ReplyError(req Request, code iproto.Error, message string) error {
	return c.Write(Frame(ResponseHeader(ErrorCode(code), req.Sync), ErrorBody(message)))
}

// ReplyID answers req, an ID request, as Tarantool 2.10+ does: an OK
// response whose body is {IPROTO_VERSION, IPROTO_FEATURES,
// [IPROTO_AUTH_TYPE]} from id.
func (c *Conn) ReplyID(req Request, id protocol.ID) error {
	body, err := id.AppendBody(nil)
	if err != nil {
		return err
	}
	return c.Write(Frame(ResponseHeader(uint32(iproto.IPROTO_OK), req.Sync), body))
}

// RejectID answers req as Tarantool before 2.10 answers an ID request:
// ER_UNKNOWN_REQUEST_TYPE.
func (c *Conn) RejectID(req Request) error {
	return c.ReplyError(req, iproto.ER_UNKNOWN_REQUEST_TYPE, fmt.Sprintf("Unknown request type %d", req.Type))
}

// AnswerID makes Serve answer ID requests with id (ReplyID), as a 2.10+
// server announcing id would, instead of rejecting them (RejectID).
func (c *Conn) AnswerID(id protocol.ID) { c.id = &id }

// Serve answers every request like a small, well-behaved Tarantool until
// the connection ends: AUTH (any credentials) and PING with an empty OK
// body, ID rejected as 2.6 does (RejectID) unless AnswerID set an answer,
// CALL and EVAL with their arguments (an echo), SELECT on the space of
// ServeRows from its rows, data requests by space and index name as
// ServeSpaces says, BEGIN and COMMIT with IPROTO_IS_SYNC false with
// ER_ILLEGAL_PARAMS (as 3.2+ does), WATCH, UNWATCH and WATCH_ONCE from the
// Board of ServeWatchers (rejected as 2.6 does without one), every other
// request (SELECT of the schema views among them) with empty data. It
// sends no greeting.
func (c *Conn) Serve() error {
	if c.board != nil {
		defer c.board.leave(c)
	}
	for {
		req, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if isDML(req.Type) {
			if r := c.resolve(req); r.code != 0 {
				err = c.ReplyError(req, r.code, r.message)
			} else {
				err = c.serveDML(req, r)
			}
			if err != nil {
				return err
			}
			continue
		}
		if handled, err := c.ServeWatch(req); handled {
			if err != nil {
				return err
			}
			continue
		}
		switch req.Type {
		case iproto.IPROTO_BEGIN, iproto.IPROTO_COMMIT:
			var refused bool
			if refused, err = c.checkIsSync(req); err == nil && !refused {
				err = c.ReplyOK(req)
			}
		case iproto.IPROTO_AUTH, iproto.IPROTO_PING:
			err = c.Write(Frame(ResponseHeader(uint32(iproto.IPROTO_OK), req.Sync), nil))
		case iproto.IPROTO_ID:
			if c.id == nil {
				err = c.RejectID(req)
			} else {
				err = c.ReplyID(req, *c.id)
			}
		case iproto.IPROTO_CALL, iproto.IPROTO_EVAL:
			var args []any
			if args, err = req.Args(); err == nil {
				err = c.ReplyOK(req, args...)
			}
		default:
			err = c.ReplyOK(req)
		}
		if err != nil {
			return err
		}
	}
}

// serveDML answers a data request whose space (and index) r resolved.
func (c *Conn) serveDML(req Request, r resolved) error {
	switch req.Type {
	case iproto.IPROTO_SELECT:
		f, err := parseSelect(req.Body)
		if err != nil {
			return err
		}
		f.space = r.space
		if c.rowSet != nil && uint32(f.space) == c.rowSet.space {
			return c.replySelect(req, f)
		}
	case iproto.IPROTO_INSERT, iproto.IPROTO_REPLACE:
		if c.spaceBy(func(s *Space) bool { return uint64(s.ID) == r.space }) != nil {
			tuple, err := req.Args()
			if err != nil {
				return err
			}
			return c.ReplyOK(req, tuple)
		}
	}
	return c.ReplyOK(req)
}

// Healthy is the Handler of a well-behaved server: it sends a valid
// greeting, then Serve.
func Healthy(c *Conn) error {
	if err := c.WriteGreeting(); err != nil {
		return err
	}
	return c.Serve()
}

// Modern returns the Handler of a well-behaved Tarantool ModernVersion
// server that announces id: it sends ModernGreeting, then Serve answering
// ID requests with id.
func Modern(id protocol.ID) Handler {
	return func(c *Conn) error {
		c.AnswerID(id)
		if err := c.Write(ModernGreeting()); err != nil {
			return err
		}
		return c.Serve()
	}
}

// Discard reads and drops everything the client sends until the
// connection ends, and never answers: a server that accepts requests and
// hangs. It returns nil when the client closes the connection.
func (c *Conn) Discard() error {
	_, err := io.Copy(io.Discard, c.br)
	return err
}

// Hold neither reads nor writes until the server closes: a server that
// stopped reading. The client's writes block once the socket buffers are
// full (see SetReadBuffer). It returns nil.
func (c *Conn) Hold() error {
	<-c.closing
	return nil
}
