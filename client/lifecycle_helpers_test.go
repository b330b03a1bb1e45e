package client_test

// Helpers of the connection lifecycle and concurrency tests. Their names
// start with "lc" so they cannot clash with the helpers of other test files
// of this package.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// lcHangGuard bounds every wait of these tests. It only turns a hang into
// a failure; no test asserts anything about speed.
const lcHangGuard = 20 * time.Second

// lcGuard returns a context that ends after lcHangGuard or with the test.
func lcGuard(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), lcHangGuard)
	t.Cleanup(cancel)
	return ctx
}

// lcAwait awaits f under the hang guard and fails the test if the guard,
// not f, ended the wait.
func lcAwait[T any](t testing.TB, f *future.Future[T]) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lcHangGuard)
	defer cancel()
	select {
	case <-f.Done():
	case <-ctx.Done():
		t.Fatalf("future did not settle within %v", lcHangGuard)
	}
	v, err, settled := f.Peek()
	require.True(t, settled)
	return v, err
}

// lcValues decodes a response's data into generic values.
func lcValues(t testing.TB, r *client.Response) []any {
	t.Helper()
	require.NotNil(t, r)
	v, err := r.Values()
	require.NoError(t, err)
	return v
}

// lcGoroutineID returns the id of the calling goroutine, parsed from the
// first line of its stack ("goroutine 42 [running]:"). Tests only.
func lcGoroutineID() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	line := strings.TrimPrefix(string(buf[:n]), "goroutine ")
	id, err := strconv.ParseUint(line[:strings.IndexByte(line, ' ')], 10, 64)
	if err != nil {
		panic(err)
	}
	return id
}

// lcAllStacks returns the stacks of every goroutine.
func lcAllStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// lcWaitGoroutines waits (up to a few seconds: goroutines need a moment to
// be scheduled and exit) until at most max goroutines are left, and fails
// with every goroutine's stack otherwise.
func lcWaitGoroutines(t testing.TB, max int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > max {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left, want at most %d; stacks:\n%s", runtime.NumGoroutine(), max, lcAllStacks())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lcSettleGoroutines waits until the goroutine count has stopped moving
// for a little while (timers and cleanups of earlier tests finishing) and
// returns it, for use as a baseline.
func lcSettleGoroutines() int {
	n := runtime.NumGoroutine()
	for i := 0; i < 50; i++ {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}

// lcPipeDialer is a transport.Dialer whose connections are in-memory pipes
// (net.Pipe) to a fake server driven by the test: Dial hands the server's
// end to the test over Conns. net.Pipe is synchronous, so the test decides
// exactly when the client's writes complete.
type lcPipeDialer struct {
	Conns chan net.Conn
}

func lcNewPipeDialer() *lcPipeDialer { return &lcPipeDialer{Conns: make(chan net.Conn, 4)} }

// Dial implements transport.Dialer.
func (d *lcPipeDialer) Dial(ctx context.Context) (net.Conn, error) {
	clientEnd, serverEnd := net.Pipe()
	select {
	case d.Conns <- serverEnd:
		return clientEnd, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Address implements transport.Dialer.
func (d *lcPipeDialer) Address() string { return "pipe" }

// lcGreeting is a Tarantool 2.6 greeting with a fixed salt.
func lcGreeting() []byte {
	line1 := "Tarantool 2.6.0 (Binary) 5ba6e3c9-2f0e-4b53-8d7b-7c0a8a5a2c1f"
	line2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	g := make([]byte, 0, protocol.GreetingSize)
	g = append(g, line1...)
	g = append(g, bytes.Repeat([]byte{' '}, 63-len(line1))...)
	g = append(g, '\n')
	g = append(g, line2...)
	g = append(g, bytes.Repeat([]byte{' '}, 63-len(line2))...)
	g = append(g, '\n')
	return g
}

// lcFakeServer is the server end of one pipe connection.
type lcFakeServer struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

// lcDialFake dials a client (guest, no schema) through a pipe and returns
// it with the fake server that sent it the greeting.
func lcDialFake(t testing.TB, opts client.Options) (*client.Client, *lcFakeServer) {
	t.Helper()
	d := lcNewPipeDialer()
	opts.Dialer = d
	opts.SkipSchema = true
	opts.User, opts.Password = "", ""
	srvCh := make(chan *lcFakeServer, 1)
	go func() {
		nc := <-d.Conns
		_, _ = nc.Write(lcGreeting())
		srvCh <- &lcFakeServer{t: t, conn: nc, r: bufio.NewReader(nc)}
	}()
	c, err := client.Dial(lcGuard(t), "pipe", opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	srv := <-srvCh
	t.Cleanup(func() { _ = srv.conn.Close() })
	return c, srv
}

// readCall reads one request frame, which must be a CALL, and returns its
// sync and arguments.
func (s *lcFakeServer) readCall() (uint64, []any) {
	s.t.Helper()
	var length, prefix int
	for need := 1; ; need++ {
		head, err := s.r.Peek(need)
		require.NoError(s.t, err)
		length, prefix, err = protocol.DecodeFrameLength(head, 0)
		if err == nil {
			break
		}
		require.ErrorIs(s.t, err, protocol.ErrShortBuffer)
	}
	_, err := s.r.Discard(prefix)
	require.NoError(s.t, err)
	frame := make([]byte, length)
	_, err = io.ReadFull(s.r, frame)
	require.NoError(s.t, err)
	h, body, err := protocol.DecodeResponseHeader(frame)
	require.NoError(s.t, err)
	require.Equal(s.t, uint32(iproto.IPROTO_CALL), h.Code, "request type")
	v, _, err := protocol.DecodeValue(body)
	require.NoError(s.t, err)
	m, ok := v.(map[any]any)
	require.True(s.t, ok, "CALL body is %T", v)
	args, ok := m[int64(iproto.IPROTO_TUPLE)].([]any)
	require.True(s.t, ok, "CALL body %v has no argument array", m)
	return h.Sync, args
}

// reply answers sync with an OK response whose data is [value].
func (s *lcFakeServer) reply(sync uint64, value uint64) error {
	var body []byte
	body = protocol.AppendMapHeader(body, 2)
	body = protocol.AppendUint(body, 0x00) // IPROTO_REQUEST_TYPE
	body = protocol.AppendUint(body, 0)    // IPROTO_OK
	body = protocol.AppendUint(body, 0x01) // IPROTO_SYNC
	body = protocol.AppendUint(body, sync)
	body = protocol.AppendMapHeader(body, 1)
	body = protocol.AppendUint(body, 0x30) // IPROTO_DATA
	body = protocol.AppendArrayHeader(body, 1)
	body = protocol.AppendUint(body, value)
	frame := append([]byte{0xce, 0, 0, 0, 0}, body...)
	n := len(body)
	frame[1], frame[2], frame[3], frame[4] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	_, err := s.conn.Write(frame)
	return err
}

// holdWriter reads exactly one byte of the client's next write and
// returns. net.Pipe completes a Write only when all its bytes are read, so
// from then on the client's writer goroutine is stuck inside that Write
// with the batch it took, and every later request stays queued in the
// client, not yet handed to the network.
func (s *lcFakeServer) holdWriter() {
	s.t.Helper()
	var b [1]byte
	_, err := io.ReadFull(s.conn, b[:])
	require.NoError(s.t, err)
	s.r = bufio.NewReader(io.MultiReader(bytes.NewReader(b[:]), s.conn))
}

// lcLog is a slog.Handler that records every message, at every level.
type lcLog struct {
	mu      sync.Mutex
	records []string
	changed chan struct{}
}

func newLcLog() *lcLog { return &lcLog{changed: make(chan struct{}, 1)} }

func (l *lcLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *lcLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *lcLog) WithGroup(string) slog.Handler            { return l }

func (l *lcLog) Handle(_ context.Context, r slog.Record) error {
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
func (l *lcLog) count(substr string) int {
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

// waitFor waits until at least n records contain substr.
func (l *lcLog) waitFor(t testing.TB, substr string, n int) {
	t.Helper()
	timer := time.NewTimer(lcHangGuard)
	defer timer.Stop()
	for l.count(substr) < n {
		select {
		case <-l.changed:
		case <-timer.C:
			t.Fatalf("no %d log records %q within %v", n, substr, lcHangGuard)
		}
	}
}

// lcDiscarded is the log message of a response to a forgotten request.
const lcDiscarded = "discarding response to a forgotten request"

// lcReadersDialer wraps a transport.Dialer and records the goroutines
// that read from its connections (the handshake's caller and the client's
// network reader).
type lcReadersDialer struct {
	transport.Dialer
	mu      sync.Mutex
	readers map[uint64]bool
}

func (d *lcReadersDialer) Dial(ctx context.Context) (net.Conn, error) {
	nc, err := d.Dialer.Dial(ctx)
	if err != nil {
		return nil, err
	}
	return &lcReadersConn{Conn: nc, d: d}, nil
}

// isReader reports whether goroutine id ever read from a connection.
func (d *lcReadersDialer) isReader(id uint64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.readers[id]
}

type lcReadersConn struct {
	net.Conn
	d *lcReadersDialer
}

func (c *lcReadersConn) Read(p []byte) (int, error) {
	id := lcGoroutineID()
	c.d.mu.Lock()
	if c.d.readers == nil {
		c.d.readers = map[uint64]bool{}
	}
	c.d.readers[id] = true
	c.d.mu.Unlock()
	return c.Conn.Read(p)
}

// lcRequireUnsent checks that a request failed, without a response, with a
// *client.ConnectionError saying it was never sent, and returns the error.
func lcRequireUnsent(t testing.TB, r *client.Response, err error) *client.ConnectionError {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.False(t, ce.Sent)
	require.ErrorIs(t, err, client.ErrNotSent)
	return ce
}
