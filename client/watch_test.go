package client_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
)

// watchID is what a fake 3.x server with watchers announces.
var watchID = protocol.ID{Version: 6, Features: fakeiproto.WatchFeatures}

// watchID210 is what a fake 2.10 server announces: watchers, but no
// IPROTO_WATCH_ONCE.
var watchID210 = protocol.ID{Version: 3, Features: []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS}}

// valueLog records the values a watch callback got, as generic values,
// and checks that no two callbacks of it ever overlap.
type valueLog struct {
	mu      sync.Mutex
	values  []any
	running atomic.Int32
	overlap atomic.Bool
	changed chan struct{}
}

func newValueLog() *valueLog { return &valueLog{changed: make(chan struct{}, 1)} }

// fn is the watch callback.
func (l *valueLog) fn(ev client.Event) {
	if l.running.Add(1) > 1 {
		l.overlap.Store(true)
	}
	defer l.running.Add(-1)
	v, err := ev.Value()
	if err != nil {
		v = err
	}
	l.mu.Lock()
	l.values = append(l.values, v)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// Values returns a copy of the values so far.
func (l *valueLog) Values() []any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]any(nil), l.values...)
}

// waitLast waits until the last value is want.
func (l *valueLog) waitLast(t testing.TB, want any) {
	t.Helper()
	waitUntil(t, "watch value", func() bool {
		v := l.Values()
		return len(v) > 0 && v[len(v)-1] == want
	})
}

func TestWatchCurrentValueThenChangesInOrder(t *testing.T) {
	requireNoLeaks(t)
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("cfg", int64(1)))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	c := dialFake(t, srv)

	log := newValueLog()
	slow := func(ev client.Event) {
		log.fn(ev)
		time.Sleep(time.Millisecond) // values pile up on the server meanwhile
	}
	w, err := c.Watch("cfg", slow)
	require.NoError(t, err)
	require.Equal(t, "cfg", w.Key())
	require.Same(t, c, w.Client())
	log.waitLast(t, int64(1))

	// One change at a time: each is delivered.
	for i := int64(2); i <= 5; i++ {
		require.NoError(t, b.Set("cfg", i))
		log.waitLast(t, i)
	}
	// A burst: the server folds what it could not send into the latest
	// value, so some may be skipped, but never reordered or repeated.
	for i := int64(6); i <= 200; i++ {
		require.NoError(t, b.Set("cfg", i))
	}
	log.waitLast(t, int64(200))
	values := log.Values()
	for i := 1; i < len(values); i++ {
		require.Less(t, values[i-1], values[i], "values out of order: %v", values)
	}
	require.Equal(t, []any{int64(1), int64(2), int64(3), int64(4), int64(5)}, values[:5])
	require.False(t, log.overlap.Load(), "two callbacks of one watch ran at once")
}

func TestWatchKeyWithoutValue(t *testing.T) {
	b := fakeiproto.NewBoard()
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	c := dialFake(t, srv)

	got := make(chan client.Event, 4)
	_, err := c.Watch("nothing", func(ev client.Event) { got <- ev })
	require.NoError(t, err)
	ev := <-got
	require.False(t, ev.HasValue())
	require.Nil(t, ev.Data())
	v, err := ev.Value()
	require.NoError(t, err)
	require.Nil(t, v)
	var s string
	require.NoError(t, ev.Decode(&s))

	require.NoError(t, b.Set("nothing", "now"))
	ev = <-got
	require.True(t, ev.HasValue())
	require.NoError(t, ev.Decode(&s))
	require.Equal(t, "now", s)
}

func TestWatchTwiceSharesOneSubscription(t *testing.T) {
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", "v1"))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	c := dialFake(t, srv)

	first, second := newValueLog(), newValueLog()
	w1, err := c.Watch("k", first.fn)
	require.NoError(t, err)
	first.waitLast(t, "v1")
	w2, err := c.Watch("k", second.fn)
	require.NoError(t, err)
	second.waitLast(t, "v1") // the last value, without a new WATCH

	require.NoError(t, b.Set("k", "v2"))
	first.waitLast(t, "v2")
	second.waitLast(t, "v2")

	w1.Unwatch()
	require.Equal(t, 1, b.Watching("k"), "the second watch still holds the key")
	w2.Unwatch()
	w2.Unwatch() // idempotent
	waitUntil(t, "UNWATCH", func() bool { return b.Watching("k") == 0 })
}

func TestUnwatchStopsCallbacks(t *testing.T) {
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", int64(1)))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	c := dialFake(t, srv)

	log := newValueLog()
	w, err := c.Watch("k", log.fn)
	require.NoError(t, err)
	log.waitLast(t, int64(1))
	w.Unwatch()
	waitUntil(t, "UNWATCH", func() bool { return b.Watching("k") == 0 })
	require.NoError(t, b.Set("k", int64(2)))
	requireEchoes(t, c, "after") // a round trip: an event would have come by now
	require.Equal(t, []any{int64(1)}, log.Values())
	// The box.shutdown watch of the client stays.
	require.Equal(t, 1, b.Watching(fakeiproto.ShutdownKey))
}

func TestWatchUnwatchFromCallback(t *testing.T) {
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", int64(1)))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	c := dialFake(t, srv)

	var calls atomic.Int32
	var w *client.Watcher
	ready := make(chan struct{})
	w, err := c.Watch("k", func(client.Event) {
		<-ready
		calls.Add(1)
		w.Unwatch()
	})
	require.NoError(t, err)
	close(ready)
	waitUntil(t, "callback", func() bool { return calls.Load() == 1 })
	waitUntil(t, "UNWATCH", func() bool { return b.Watching("k") == 0 })
	require.NoError(t, b.Set("k", int64(2)))
	requireEchoes(t, c, "after")
	require.Equal(t, int32(1), calls.Load())
}

func TestWatchReRegisteredAfterReconnect(t *testing.T) {
	requireNoLeaks(t)
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", "before"))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	rec := newEventRecorder()
	c := dialFake(t, srv, withEvents(rec))

	log := newValueLog()
	_, err := c.Watch("k", log.fn)
	require.NoError(t, err)
	log.waitLast(t, "before")

	require.Equal(t, 1, b.DropWatching("k"))
	require.NoError(t, b.Set("k", "while down"))
	rec.Wait(t, "reconnected", 1)
	log.waitLast(t, "while down") // the current value, again on the new connection
	require.NoError(t, b.Set("k", "after"))
	log.waitLast(t, "after")
	require.Equal(t, 2, srv.Accepted())
}

func TestWatchDormantBeforeConnected(t *testing.T) {
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", int64(7)))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	c, err := client.Lazy(srv.Addr(), fakeOptions())
	require.NoError(t, err)
	defer c.Close()

	log := newValueLog()
	_, err = c.Watch("k", log.fn) // maybe before the connection is up
	require.NoError(t, err)
	log.waitLast(t, int64(7))
}

func TestWatchWithoutWatchersFeature(t *testing.T) {
	srv := startFake(t, fakeiproto.Healthy) // a 2.6 server
	c := dialFake(t, srv)

	_, err := c.Watch("k", func(client.Event) {})
	var fe *client.FeatureError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS}, fe.Missing)
	require.ErrorIs(t, err, client.ErrNotSent)

	_, err = await(t, c.WatchOnce(testContext(t), "k"))
	require.ErrorAs(t, err, &fe)

	p := dialFakePool(t, srv, 2)
	_, err = p.Watch("k", func(client.Event) {})
	require.ErrorAs(t, err, &fe)
}

func TestWatchBadArguments(t *testing.T) {
	srv := startFake(t, fakeiproto.ModernWatching(watchID, fakeiproto.NewBoard()))
	c := dialFake(t, srv)
	var ae *client.ArgumentError
	_, err := c.Watch("", func(client.Event) {})
	require.ErrorAs(t, err, &ae)
	require.ErrorIs(t, err, client.ErrWatchArgument)
	_, err = c.Watch("k", nil)
	require.ErrorAs(t, err, &ae)
	_, err = await(t, c.WatchOnce(testContext(t), ""))
	require.ErrorAs(t, err, &ae)
	var nilCtx context.Context
	_, err = await(t, c.WatchOnce(nilCtx, "k"))
	require.ErrorIs(t, err, client.ErrNilContext)

	require.NoError(t, c.Close())
	_, err = c.Watch("k", func(client.Event) {})
	require.ErrorIs(t, err, client.ErrClosed)
}

func TestWatchOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		id   protocol.ID
	}{{"watch_once", watchID}, {"fallback", watchID210}} {
		t.Run(tc.name, func(t *testing.T) {
			b := fakeiproto.NewBoard()
			require.NoError(t, b.Set("k", []any{int64(1), "a"}))
			srv := startFake(t, fakeiproto.ModernWatching(tc.id, b))
			c := dialFake(t, srv)

			ev, err := await(t, c.WatchOnce(testContext(t), "k"))
			require.NoError(t, err)
			require.Equal(t, "k", ev.Key)
			v, err := ev.Value()
			require.NoError(t, err)
			require.Equal(t, []any{int64(1), "a"}, v)

			ev, err = await(t, c.WatchOnce(testContext(t), "none"))
			require.NoError(t, err)
			require.False(t, ev.HasValue())
			waitUntil(t, "no watch left", func() bool { return b.Watching("k") == 0 && b.Watching("none") == 0 })
		})
	}
}

func TestWatchOnceFallbackBoundedByContext(t *testing.T) {
	// A server that never sends the event: the fallback's watch ends with
	// its context.
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		c.AnswerID(watchID210)
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return err
			}
			switch req.Type {
			case iproto.IPROTO_WATCH, iproto.IPROTO_UNWATCH:
			case iproto.IPROTO_ID:
				err = c.ReplyID(req, watchID210)
			default:
				err = c.ReplyOK(req)
			}
			if err != nil {
				return err
			}
		}
	})
	c := dialFake(t, srv)
	ctx, cancel := context.WithTimeout(testContext(t), 50*time.Millisecond)
	defer cancel()
	_, err := await(t, c.WatchOnce(ctx, "k"))
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
}

func TestPoolWatchMovesToAnotherMember(t *testing.T) {
	requireNoLeaks(t)
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", "v1"))
	srv := startFake(t, fakeiproto.ModernWatching(watchID, b))
	p := dialFakePool(t, srv, 3)

	log := newValueLog()
	w, err := p.Watch("k", log.fn)
	require.NoError(t, err)
	require.Equal(t, "k", w.Key())
	log.waitLast(t, "v1")
	require.Equal(t, 1, b.Watching("k"), "one watch per key on one member")
	ev, err := await(t, p.WatchOnce(testContext(t), "k"))
	require.NoError(t, err)
	require.Equal(t, "v1", mustValue(t, ev))
	first := w.Client()

	require.NoError(t, b.Set("k", "v2"))
	require.Equal(t, 1, b.DropWatching("k"))
	waitUntil(t, "watch moved", func() bool { return w.Client() != first })
	log.waitLast(t, "v2") // delivered again by the new member
	waitUntil(t, "one watch", func() bool { return b.Watching("k") == 1 })
	require.NoError(t, b.Set("k", "v3"))
	log.waitLast(t, "v3")
	// The old member reconnected without it.
	waitUntil(t, "members up", func() bool { return first.Connected() })
	require.Equal(t, 1, b.Watching("k"))
	require.False(t, log.overlap.Load())

	w.Unwatch()
	waitUntil(t, "UNWATCH", func() bool { return b.Watching("k") == 0 })
}

// dialFakePool opens a pool of size connections to srv with fakeOptions
// and closes it when the test ends.
func dialFakePool(t testing.TB, srv *fakeiproto.Server, size int, opts ...clientOption) *client.Pool {
	t.Helper()
	p, err := client.DialPool(testContext(t), srv.Addr(), size, fakeOptions(opts...))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// mustValue returns the generic value of ev.
func mustValue(t testing.TB, ev client.Event) any {
	t.Helper()
	v, err := ev.Value()
	require.NoError(t, err)
	return v
}

func TestWatchHostileEvents(t *testing.T) {
	requireNoLeaks(t)
	b := fakeiproto.NewBoard()
	require.NoError(t, b.Set("k", "v"))
	logs := newLogRecorder()
	srv := startFake(t, func(c *fakeiproto.Conn) error {
		c.ServeWatchers(b)
		c.AnswerID(watchID)
		if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
			return err
		}
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return err
			}
			switch req.Type {
			case iproto.IPROTO_ID:
				err = c.ReplyID(req, watchID)
			case iproto.IPROTO_WATCH:
				// Once connected (the client's box.shutdown watch): an
				// event of a key nobody watches, and one whose body is
				// not an event's.
				if err = c.Write(fakeiproto.EventFrame(0, "nobody", []byte{0x01})); err != nil {
					return err
				}
				h := fakeiproto.EventFrame(0, "x", nil)
				bad := fakeiproto.Frame(h[5:len(h)-4], []byte{0x81, 0x58, 0xc0}) // {EVENT_DATA: nil}, no key
				if err = c.Write(bad); err != nil {
					return err
				}
				_, err = c.ServeWatch(req)
			case iproto.IPROTO_UNWATCH, iproto.IPROTO_WATCH_ONCE:
				_, err = c.ServeWatch(req)
			case iproto.IPROTO_CALL:
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
	})
	c := dialFake(t, srv, withLog(logs))
	logs.waitFor(t, "malformed IPROTO_EVENT", 1)
	log := newValueLog()
	_, err := c.Watch("k", log.fn)
	require.NoError(t, err)
	log.waitLast(t, "v")
	requireEchoes(t, c, "still up")
	require.Equal(t, 1, srv.Accepted())
	require.Zero(t, b.Watching("nobody"), "an event of an unwatched key is not acknowledged")
}
