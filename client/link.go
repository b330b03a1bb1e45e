package client

import (
	"bufio"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/internal/wire"
	"github.com/txtarantool/txtarantool/protocol"
)

// link is one connection as the client sees it: the wire engine's Conn
// (the socket, its writer and reader goroutines, its pending table and
// watchdog; see internal/wire) and what the server announced during the
// handshake.
type link struct {
	conn     *wire.Conn
	addr     string
	greeting protocol.Greeting
	info     ServerInfo // what the server announced during the handshake
	// names is info.Has(IPROTO_FEATURE_SPACE_AND_INDEX_NAMES), read per
	// request under Options.SkipSchema.
	names bool
	// shutdown is set once the server announced box.shutdown (graceful.go).
	shutdown atomic.Bool
}

// newLink wraps an authenticated connection, read through br, for c; its
// errors are the client's (*ConnectionError, *EncodeError, *DeadPeerError),
// and it tells c when it breaks and of each IPROTO_EVENT. start launches
// its goroutines. firstSync is the last sync id used during the handshake.
func (c *Client) newLink(nc *wire.ActivityConn, br *bufio.Reader, g protocol.Greeting, info ServerInfo, names bool, firstSync uint64) *link {
	ln := &link{addr: c.addr, greeting: g, info: info, names: names}
	ln.conn = wire.New(nc, br, wire.Config{
		Addr:            c.addr,
		MaxFrame:        c.opts.MaxFrameSize,
		Log:             c.log,
		FirstSync:       firstSync,
		DeadPeerTimeout: c.opts.DeadPeerTimeout,
		BrokenError: func(sent bool, cause error) error {
			return &ConnectionError{Addr: c.addr, Sent: sent, Err: cause}
		},
		EncodeError:   func(err error) error { return &EncodeError{Err: err} },
		DeadPeerError: func(silence time.Duration) error { return &DeadPeerError{Silence: silence} },
		ReadError:     serverClosed,
		OnBroken:      func(cause error) { c.connectionBroken(ln, cause) },
		OnEvent:       func(body []byte) { c.eventArrived(ln, body) },
	})
	return ln
}

// start arms the watchdog and launches the reader and writer goroutines.
func (ln *link) start() { ln.conn.Start() }

// send queues cl's request on the connection (see wire.Conn.Send): on
// error nothing was queued and the caller still owns the call.
func (ln *link) send(cl *call, schemaVersion uint64) error {
	var streamID uint64
	if cl.stream != nil {
		streamID = cl.stream.id
	}
	return ln.conn.Send(cl, cl.req, streamID, schemaVersion)
}

// sendOneWay queues a request the server never answers (see
// wire.Conn.SendOneWay).
func (ln *link) sendOneWay(req protocol.Request) { ln.conn.SendOneWay(req) }

// inFlight returns the number of requests waiting for a response. Cost:
// one atomic load.
func (ln *link) inFlight() int { return ln.conn.InFlight() }

// fail breaks the connection once (see wire.Conn.Fail).
func (ln *link) fail(cause error) { ln.conn.Fail(cause) }

// close breaks the connection with cause and waits for its goroutines.
func (ln *link) close(cause error) { ln.conn.Close(cause) }

// broken returns the cause the connection broke with, or nil.
func (ln *link) broken() error { return ln.conn.Err() }
