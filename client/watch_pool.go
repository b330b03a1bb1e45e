package client

import (
	"context"

	"github.com/txtarantool/txtarantool/future"
)

// Watch is Client.Watch on one live member of the pool (the one a
// request would go to): one subscription per call, not one per member.
// When that member's connection breaks, the watch moves to another live
// member, if there is one, whose IPROTO_WATCH delivers the current value
// again; otherwise it stays, and is registered again when the member
// reconnects. Watcher.Client names the member. Callbacks run on the
// pool's executor, one at a time, in order. Errors are those of
// Client.Watch for the chosen member. Cost: as Client.Watch, plus one
// small allocation per move.
func (p *Pool) Watch(key string, fn func(Event)) (*Watcher, error) {
	pw := &Watcher{pool: p, key: key, fn: fn}
	m := p.pick()
	inner := &Watcher{key: key, fn: fn, client: m, parent: pw}
	pw.inner = inner
	if err := m.addWatcher(inner); err != nil {
		return nil, err
	}
	return pw, nil
}

// WatchOnce is Client.WatchOnce on the member a request would go to.
func (p *Pool) WatchOnce(ctx context.Context, key string) *future.Future[Event] {
	return p.pick().WatchOnce(ctx, key)
}

// move re-registers the pool's watch w, held by from, a member's watch
// whose connection broke, on another live member. It runs on the
// executor, so the old watch's queued values are dropped before the new
// member's arrive.
func (w *Watcher) move(from *Watcher) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped.Load() || w.inner != from {
		return
	}
	for _, m := range w.pool.members {
		if m == from.client || m.link.Load() == nil {
			continue
		}
		inner := &Watcher{key: w.key, fn: w.fn, client: m, parent: w}
		if m.addWatcher(inner) != nil {
			continue // that member's server has no watchers, or it closed
		}
		from.Unwatch()
		w.inner = inner
		m.log.Debug("txtarantool: pool watch moved to another member", "key", w.key, "from", from.client.addr)
		return
	}
}
