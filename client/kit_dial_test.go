package client_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/transport"
)

// clientOption changes the options a test client is dialed with. Every
// dial helper (dial, dialShared, dialFake, dialPipe, dialClientOrPool)
// starts from its own base options and applies its clientOptions in
// order.
type clientOption = func(*client.Options)

// quickReconnect is the reconnect policy of the tests that break
// connections: a short constant delay, so that a restarted or healthy
// server is found again quickly.
var quickReconnect = reconnect.Constant{Delay: 20 * time.Millisecond}

// fastReconnect sets quickReconnect as the reconnect policy.
func fastReconnect(o *client.Options) { o.Reconnect = quickReconnect }

// withEvents records the client's lifecycle events in rec.
func withEvents(rec *eventRecorder) clientOption {
	return func(o *client.Options) { o.Handlers = rec.Handlers() }
}

// withLog records the client's log in l.
func withLog(l *logRecorder) clientOption {
	return func(o *client.Options) { o.Logger = slog.New(l) }
}

// withDialer makes the client connect through d.
func withDialer(d transport.Dialer) clientOption {
	return func(o *client.Options) { o.Dialer = d }
}

// withOptions replaces every option set so far by opts.
func withOptions(opts client.Options) clientOption {
	return func(o *client.Options) { *o = opts }
}

// testOptions returns the options of a client of a real server, logged
// in as the test user, with opts applied.
func testOptions(opts ...clientOption) client.Options {
	return applyOptions(client.Options{User: testUser, Password: testPassword}, opts)
}

// fakeOptions returns the options of a client of a fake server
// (kit_fake_test.go) with opts applied: guest, no schema (unless a test
// turns it on), a quick reconnect, and one request allowed to wait for
// the next connection, so that a test can issue a request right after a
// break and see it served by the next connection.
func fakeOptions(opts ...clientOption) client.Options {
	return applyOptions(client.Options{SkipSchema: true, Reconnect: quickReconnect, WaitForReconnect: 1}, opts)
}

// applyOptions applies opts to base.
func applyOptions(base client.Options, opts []clientOption) client.Options {
	for _, f := range opts {
		f(&base)
	}
	return base
}

// dial connects to addr with testOptions(opts...) and closes the client
// when the test ends.
func dial(t testing.TB, addr string, opts ...clientOption) *client.Client {
	t.Helper()
	return dialWith(t, addr, testOptions(opts...))
}

// dialShared connects to the shared server (skipping without one) with
// testOptions(opts...).
func dialShared(t testing.TB, opts ...clientOption) *client.Client {
	t.Helper()
	return dial(t, requireServer(t).Addr(), opts...)
}

// dialFake connects to a fake server with fakeOptions(opts...).
func dialFake(t testing.TB, srv *fakeiproto.Server, opts ...clientOption) *client.Client {
	t.Helper()
	return dialWith(t, srv.Addr(), fakeOptions(opts...))
}

// dialFails dials srv once with fakeOptions(opts...) and returns the
// error, which must come without a client.
func dialFails(t testing.TB, srv *fakeiproto.Server, opts ...clientOption) error {
	t.Helper()
	c, err := client.Dial(testContext(t), srv.Addr(), fakeOptions(opts...))
	require.Error(t, err)
	require.Nil(t, c)
	return err
}

// dialPipe connects a client (guest, no schema, no reconnection, opts
// applied) to a fake server through an in-memory pipe, and returns it with
// the server end of its connection, which the test drives (see
// fakeiproto.Pipes).
func dialPipe(t testing.TB, opts ...clientOption) (*client.Client, *fakeiproto.Conn) {
	t.Helper()
	pipes := newPipes(t)
	c := dialWith(t, pipes.Address(), applyOptions(client.Options{SkipSchema: true, Dialer: pipes}, opts))
	return c, nextPipe(t, pipes)
}

// dialWith connects to addr with opts under the hang guard and closes the
// client when the test ends.
func dialWith(t testing.TB, addr string, opts client.Options) *client.Client {
	t.Helper()
	c, err := client.Dial(testContext(t), addr, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// clientOrPool is what a Client and a Pool both offer to the tests run on
// either.
type clientOrPool interface {
	client.Conn
	InFlight() int
}

// dialClientOrPool dials a client, or a pool of size members, with
// testOptions(opts...), closed when the test ends. It returns the
// connection and its member clients (the client itself for a single
// client).
func dialClientOrPool(t *testing.T, addr string, pool bool, size int, opts ...clientOption) (clientOrPool, []*client.Client) {
	t.Helper()
	if !pool {
		c := dial(t, addr, opts...)
		return c, []*client.Client{c}
	}
	p, err := client.DialPool(testContext(t), addr, size, testOptions(opts...))
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	require.Len(t, p.Members(), size)
	return p, p.Members()
}

// countingDialer wraps a transport.Dialer: it counts Dial calls, can
// refuse them, and keeps every connection it made, counting the bytes the
// client wrote to each.
type countingDialer struct {
	inner  transport.Dialer
	dials  atomic.Int64
	refuse atomic.Bool
	mu     sync.Mutex
	conns  []*countingConn
}

// newCountingDialer returns a counting dialer for addr.
func newCountingDialer(t testing.TB, addr string) *countingDialer {
	t.Helper()
	d, err := transport.NewDialer(addr)
	require.NoError(t, err)
	return &countingDialer{inner: d}
}

func (d *countingDialer) Address() string { return d.inner.Address() }

func (d *countingDialer) Dial(ctx context.Context) (net.Conn, error) {
	d.dials.Add(1)
	if d.refuse.Load() {
		return nil, &transport.DialError{Address: d.Address(), Err: errors.New("refused by the test")}
	}
	nc, err := d.inner.Dial(ctx)
	if err != nil {
		return nil, err
	}
	c := &countingConn{Conn: nc}
	d.mu.Lock()
	d.conns = append(d.conns, c)
	d.mu.Unlock()
	return c, nil
}

// Conns returns the connections made so far, in order.
func (d *countingDialer) Conns() []*countingConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*countingConn(nil), d.conns...)
}

// countingConn counts the bytes written to a connection.
type countingConn struct {
	net.Conn
	written atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// readersDialer wraps a transport.Dialer and records the goroutines that
// read from its connections (the handshake's caller and the client's
// network reader).
type readersDialer struct {
	transport.Dialer
	mu      sync.Mutex
	readers map[uint64]bool
}

func (d *readersDialer) Dial(ctx context.Context) (net.Conn, error) {
	nc, err := d.Dialer.Dial(ctx)
	if err != nil {
		return nil, err
	}
	return &readersConn{Conn: nc, d: d}, nil
}

// isReader reports whether goroutine id ever read from a connection.
func (d *readersDialer) isReader(id uint64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.readers[id]
}

type readersConn struct {
	net.Conn
	d *readersDialer
}

func (c *readersConn) Read(p []byte) (int, error) {
	id := goroutineID()
	c.d.mu.Lock()
	if c.d.readers == nil {
		c.d.readers = map[uint64]bool{}
	}
	c.d.readers[id] = true
	c.d.mu.Unlock()
	return c.Conn.Read(p)
}
