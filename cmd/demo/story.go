package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// demoConfig is the command line of the default subcommand.
type demoConfig struct {
	serverFlags
	// interval is the pause between two requests of the loop.
	interval time.Duration
	// timeout is the client's RequestTimeout.
	timeout time.Duration
	// duration bounds the loop without --chaos; 0 runs until interrupted.
	duration time.Duration
	// connectTimeout bounds the wait for the first connection.
	connectTimeout time.Duration
	// pipeline is the number of calls of the pipelining step; 0 skips the
	// whole tour.
	pipeline int
	// wait is Options.WaitForReconnect: 0 fails requests at once while
	// disconnected.
	wait int
	// chaos kills and restarts the local server per plan.
	chaos bool
	plan  chaosPlan
}

// defaultDemoConfig is the default subcommand's configuration before flags.
func defaultDemoConfig() demoConfig {
	return demoConfig{
		serverFlags:    defaultServerFlags(),
		interval:       250 * time.Millisecond,
		timeout:        time.Second,
		connectTimeout: 10 * time.Second,
		pipeline:       10000,
		plan:           defaultChaos(),
	}
}

// runDemo is the default subcommand: a lazy client, a short tour, then
// requests a few times per second with one line per event, optionally
// while --chaos kills and restarts the server, and a summary.
func runDemo(ctx context.Context, cfg demoConfig, p *printer) error {
	if cfg.chaos && cfg.addr != "" {
		return errors.New("--chaos kills the server the demo starts itself: omit -addr")
	}
	if cfg.interval <= 0 {
		return errors.New("-interval must be positive")
	}
	addr, srv, err := localOrGiven(ctx, cfg.addr, p)
	if err != nil {
		return err
	}
	if srv != nil {
		defer srv.stop(p)
	}

	st := newStats()
	connected := make(chan struct{})
	closed := make(chan struct{})
	var closeOnce sync.Once
	lazyAt := time.Now()
	opts := client.Options{
		User:             cfg.user,
		Password:         cfg.password,
		Reconnect:        cfg.policy(),
		WaitForReconnect: cfg.wait,
		RequestTimeout:   cfg.timeout,
		// The handlers run on the client's executor, one at a time, in
		// order with the request callbacks below.
		Handlers: client.Handlers{
			Connected: func(c *client.Client) {
				p.event("connected", "Tarantool %s, %d spaces visible, %v after Lazy returned",
					c.Greeting().Version, c.Schema().Spaces(), short(time.Since(lazyAt)))
				close(connected)
			},
			Disconnected: func(_ *client.Client, cause error) {
				st.disconnected()
				p.event("disconnected", "%v", cause)
			},
			Reconnecting: func(_ *client.Client, attempt int, delay time.Duration, cause error) {
				st.attempt()
				p.event("reconnect", "attempt %d in %v, after: %v", attempt, delay.Round(time.Millisecond), cause)
			},
			Reconnected: func(_ *client.Client, downtime time.Duration) {
				st.reconnected(downtime)
				p.event("reconnected", "after %v down", short(downtime))
			},
			Closed: func(_ *client.Client, cause error) {
				if cause != nil {
					p.event("closed", "%v", cause)
				} else {
					p.event("closed", "client closed")
				}
				closeOnce.Do(func() { close(closed) })
			},
		},
	}
	c, err := client.Lazy(addr, opts)
	if err != nil {
		return err
	}
	wait := "off: requests fail at once while disconnected"
	if cfg.wait > 0 {
		wait = fmt.Sprintf("%d: requests wait up to %v for the next connection", cfg.wait, cfg.timeout)
	}
	p.event("client", "client.Lazy(%q) returned at once, connecting as %q in the background", c.Addr(), cfg.user)
	p.event("client", "reconnect backoff %v doubling to %v, equal jitter; WaitForReconnect %s", cfg.reconnectMin, cfg.reconnectMax, wait)
	defer func() {
		_ = c.Close()
		// Close does not wait for the callbacks it queued: wait for the
		// Closed handler, the last of them, then count.
		select {
		case <-closed:
		case <-time.After(2 * time.Second):
		}
		st.print(p)
	}()

	select {
	case <-connected:
	case <-ctx.Done():
		return nil
	case <-time.After(cfg.connectTimeout):
		return fmt.Errorf("no connection to %s within %v (see the attempts above)", addr, cfg.connectTimeout)
	}
	if cfg.pipeline > 0 {
		if err := tour(ctx, c, cfg.pipeline, p); err != nil {
			return fmt.Errorf("tour: %w", err)
		}
	}
	return requestLoop(ctx, c, cfg, srv, st, p)
}

// requestLoop replaces kv["tick"] every cfg.interval and prints each
// outcome from its callback, until ctx ends, cfg.duration elapses, or the
// chaos plan is over (plus its tail). It returns a failed restart's error.
func requestLoop(ctx context.Context, c *client.Client, cfg demoConfig, srv *localServer, st *stats, p *printer) error {
	var end <-chan time.Time
	var chaosDone chan error
	switch {
	case cfg.chaos:
		chaosCtx, cancel := context.WithCancel(ctx)
		chaosDone = make(chan error, 1)
		go func() { chaosDone <- runChaos(chaosCtx, srv, cfg.plan, p) }()
		defer func() {
			cancel()
			if chaosDone != nil {
				<-chaosDone
			}
		}()
		p.event("loop", "replace kv[\"tick\"] every %v; chaos: %v", cfg.interval, cfg.plan)
	case cfg.duration > 0:
		end = time.After(cfg.duration)
		p.event("loop", "replace kv[\"tick\"] every %v for %v", cfg.interval, cfg.duration)
	default:
		p.event("loop", "replace kv[\"tick\"] every %v until Ctrl-C", cfg.interval)
	}

	var pending sync.WaitGroup
	defer pending.Wait()
	tick := time.NewTicker(cfg.interval)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-end:
			return nil
		case err := <-chaosDone:
			chaosDone = nil
			if err != nil {
				return err
			}
			end = time.After(cfg.plan.tail)
			continue
		case <-tick.C:
		}
		n++
		id, start := n, time.Now()
		pending.Add(1)
		c.Replace(ctx, "kv", []any{"tick", id}).Finally(func(r *client.Response, err error) (*client.Response, error) {
			defer pending.Done()
			if err != nil {
				kind := errorKind(err)
				st.failed(kind)
				p.event("request", "#%d failed: %s%s", id, kind, detail(err))
				return r, nil // handled here
			}
			st.succeeded()
			p.event("request", "#%d ok in %v", id, short(time.Since(start)))
			return r, nil
		})
	}
}

// detail returns what to add to a failure's kind: the server's message, or
// the cause of a connection failure (nothing for "not connected", whose
// cause the "disconnected" line gave).
func detail(err error) string {
	var server *client.ServerError
	var conn *client.ConnectionError
	switch {
	case errors.As(err, &server):
		return ": " + server.Message
	case errors.Is(err, client.ErrNotConnected):
		return ""
	case errors.As(err, &conn):
		return " (" + conn.Err.Error() + ")"
	case errors.Is(err, client.ErrNotSent), errors.Is(err, client.ErrOutcomeUnknown):
		return ""
	default:
		return ": " + err.Error()
	}
}

// stats counts what the demo saw, for the summary.
type stats struct {
	mu          sync.Mutex
	ok          int
	failures    map[string]int
	disconnects int
	attempts    int
	downtimes   []time.Duration
}

func newStats() *stats { return &stats{failures: map[string]int{}} }

func (s *stats) succeeded() { s.mu.Lock(); s.ok++; s.mu.Unlock() }

func (s *stats) failed(kind string) { s.mu.Lock(); s.failures[kind]++; s.mu.Unlock() }

func (s *stats) disconnected() { s.mu.Lock(); s.disconnects++; s.mu.Unlock() }

func (s *stats) attempt() { s.mu.Lock(); s.attempts++; s.mu.Unlock() }

func (s *stats) reconnected(downtime time.Duration) {
	s.mu.Lock()
	s.downtimes = append(s.downtimes, downtime)
	s.mu.Unlock()
}

// print writes the summary: requests by outcome, then the connection's
// story.
func (s *stats) print(p *printer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	failed := 0
	var kinds []string
	for _, kind := range slices.Sorted(maps.Keys(s.failures)) {
		failed += s.failures[kind]
		kinds = append(kinds, fmt.Sprintf("%d %s", s.failures[kind], kind))
	}
	line := fmt.Sprintf("%s: %d ok, %d failed", plural(s.ok+failed, "request"), s.ok, failed)
	if failed > 0 {
		// Kinds may hold commas ("sent, outcome unknown"): separate
		// them with semicolons.
		line += " (" + strings.Join(kinds, "; ") + ")"
	}
	p.event("summary", "%s", line)
	downs := make([]string, len(s.downtimes))
	for i, d := range s.downtimes {
		downs[i] = short(d).String()
	}
	line = fmt.Sprintf("%s, %s, %s", plural(s.disconnects, "disconnect"), plural(s.attempts, "reconnect attempt"), plural(len(s.downtimes), "reconnect"))
	if len(downs) > 0 {
		line += " (down " + strings.Join(downs, ", ") + ")"
	}
	p.event("summary", "%s", line)
}

// plural returns "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
