package client_test

// Helpers of the reconnection, lazy, pool and chaos tests. Their names
// start with "rc" so they cannot clash with the helpers of other test
// files of this package. Each of these tests starts a tarantool of its own
// (tarantooltest.Start), since it kills it.

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/tarantooltest"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/transport"
)

// rcFast is the reconnect policy of these tests: a short constant delay,
// so that a restarted server is found again quickly.
var rcFast = reconnect.Constant{Delay: 20 * time.Millisecond}

// rcStart starts a tarantool of the test's own, on TCP or a Unix socket.
func rcStart(t *testing.T, unix bool) *tarantooltest.Instance {
	t.Helper()
	return tarantooltest.Start(t, tarantooltest.Options{Unix: unix})
}

// rcRestart starts the killed instance again on the same address and data.
func rcRestart(t *testing.T, inst *tarantooltest.Instance) {
	t.Helper()
	require.NoError(t, inst.Restart(lcGuard(t)))
}

// rcNetwork names the transport of a subtest.
func rcNetwork(unix bool) string {
	if unix {
		return "unix"
	}
	return "tcp"
}

// rcEvent is one call of a Handlers function.
type rcEvent struct {
	Kind     string // connected, disconnected, reconnecting, reconnected, closed
	Client   *client.Client
	Attempt  int
	Delay    time.Duration
	Downtime time.Duration
	Cause    error
}

// rcRecorder records the lifecycle events of a client or pool.
type rcRecorder struct {
	mu      sync.Mutex
	events  []rcEvent
	changed chan struct{} // 1-buffered: an event was recorded
}

func newRcRecorder() *rcRecorder { return &rcRecorder{changed: make(chan struct{}, 1)} }

func (r *rcRecorder) add(e rcEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Handlers returns handlers that record every event.
func (r *rcRecorder) Handlers() client.Handlers {
	return client.Handlers{
		Connected: func(c *client.Client) { r.add(rcEvent{Kind: "connected", Client: c}) },
		Disconnected: func(c *client.Client, cause error) {
			r.add(rcEvent{Kind: "disconnected", Client: c, Cause: cause})
		},
		Reconnecting: func(c *client.Client, attempt int, delay time.Duration) {
			r.add(rcEvent{Kind: "reconnecting", Client: c, Attempt: attempt, Delay: delay})
		},
		Reconnected: func(c *client.Client, downtime time.Duration) {
			r.add(rcEvent{Kind: "reconnected", Client: c, Downtime: downtime})
		},
		Closed: func(c *client.Client, cause error) { r.add(rcEvent{Kind: "closed", Client: c, Cause: cause}) },
	}
}

// Events returns a copy of the events so far.
func (r *rcRecorder) Events() []rcEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]rcEvent(nil), r.events...)
}

// Kind returns the events of one kind so far.
func (r *rcRecorder) Kind(kind string) []rcEvent {
	var out []rcEvent
	for _, e := range r.Events() {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Wait waits until at least n events of kind were recorded and returns
// all events of that kind.
func (r *rcRecorder) Wait(t testing.TB, kind string, n int) []rcEvent {
	t.Helper()
	timer := time.NewTimer(lcHangGuard)
	defer timer.Stop()
	for {
		if got := r.Kind(kind); len(got) >= n {
			return got
		}
		select {
		case <-r.changed:
		case <-timer.C:
			t.Fatalf("no %d %q events within %v; events: %v", n, kind, lcHangGuard, r.Kinds())
		}
	}
}

// Kinds returns the kinds of the events so far, in order.
func (r *rcRecorder) Kinds() []string {
	var out []string
	for _, e := range r.Events() {
		out = append(out, e.Kind)
	}
	return out
}

// rcDialer wraps a transport.Dialer: it counts Dial calls, can refuse
// them, and keeps every connection it made, counting the bytes the client
// wrote to each.
type rcDialer struct {
	inner  transport.Dialer
	dials  atomic.Int64
	refuse atomic.Bool
	mu     sync.Mutex
	conns  []*rcConn
}

// rcNewDialer returns a wrapping dialer for addr.
func rcNewDialer(t testing.TB, addr string) *rcDialer {
	t.Helper()
	d, err := transport.NewDialer(addr)
	require.NoError(t, err)
	return &rcDialer{inner: d}
}

func (d *rcDialer) Address() string { return d.inner.Address() }

func (d *rcDialer) Dial(ctx context.Context) (net.Conn, error) {
	d.dials.Add(1)
	if d.refuse.Load() {
		return nil, &transport.DialError{Address: d.Address(), Err: errors.New("refused by the test")}
	}
	nc, err := d.inner.Dial(ctx)
	if err != nil {
		return nil, err
	}
	c := &rcConn{Conn: nc}
	d.mu.Lock()
	d.conns = append(d.conns, c)
	d.mu.Unlock()
	return c, nil
}

// Conns returns the connections made so far, in order.
func (d *rcDialer) Conns() []*rcConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*rcConn(nil), d.conns...)
}

// rcConn counts the bytes written to a connection.
type rcConn struct {
	net.Conn
	written atomic.Int64
}

func (c *rcConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// rcOptions returns the test user's options with the fast policy, the
// recorder's handlers (if any) and extra settings applied.
func rcOptions(rec *rcRecorder, opts ...func(*client.Options)) client.Options {
	o := client.Options{User: testUser, Password: testPassword, Reconnect: rcFast}
	if rec != nil {
		o.Handlers = rec.Handlers()
	}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// rcTarget is what a Client and a Pool both offer to these tests.
type rcTarget interface {
	client.Conn
	InFlight() int
}

// rcConnect dials a client, or a pool of size members, closed when the
// test ends. It returns the connection and its member clients (the client
// itself for a single client).
func rcConnect(t *testing.T, addr string, pool bool, size int, opts client.Options) (rcTarget, []*client.Client) {
	t.Helper()
	if !pool {
		c, err := client.Dial(lcGuard(t), addr, opts)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c, []*client.Client{c}
	}
	p, err := client.DialPool(lcGuard(t), addr, size, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	require.Len(t, p.Members(), size)
	return p, p.Members()
}

// rcUntil polls cond until it holds, failing the test after the hang guard.
func rcUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(lcHangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, lcHangGuard)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rcAllConnected reports whether every member is connected.
func rcAllConnected(members []*client.Client) bool {
	for _, m := range members {
		if !m.Connected() {
			return false
		}
	}
	return true
}

// rcNoneConnected reports whether no member is connected.
func rcNoneConnected(members []*client.Client) bool {
	for _, m := range members {
		if m.Connected() {
			return false
		}
	}
	return true
}

// rcHanded makes sure everything issued on the members so far was
// handed to the network.
func rcHanded(t *testing.T, members []*client.Client) {
	t.Helper()
	for _, m := range members {
		lcHanded(t, m)
	}
}

// rcRequireNotConnected checks the error of a request made while
// disconnected: a *ConnectionError, not sent, matching ErrNotConnected.
func rcRequireNotConnected(t testing.TB, r *client.Response, err error) {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent, "%v", err)
	require.ErrorIs(t, err, client.ErrNotConnected)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.NotErrorIs(t, err, client.ErrOutcomeUnknown)
	require.NotErrorIs(t, err, client.ErrClosed)
	require.NotErrorIs(t, err, client.ErrReconnectStopped)
}

// rcRequireLostInFlight checks the error of a request in flight when the
// server died: a *ConnectionError marked sent, outcome unknown.
func rcRequireLostInFlight(t testing.TB, addr string, r *client.Response, err error) {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.Sent, "%v", err)
	require.Equal(t, addr, ce.Addr)
	require.NotNil(t, ce.Err)
	require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	require.NotErrorIs(t, err, client.ErrNotSent)
	require.NotErrorIs(t, err, client.ErrClosed)
	require.NotErrorIs(t, err, client.ErrNotConnected)
}

// rcRequireClosedWaiting checks the error of a request that waited for a
// connection when the client was closed.
func rcRequireClosedWaiting(t testing.TB, r *client.Response, err error) {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, client.ErrClosed)
	require.ErrorIs(t, err, client.ErrNotSent)
}

// rcFakeServers is a pipe dialer (see lcPipeDialer) whose every
// connection gets a greeting at once; the test receives the server end of
// each on Servers. Use it with SkipSchema and no user.
type rcFakeServers struct {
	*lcPipeDialer
	Servers chan *lcFakeServer
}

func rcNewFakeServers(t *testing.T) *rcFakeServers {
	d := lcNewPipeDialer()
	f := &rcFakeServers{lcPipeDialer: d, Servers: make(chan *lcFakeServer, 16)}
	done := make(chan struct{})
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case nc := <-d.Conns:
				mu.Lock()
				conns = append(conns, nc)
				mu.Unlock()
				srv := &lcFakeServer{t: t, conn: nc, r: bufio.NewReader(nc)}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := nc.Write(lcGreeting()); err == nil {
						f.Servers <- srv
					}
				}()
			case <-done:
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(done)
		mu.Lock()
		for _, nc := range conns {
			_ = nc.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return f
}

// Next returns the server end of the next connection.
func (f *rcFakeServers) Next(t *testing.T) *lcFakeServer {
	t.Helper()
	select {
	case s := <-f.Servers:
		return s
	case <-time.After(lcHangGuard):
		t.Fatalf("no connection within %v", lcHangGuard)
		return nil
	}
}
