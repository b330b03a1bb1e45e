package client

import (
	"context"
	"slices"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// WatchOnce returns a future of the current value of key, without
// staying subscribed. On a server with IPROTO_FEATURE_WATCH_ONCE
// (Tarantool 3.0+) it is one IPROTO_WATCH_ONCE request, like any other
// (WaitForReconnect, RequestTimeout and MaxInFlight apply; made while
// disconnected it is sent as such); on a 2.10 or 2.11 server it is a Watch
// ended after its first value. On a connection to a server without
// watchers it fails at once with a *FeatureError; an empty key with an
// *ArgumentError; ctx bounds it (*ContextError). Callbacks run on the
// client's executor.
//
// Cost: a request's; the fallback costs a Watch, one context.AfterFunc
// and an IPROTO_UNWATCH.
func (c *Client) WatchOnce(ctx context.Context, key string) *future.Future[Event] {
	if ctx == nil {
		return future.Rejected[Event](nilContextError())
	}
	if key == "" {
		return future.Rejected[Event](&ArgumentError{Arg: "key", Err: ErrWatchArgument})
	}
	ln := c.link.Load()
	switch {
	case ln != nil && !ln.info.Has(iproto.IPROTO_FEATURE_WATCHERS):
		info := ln.info
		info.Features = slices.Clone(info.Features)
		return future.Rejected[Event](&FeatureError{Missing: []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS}, Server: info})
	case ln != nil && !ln.info.Has(iproto.IPROTO_FEATURE_WATCH_ONCE):
		return c.watchOnceByWatch(ctx, key)
	}
	return future.Convert(c.do(ctx, protocol.WatchOnce{Key: key}), func(r *Response) (Event, error) {
		defer r.Release()
		return watchOnceEvent(key, r.body)
	})
}

// watchOnceEvent reads an IPROTO_WATCH_ONCE response body: IPROTO_DATA is
// [value], or [] for a key without a value.
func watchOnceEvent(key string, body []byte) (Event, error) {
	b, err := protocol.DecodeBody(body)
	if err != nil {
		return Event{}, err
	}
	n, rest, err := protocol.DecodeArrayHeader(b.Data)
	if err != nil {
		return Event{}, err
	}
	switch n {
	case 0:
		return Event{Key: key}, nil
	case 1:
		// The body may be recycled with the Response: keep a copy.
		return Event{Key: key, data: append([]byte(nil), rest...)}, nil
	}
	return Event{}, &protocol.MalformedError{What: "IPROTO_WATCH_ONCE data is not an array of at most one value", Offset: -1}
}

// watchOnceByWatch is WatchOnce for a server without IPROTO_WATCH_ONCE: a
// Watch ended after its first value, or when ctx ends.
func (c *Client) watchOnceByWatch(ctx context.Context, key string) *future.Future[Event] {
	f, p := future.NewOn[Event](c.exec)
	w := &Watcher{key: key, client: c}
	stop := context.AfterFunc(ctx, func() {
		w.Unwatch()
		p.Reject(&ContextError{Sent: true, Err: context.Cause(ctx)})
	})
	w.fn = func(ev Event) {
		stop()
		w.Unwatch()
		p.Resolve(ev)
	}
	if err := c.addWatcher(w); err != nil {
		stop()
		p.Reject(err)
		return f
	}
	if w.stopped.Load() {
		c.unwatch(w) // ctx ended while it was being registered
	}
	return f
}
