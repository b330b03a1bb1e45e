package client_test

// Recorders of what a client reports: its lifecycle events (Handlers)
// and its log (Options.Logger).

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// lifecycleEvent is one call of a Handlers function.
type lifecycleEvent struct {
	Kind     string // connected, disconnected, reconnecting, reconnected, closed
	Client   *client.Client
	Attempt  int
	Delay    time.Duration
	Downtime time.Duration
	Cause    error
}

// eventRecorder records the lifecycle events of a client or pool (see
// withEvents).
type eventRecorder struct {
	mu      sync.Mutex
	events  []lifecycleEvent
	changed chan struct{} // 1-buffered: an event was recorded
}

func newEventRecorder() *eventRecorder { return &eventRecorder{changed: make(chan struct{}, 1)} }

func (r *eventRecorder) add(e lifecycleEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Handlers returns handlers that record every event.
func (r *eventRecorder) Handlers() client.Handlers {
	return client.Handlers{
		Connected: func(c *client.Client) { r.add(lifecycleEvent{Kind: "connected", Client: c}) },
		Disconnected: func(c *client.Client, cause error) {
			r.add(lifecycleEvent{Kind: "disconnected", Client: c, Cause: cause})
		},
		Reconnecting: func(c *client.Client, attempt int, delay time.Duration, cause error) {
			r.add(lifecycleEvent{Kind: "reconnecting", Client: c, Attempt: attempt, Delay: delay, Cause: cause})
		},
		Reconnected: func(c *client.Client, downtime time.Duration) {
			r.add(lifecycleEvent{Kind: "reconnected", Client: c, Downtime: downtime})
		},
		Closed: func(c *client.Client, cause error) {
			r.add(lifecycleEvent{Kind: "closed", Client: c, Cause: cause})
		},
	}
}

// Events returns a copy of the events so far.
func (r *eventRecorder) Events() []lifecycleEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]lifecycleEvent(nil), r.events...)
}

// Kind returns the events of one kind so far.
func (r *eventRecorder) Kind(kind string) []lifecycleEvent {
	var out []lifecycleEvent
	for _, e := range r.Events() {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Kinds returns the kinds of the events so far, in order.
func (r *eventRecorder) Kinds() []string {
	var out []string
	for _, e := range r.Events() {
		out = append(out, e.Kind)
	}
	return out
}

// Wait waits until at least n events of kind were recorded and returns
// all events of that kind, failing the test after the hang guard.
func (r *eventRecorder) Wait(t testing.TB, kind string, n int) []lifecycleEvent {
	t.Helper()
	timer := time.NewTimer(hangGuard)
	defer timer.Stop()
	for {
		if got := r.Kind(kind); len(got) >= n {
			return got
		}
		select {
		case <-r.changed:
		case <-timer.C:
			t.Fatalf("no %d %q events within %v; events: %v", n, kind, hangGuard, r.Kinds())
		}
	}
}

// logDiscarded is the log message of a response to a forgotten request.
const logDiscarded = "discarding response to a forgotten request"

// logRecorder is a slog.Handler that records every message, at every
// level (see withLog).
type logRecorder struct {
	mu      sync.Mutex
	records []string
	changed chan struct{} // 1-buffered: a record was added
}

func newLogRecorder() *logRecorder { return &logRecorder{changed: make(chan struct{}, 1)} }

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.records = append(l.records, r.Message)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return nil
}

// count returns how many records contain substr.
func (l *logRecorder) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.records {
		if strings.Contains(m, substr) {
			n++
		}
	}
	return n
}

// waitFor waits until at least n records contain substr, failing the test
// after the hang guard.
func (l *logRecorder) waitFor(t testing.TB, substr string, n int) {
	t.Helper()
	timer := time.NewTimer(hangGuard)
	defer timer.Stop()
	for l.count(substr) < n {
		select {
		case <-l.changed:
		case <-timer.C:
			t.Fatalf("no %d log records %q within %v", n, substr, hangGuard)
		}
	}
}
