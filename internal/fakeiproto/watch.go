package fakeiproto

import (
	"fmt"
	"sync"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// WatchFeatures are the protocol features of a server with watchers: a
// 3.x server announces both (IPROTO_FEATURE_WATCH_ONCE came with 3.0), a
// 2.10 or 2.11 one only the first.
var WatchFeatures = []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS, iproto.IPROTO_FEATURE_WATCH_ONCE}

// ShutdownKey is the key Tarantool 2.10+ sets to true when it starts a
// graceful shutdown (SIGTERM, os.exit); see Board.Shutdown.
const ShutdownKey = "box.shutdown"

// Board is the watchable state of a fake server: keys with values, as
// box.broadcast sets them, and the connections watching them. It behaves
// as Tarantool's watchers do (src/box/session.c, src/box/watcher.c): a
// WATCH of a new key registers it and sends an IPROTO_EVENT with the
// current value (no IPROTO_EVENT_DATA when there is none) carrying the
// WATCH's sync id; after an event the server sends no other one for that
// key until the client acknowledges it by sending WATCH again, and then
// only if the value changed meanwhile, as one event with the latest
// value; UNWATCH ends the subscription; WATCH and UNWATCH get no response;
// WATCH_ONCE answers the current value in IPROTO_DATA ([value], or [] for
// none). One Board may serve many connections (ServeWatchers); it is
// safe for concurrent use.
type Board struct {
	mu       sync.Mutex
	values   map[string][]byte // raw msgpack
	versions map[string]uint64 // incremented by each Set
	sessions map[*Conn]map[string]*watcher
	watches  int // WATCH requests received, acknowledgements included
}

// watcher is one connection's subscription to one key.
type watcher struct {
	sync    uint64 // of the last WATCH: events carry it
	waiting bool   // an event was sent and not acknowledged yet
	sent    uint64 // the version of the value last sent
}

// NewBoard returns a Board with no keys set.
func NewBoard() *Board {
	return &Board{values: map[string][]byte{}, versions: map[string]uint64{}, sessions: map[*Conn]map[string]*watcher{}}
}

// ServeWatchers makes Serve answer WATCH, UNWATCH and WATCH_ONCE from b
// (see Board) instead of rejecting them as 2.6 does. Announce
// WatchFeatures (AnswerID, Modern) too, or a client will not use them.
func (c *Conn) ServeWatchers(b *Board) { c.board = b }

// ModernWatching returns the Handler of Modern(id) whose connections
// serve watchers from b.
func ModernWatching(id protocol.ID, b *Board) Handler {
	modern := Modern(id)
	return func(c *Conn) error {
		c.ServeWatchers(b)
		return modern(c)
	}
}

// Set gives key a value (encoded by protocol.AppendValue, whose error it
// returns; nil removes the value) and sends an event to every connection
// watching key that has acknowledged the last one; the others get it when
// they do. A write error on one connection is ignored: its handler sees
// the connection end.
func (b *Board) Set(key string, value any) error {
	var raw []byte
	if value != nil {
		var err error
		if raw, err = protocol.AppendValue(nil, value); err != nil {
			return err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if raw == nil {
		delete(b.values, key)
	} else {
		b.values[key] = raw
	}
	b.versions[key]++
	for c, ws := range b.sessions {
		if w := ws[key]; w != nil && !w.waiting {
			_ = b.notify(c, key, w)
		}
	}
	return nil
}

// Shutdown sets ShutdownKey to true, as Tarantool does when it starts a
// graceful shutdown: a client watching it should stop sending, let its
// requests in flight finish and close the connection.
func (b *Board) Shutdown() error { return b.Set(ShutdownKey, true) }

// Watching returns the number of connections watching key now.
func (b *Board) Watching(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, ws := range b.sessions {
		if ws[key] != nil {
			n++
		}
	}
	return n
}

// DropWatching closes every connection watching key and returns how many
// it closed: a test breaks exactly the connection that holds a watch.
func (b *Board) DropWatching(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for c, ws := range b.sessions {
		if ws[key] != nil {
			_ = c.nc.Close()
			delete(b.sessions, c)
			n++
		}
	}
	return n
}

// Watches returns the number of WATCH requests received so far, the
// acknowledgements included.
func (b *Board) Watches() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.watches
}

// notify sends w's connection an event with key's current value and
// waits for its acknowledgement. Called with mu held.
func (b *Board) notify(c *Conn, key string, w *watcher) error {
	w.waiting, w.sent = true, b.versions[key]
	return c.Write(EventFrame(w.sync, key, b.values[key]))
}

// leave forgets the subscriptions of a connection that ended.
func (b *Board) leave(c *Conn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.sessions, c)
}

// EventFrame returns an IPROTO_EVENT packet as Tarantool writes it: the
// header {IPROTO_REQUEST_TYPE: IPROTO_EVENT, IPROTO_SYNC: sync} (no schema
// version) and the body {IPROTO_EVENT_KEY: key, IPROTO_EVENT_DATA: data},
// without IPROTO_EVENT_DATA when data (raw msgpack) is nil.
func EventFrame(sync uint64, key string, data []byte) []byte {
	h := protocol.AppendMapHeader(nil, 2)
	h = protocol.AppendUint(h, uint64(iproto.IPROTO_REQUEST_TYPE))
	h = protocol.AppendUint(h, uint64(iproto.IPROTO_EVENT))
	h = protocol.AppendUint(h, uint64(iproto.IPROTO_SYNC))
	h = protocol.AppendUint(h, sync)
	n := uint32(1)
	if data != nil {
		n = 2
	}
	body := protocol.AppendMapHeader(nil, n)
	body = protocol.AppendUint(body, uint64(iproto.IPROTO_EVENT_KEY))
	body = protocol.AppendString(body, key)
	if data != nil {
		body = protocol.AppendUint(body, uint64(iproto.IPROTO_EVENT_DATA))
		body = append(body, data...)
	}
	return Frame(h, body)
}

// ServeWatch answers req if it is a WATCH, UNWATCH or WATCH_ONCE, as Serve
// does, and reports whether it was one: for handlers that serve other
// requests their own way. Without a Board (ServeWatchers) it rejects them
// with ER_UNKNOWN_REQUEST_TYPE, as Tarantool 2.6 does.
func (c *Conn) ServeWatch(req Request) (handled bool, err error) {
	switch req.Type {
	case iproto.IPROTO_WATCH, iproto.IPROTO_UNWATCH, iproto.IPROTO_WATCH_ONCE:
	default:
		return false, nil
	}
	if c.board == nil {
		return true, c.ReplyError(req, iproto.ER_UNKNOWN_REQUEST_TYPE, fmt.Sprintf("Unknown request type %d", req.Type))
	}
	key, err := eventKey(req.Body)
	if err != nil {
		return true, err
	}
	b := c.board
	b.mu.Lock()
	defer b.mu.Unlock()
	switch req.Type {
	case iproto.IPROTO_WATCH:
		b.watches++
		ws := b.sessions[c]
		if ws == nil {
			ws = map[string]*watcher{}
			b.sessions[c] = ws
		}
		w := ws[key]
		if w == nil {
			w = &watcher{sync: req.Sync}
			ws[key] = w
			return true, b.notify(c, key, w)
		}
		w.sync, w.waiting = req.Sync, false
		if w.sent != b.versions[key] {
			return true, b.notify(c, key, w)
		}
		return true, nil
	case iproto.IPROTO_UNWATCH:
		delete(b.sessions[c], key)
		return true, nil
	default: // WATCH_ONCE
		body := protocol.AppendMapHeader(nil, 1)
		body = protocol.AppendUint(body, uint64(iproto.IPROTO_DATA))
		if v, ok := b.values[key]; ok {
			body = protocol.AppendArrayHeader(body, 1)
			body = append(body, v...)
		} else {
			body = protocol.AppendArrayHeader(body, 0)
		}
		return true, c.Write(Frame(ResponseHeader(uint32(iproto.IPROTO_OK), req.Sync), body))
	}
}

// eventKey returns the IPROTO_EVENT_KEY of a watch request body.
func eventKey(body []byte) (string, error) {
	v, _, err := protocol.DecodeValue(body)
	if err != nil {
		return "", fmt.Errorf("fakeiproto: watch request body: %w", err)
	}
	m, _ := v.(map[any]any)
	key, ok := m[int64(iproto.IPROTO_EVENT_KEY)].(string)
	if !ok {
		return "", fmt.Errorf("fakeiproto: watch request body %v has no IPROTO_EVENT_KEY string", v)
	}
	return key, nil
}
