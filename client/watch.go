package client

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// Event is one value of a watched key (box.broadcast on the server, or
// a built-in key such as box.status, box.id, box.shutdown): the key and
// its value as raw msgpack, decoded by its methods in the caller's
// goroutine (the executor, for a Watch callback), never on the network
// reader, like a Response or a Push. An Event is immutable and may be kept
// after the callback returns.
type Event struct {
	// Key is the watched key.
	Key string
	// data is the raw msgpack value; nil when the key has no value.
	data []byte
}

// HasValue reports whether the key has a value: false before the first
// box.broadcast of a key, or after box.broadcast(key, nil).
func (e Event) HasValue() bool { return e.data != nil }

// Data returns the raw msgpack of the value, nil when the key has none.
// The slice aliases the Event: do not modify it.
func (e Event) Data() protocol.RawMsgpack { return e.data }

// Decode decodes the value into v, a pointer, with the rules of
// Response.Decode; a key without a value decodes as msgpack nil (v's
// zero value for most types).
func (e Event) Decode(v any) error {
	if e.data == nil {
		return protocol.Decode(msgpackNil, v)
	}
	return protocol.Decode(e.data, v)
}

// Value decodes the value into generic Go values (see
// protocol.DecodeValue): nil for a key without a value.
func (e Event) Value() (any, error) {
	if e.data == nil {
		return nil, nil
	}
	v, _, err := protocol.DecodeValue(e.data)
	return v, err
}

// msgpackNil is the msgpack encoding of nil.
var msgpackNil = []byte{0xc0}

// Watcher is the handle of one Client.Watch or Pool.Watch: Unwatch ends
// it.
type Watcher struct {
	key     string
	fn      func(Event)
	stopped atomic.Bool
	// client is the client whose registry holds the watch; nil for a
	// pool's watch, which holds a member's watch in inner.
	client *Client
	// parent is the pool's watch this member's watch serves, if any.
	parent *Watcher

	pool  *Pool      // a pool's watch: its pool
	mu    sync.Mutex // a pool's watch: guards inner
	inner *Watcher   // a pool's watch: the watch on the current member
}

// Key returns the watched key.
func (w *Watcher) Key() string { return w.key }

// Client returns the client that holds the watch: for a pool's watch,
// the member that holds it now.
func (w *Watcher) Client() *Client {
	if w.pool == nil {
		return w.client
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.inner.client
}

// Unwatch ends the watch: no callback of it starts after Unwatch returns
// (one running on the executor finishes); when it was the client's last
// watch of the key, an IPROTO_UNWATCH is sent. Idempotent; safe to call
// from the callback itself. Cost: a map lookup and, for the last watch of
// a key, one small frame.
func (w *Watcher) Unwatch() {
	if w.stopped.Swap(true) {
		return
	}
	if w.pool != nil {
		w.mu.Lock()
		inner := w.inner
		w.mu.Unlock()
		inner.Unwatch()
		return
	}
	w.client.unwatch(w)
}

// deliver runs the callback with ev unless the watch ended. It runs on
// the executor.
func (w *Watcher) deliver(ev Event) {
	if w.stopped.Load() || (w.parent != nil && w.parent.stopped.Load()) {
		return
	}
	w.fn(ev)
}

// watchRegistry holds a client's watched keys. Tarantool keeps one watcher
// per key and session, so several Watch calls of one key share one
// subscription. Every WATCH and UNWATCH is queued under mu (then the
// link's mutex), so they reach the server in the order of the registry's
// changes.
type watchRegistry struct {
	mu   sync.Mutex
	keys map[string]*watchedKey
}

// watchedKey is one key the client watches.
type watchedKey struct {
	key  string
	subs []*Watcher
	// last is the value of the last event (nil: none) when known.
	last  []byte
	known bool
	// internal marks the client's own watch of box.shutdown (graceful.go),
	// which lives as long as the client.
	internal bool
}

// ErrWatchArgument is the cause, inside an *ArgumentError, of a Watch or
// WatchOnce with an empty key or a nil callback.
var ErrWatchArgument = errors.New("txtarantool: watch needs a key and a callback")

// Watch subscribes to key (Tarantool 2.10+, IPROTO_WATCH) and returns at
// once. fn gets the key's current value first, then its later values, in
// order, on the client's executor, one call at a time: the next value is
// asked for (the IPROTO_WATCH acknowledgement) only once fn returned, so
// values set while fn runs are folded by the server into the latest one,
// never queued without bound. After every reconnection the watch is
// registered again and the current value delivered again (it may repeat
// the last one).
//
// On a connection to a server without IPROTO_FEATURE_WATCHERS (before
// 2.10) Watch fails at once with a *FeatureError; a closed client fails
// it with ErrClosed (in a *ConnectionError); an empty key or a nil fn
// with an *ArgumentError. A watch made while disconnected is sent when the
// connection comes up, and stays dormant (logged) on a server without
// watchers.
//
// Cost: one registration; per value, a copy of it, one closure queued on
// the executor and one small frame (the acknowledgement).
func (c *Client) Watch(key string, fn func(Event)) (*Watcher, error) {
	w := &Watcher{key: key, fn: fn, client: c}
	if err := c.addWatcher(w); err != nil {
		return nil, err
	}
	return w, nil
}

// addWatcher registers w and sends IPROTO_WATCH for a key not watched
// yet, or hands w the key's last value.
func (c *Client) addWatcher(w *Watcher) error {
	if w.key == "" || w.fn == nil {
		return &ArgumentError{Arg: "watch", Err: ErrWatchArgument}
	}
	if c.closed.Load() {
		return &ConnectionError{Addr: c.addr, Err: ErrClosed}
	}
	ln := c.link.Load()
	if ln != nil && !ln.info.Has(iproto.IPROTO_FEATURE_WATCHERS) {
		info := ln.info
		info.Features = slices.Clone(info.Features)
		return &FeatureError{Missing: []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS}, Server: info}
	}
	r := &c.watches
	r.mu.Lock()
	if r.keys == nil {
		r.keys = map[string]*watchedKey{}
	}
	wk := r.keys[w.key]
	fresh := wk == nil
	if fresh {
		wk = &watchedKey{key: w.key}
		r.keys[w.key] = wk
	}
	wk.subs = append(wk.subs, w)
	known, last := wk.known, wk.last
	if fresh {
		// Loaded after the registration: a connection installed since
		// then registers the key itself (watchAll); a WATCH sent twice
		// only acknowledges early. Sent under mu, so that the WATCH and
		// UNWATCH of one key leave in the order of the registry's
		// changes.
		if ln := c.link.Load(); ln != nil && ln.info.Has(iproto.IPROTO_FEATURE_WATCHERS) {
			ln.sendOneWay(protocol.Watch{Key: w.key})
		}
	}
	r.mu.Unlock()
	if !fresh && known {
		ev := Event{Key: w.key, data: last}
		c.exec.Execute(func() { w.deliver(ev) })
	}
	return nil
}

// unwatch removes w; the last watch of a key sends IPROTO_UNWATCH.
func (c *Client) unwatch(w *Watcher) {
	r := &c.watches
	r.mu.Lock()
	wk := r.keys[w.key]
	if wk == nil {
		r.mu.Unlock()
		return
	}
	if i := slices.Index(wk.subs, w); i >= 0 {
		wk.subs = slices.Delete(wk.subs, i, i+1)
	}
	if len(wk.subs) == 0 && !wk.internal {
		delete(r.keys, w.key)
		if ln := c.link.Load(); ln != nil && ln.info.Has(iproto.IPROTO_FEATURE_WATCHERS) {
			ln.sendOneWay(protocol.Unwatch{Key: w.key})
		}
	}
	r.mu.Unlock()
}

// watchAll registers every watched key, and the client's own box.shutdown
// watch, on a new connection. It runs before the connection is used.
func (c *Client) watchAll(ln *link) {
	if !ln.info.Has(iproto.IPROTO_FEATURE_WATCHERS) {
		c.watches.mu.Lock()
		n := 0
		for _, wk := range c.watches.keys {
			n += len(wk.subs)
		}
		c.watches.mu.Unlock()
		if n > 0 {
			c.log.Warn("txtarantool: the server has no watchers; watches stay dormant", "addr", ln.addr, "version", ln.greeting.Version.String())
		}
		return
	}
	r := &c.watches
	r.mu.Lock()
	if r.keys == nil {
		r.keys = map[string]*watchedKey{}
	}
	if wk := r.keys[shutdownKey]; wk == nil {
		r.keys[shutdownKey] = &watchedKey{key: shutdownKey, internal: true}
	} else {
		wk.internal = true
	}
	for k := range r.keys {
		ln.sendOneWay(protocol.Watch{Key: k})
	}
	r.mu.Unlock()
}

// eventArrived routes an IPROTO_EVENT from the reader: the client's own
// box.shutdown handling at once, the callbacks on the executor, then the
// acknowledgement. It never blocks and never runs user code. A malformed
// event is logged and dropped; an event of a key no longer watched is
// dropped (an UNWATCH was sent).
func (c *Client) eventArrived(ln *link, body []byte) {
	eb, err := protocol.DecodeEventBody(body)
	if err != nil {
		c.log.Warn("txtarantool: discarding a malformed IPROTO_EVENT", "addr", ln.addr, "err", err)
		return
	}
	r := &c.watches
	r.mu.Lock()
	wk := r.keys[string(eb.Key)]
	if wk == nil {
		r.mu.Unlock()
		return
	}
	// A copy: the body shares its slab with other responses, which a
	// kept value would pin.
	data := slices.Clone(eb.Data)
	wk.last, wk.known = data, true
	subs := slices.Clone(wk.subs)
	internal, key := wk.internal, wk.key
	r.mu.Unlock()
	if internal && key == shutdownKey && isTrue(data) {
		c.serverShuttingDown(ln)
	}
	if len(subs) == 0 {
		c.ack(ln, wk)
		return
	}
	ev := Event{Key: key, data: data}
	c.exec.Execute(func() {
		if c.closed.Load() {
			return
		}
		for _, w := range subs {
			w.deliver(ev)
		}
		c.ack(ln, wk)
	})
}

// ack acknowledges the last event of wk on ln (IPROTO_WATCH again) if the
// key is still watched: after an UNWATCH it would subscribe again.
func (c *Client) ack(ln *link, wk *watchedKey) {
	r := &c.watches
	r.mu.Lock()
	if r.keys[wk.key] == wk {
		ln.sendOneWay(protocol.Watch{Key: wk.key})
	}
	r.mu.Unlock()
}

// isTrue reports whether data is the msgpack true.
func isTrue(data []byte) bool { return len(data) == 1 && data[0] == 0xc3 }

// watchLinkLost moves the pool watches held by this client to another
// live member (see Pool.Watch). It runs on the reader or writer of the
// broken connection and never blocks.
func (c *Client) watchLinkLost(ln *link) {
	r := &c.watches
	r.mu.Lock()
	var moving []*Watcher
	for _, wk := range r.keys {
		for _, w := range wk.subs {
			if w.parent != nil {
				moving = append(moving, w)
			}
		}
	}
	r.mu.Unlock()
	if len(moving) == 0 {
		return
	}
	c.exec.Execute(func() {
		for _, w := range moving {
			w.parent.move(w)
		}
	})
}
