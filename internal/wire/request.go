package wire

import (
	"log/slog"
	"time"

	"github.com/txtarantool/txtarantool/protocol"
)

// Request is one request as the engine sees it: the client's call record,
// which embeds a Slot and settles its future in these methods. A request
// is in at most one Conn's pending table at a time; whoever removes it
// from there (the reader, Conn.Forget's caller, the failing connection)
// owns it and settles it, once. Cost: a few interface method calls per
// request, no allocation.
type Request interface {
	// WireSlot returns the request's Slot, embedded in the record. Called
	// once per Send and per Forget.
	WireSlot() *Slot
	// WireQueued is called under c's mutex once c accepts the request (it
	// is not broken), before the request's frame is encoded into the write
	// queue and it enters the pending table: false (the request was
	// abandoned meanwhile) refuses it and Send returns ErrAbandoned. It
	// must not block nor call c.
	WireQueued(c *Conn) bool
	// WireRespond settles the request with its response: header and body
	// (in the reader's slab, see BodySlab) and the size of the whole frame
	// (length prefix included), on the reader goroutine, with no lock
	// held. It must not block.
	WireRespond(header protocol.ResponseHeader, body []byte, size int)
	// WireFail settles the request with err, made by Config.BrokenError:
	// the connection broke while the request was pending. It must not
	// block.
	WireFail(err error)
	// WirePusher returns the listener of the request's box.session.push
	// messages (IPROTO_CHUNK), nil for a request taking none. Called under
	// the Conn's mutex, on the reader; the listener is called after it is
	// released.
	WirePusher() Pusher
}

// Pusher takes the box.session.push messages of one request.
type Pusher interface {
	// Push is given the body of one IPROTO_CHUNK (in the reader's slab),
	// on the reader goroutine; it must not block.
	Push(body []byte)
}

// Slot is the engine's bookkeeping of one request, embedded in the
// client's record so that it costs no allocation of its own: the request's
// sync id and where its frame lies in the write queue. Its fields are written under the mutex of the Conn the
// request was sent on. The zero value is ready to use.
type Slot struct {
	sync uint64 // sync id of the current send
	// the request's frame is Conn.queue[qstart:qend] until the writer
	// takes the queue (until sync <= Conn.handedUpTo).
	qstart, qend int
}

// TakeFrameSize returns the size of the frame of the slot's last send (0
// if none) and forgets it, for a tracer's count of the bytes sent. Only
// the request's owner may call it, while the request is in no Conn's
// pending table (it was taken for a response, forgotten, or failed). The
// frame was queued; it was written unless the request was forgotten
// before the writer took it.
func (s *Slot) TakeFrameSize() int {
	n := s.qend - s.qstart
	s.qstart, s.qend = 0, 0
	return n
}

// Config is what a Conn is made with: where it goes (for its log
// messages), its limits, its dead-peer timeout, the constructors of the
// errors it settles requests with (so that users see the client's error
// types) and the hooks through which it tells the client of events. Every
// constructor must be set; a nil hook is skipped.
type Config struct {
	// Addr is the server's address, in log messages.
	Addr string
	// MaxFrame is the largest frame sent or accepted, in bytes.
	MaxFrame int
	// Log gets the engine's messages: discarded responses, unencodable
	// one-way requests.
	Log *slog.Logger
	// FirstSync is the last sync id used before the Conn (the
	// handshake's).
	FirstSync uint64
	// DeadPeerTimeout arms the watchdog (see Conn.Start); <= 0 disables it.
	DeadPeerTimeout time.Duration

	// BrokenError makes the error of a request on a broken connection;
	// sent tells whether the request had been handed to the writer.
	BrokenError func(sent bool, cause error) error
	// EncodeError wraps a request that cannot be encoded (or exceeds
	// MaxFrame).
	EncodeError func(err error) error
	// DeadPeerError makes the cause of a connection the watchdog breaks
	// after silence.
	DeadPeerError func(silence time.Duration) error
	// ReadError maps an error of the reader (io.EOF: the server closed the
	// connection) to the cause the connection breaks with.
	ReadError func(err error) error

	// OnBroken is told once, before the pending requests fail, that the
	// connection broke with cause; it must not block.
	OnBroken func(cause error)
	// OnEvent gets the body of each IPROTO_EVENT (a watched key's value),
	// on the reader; it must not block. Without it events are handled as
	// responses (and discarded: no request has their sync id).
	OnEvent func(body []byte)
}
