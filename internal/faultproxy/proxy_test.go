package faultproxy_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/internal/faultproxy"
)

// echoServer echoes every connection until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = io.Copy(c, c)
				_ = c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

func dial(t *testing.T, p *faultproxy.Proxy) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// roundTrip writes msg and reads it back within 5 s.
func roundTrip(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
	got := make([]byte, len(msg))
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	_ = c.SetReadDeadline(time.Time{})
	if string(got) != msg {
		t.Fatalf("echo: got %q, want %q", got, msg)
	}
}

// requireSilent checks that nothing arrives on c (and it is not closed)
// within d.
func requireSilent(t *testing.T, c net.Conn, d time.Duration) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	var b [1]byte
	n, err := c.Read(b[:])
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read on a black-holed connection: n=%d err=%v, want a timeout", n, err)
	}
}

// readEnd reads c until it ends and returns what it read and the error
// that ended it.
func readEnd(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var out []byte
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("connection still open after 5 s (read %q)", out)
			}
			return out, err
		}
	}
}

func waitConns(t *testing.T, p *faultproxy.Proxy, n int) []*faultproxy.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conns, err := p.WaitConns(ctx, n)
	if err != nil {
		t.Fatalf("WaitConns(%d): %v", n, err)
	}
	return conns
}

func TestPassThrough(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "hello")
	conns := waitConns(t, p, 1)
	if got := conns[0].Forwarded(faultproxy.ToServer); got != 5 {
		t.Errorf("Forwarded(ToServer) = %d, want 5", got)
	}
	if got := conns[0].Forwarded(faultproxy.Both); got != 10 {
		t.Errorf("Forwarded(Both) = %d, want 10", got)
	}
	if conns[0].ID() != 1 || p.Accepted() != 1 {
		t.Errorf("ID %d, Accepted %d; want 1, 1", conns[0].ID(), p.Accepted())
	}
}

// A black-holed connection stays open and silent, the client's writes are
// still accepted by the kernel, a new connection passes, and Heal delivers
// what was held.
func TestBlackHoleExistingNewPasses(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	old := dial(t, p)
	roundTrip(t, old, "before")
	waitConns(t, p, 1)[0].BlackHole(faultproxy.Both)

	if _, err := old.Write([]byte("held")); err != nil {
		t.Fatalf("write into the black hole: %v", err)
	}
	requireSilent(t, old, 300*time.Millisecond)

	fresh := dial(t, p)
	roundTrip(t, fresh, "new connection passes")
	requireSilent(t, old, 50*time.Millisecond)

	p.Conns()[0].Heal()
	got := make([]byte, 4)
	_ = old.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(old, got); err != nil || string(got) != "held" {
		t.Fatalf("after Heal: %q, %v; want the held bytes", got, err)
	}
}

// The proxy stops reading a black-holed direction: the sender's socket
// does not drain, so its writes block once the kernel buffers are full.
func TestBlackHoleSocketDoesNotDrain(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "x")
	p.BlackHole(faultproxy.ToServer)
	conn := p.Conns()[0]
	before := conn.Forwarded(faultproxy.ToServer)

	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	chunk := make([]byte, 1<<20)
	var written int
	var err error
	for written < 256<<20 && err == nil {
		var n int
		n, err = c.Write(chunk)
		written += n
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("wrote %d bytes into a black hole, err %v: want the write to block", written, err)
	}
	if got := conn.Forwarded(faultproxy.ToServer); got != before {
		t.Fatalf("forwarded %d bytes through a black hole", got-before)
	}
	t.Logf("the socket took %d KiB before blocking", written>>10)

	// A new connection is black-holed too (Proxy.BlackHole covers new
	// ones) until Heal.
	fresh := dial(t, p)
	if _, err := fresh.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	requireSilent(t, fresh, 200*time.Millisecond)
	p.Heal()
	got := make([]byte, 1)
	_ = fresh.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(fresh, got); err != nil || got[0] != 'y' {
		t.Fatalf("after Heal: %q, %v", got, err)
	}
}

// Drop discards: writes never block and nothing arrives, also after Heal.
func TestDrop(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "x")
	p.Drop(faultproxy.ToServer)
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	chunk := make([]byte, 1<<20)
	for i := 0; i < 32; i++ {
		if _, err := c.Write(chunk); err != nil {
			t.Fatalf("write %d MiB into a drop: %v", i, err)
		}
	}
	requireSilent(t, c, 200*time.Millisecond)
	p.Heal()
	roundTrip(t, c, "after heal")
}

func TestResetAll(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "x")
	if n := p.ResetAll(); n != 1 {
		t.Fatalf("ResetAll = %d, want 1", n)
	}
	if _, err := readEnd(t, c); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read after ResetAll: %v, want ECONNRESET", err)
	}
	roundTrip(t, dial(t, p), "new connection passes")
}

func TestKillAll(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	a, b := dial(t, p), dial(t, p)
	roundTrip(t, a, "a")
	roundTrip(t, b, "b")
	if n := p.KillAll(); n != 2 {
		t.Fatalf("KillAll = %d, want 2", n)
	}
	for _, c := range []net.Conn{a, b} {
		if _, err := readEnd(t, c); !errors.Is(err, io.EOF) {
			t.Fatalf("read after KillAll: %v, want EOF", err)
		}
	}
	roundTrip(t, dial(t, p), "new connection passes")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for len(p.Conns()) != 1 {
		if ctx.Err() != nil {
			t.Fatalf("%d open connections, want 1", len(p.Conns()))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRefuseNew(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	old := dial(t, p)
	roundTrip(t, old, "x")
	p.RefuseNew(true)
	// The reset can come before the dial returns or on the first read.
	refused, err := net.DialTimeout("tcp", p.Addr(), 5*time.Second)
	if err == nil {
		_, err = readEnd(t, refused)
		_ = refused.Close()
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("a refused connection: %v, want ECONNRESET", err)
	}
	roundTrip(t, old, "old connection passes")
	p.Heal()
	roundTrip(t, dial(t, p), "accepted again")
	if got := p.Accepted(); got != 3 {
		t.Errorf("Accepted = %d, want 3", got)
	}
}

func TestLatency(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "x")
	const d = 100 * time.Millisecond
	p.Latency(d)
	start := time.Now()
	roundTrip(t, c, "slow")
	if el := time.Since(start); el < 2*d {
		t.Fatalf("round trip with %v latency each way took %v", d, el)
	}
	p.Heal()
	start = time.Now()
	roundTrip(t, c, "fast")
	if el := time.Since(start); el >= d {
		t.Fatalf("round trip after Heal took %v", el)
	}
}

func TestTrickle(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "x")
	p.Trickle(10, 20*time.Millisecond)
	msg := strings.Repeat("0123456789", 10)
	start := time.Now()
	roundTrip(t, c, msg)
	// 10 pieces to the server, 20 ms apart (the echo comes back as
	// pieces arrive): at least 9 sleeps before the last byte.
	if el := time.Since(start); el < 9*20*time.Millisecond {
		t.Fatalf("100 bytes at 10 bytes per 20 ms each way took %v", el)
	}
}

// CutAfter closes the connection in the middle of what the server sends:
// the client gets exactly n bytes and then EOF.
func TestCutAfter(t *testing.T) {
	p := faultproxy.New(t, echoServer(t))
	c := dial(t, p)
	roundTrip(t, c, "x")
	p.Conns()[0].CutAfter(faultproxy.ToClient, 5)
	if _, err := c.Write([]byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	got, err := readEnd(t, c)
	if string(got) != "01234" || !errors.Is(err, io.EOF) {
		t.Fatalf("got %q, %v; want \"01234\", EOF", got, err)
	}
	// The proxy-wide cut counts from a new connection's first byte.
	p.CutAfter(faultproxy.ToServer, 3)
	c2 := dial(t, p)
	var second *faultproxy.Conn
	for second == nil {
		for _, pc := range waitConns(t, p, 1) {
			if pc.ID() == 2 {
				second = pc
			}
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := c2.Write([]byte("abcdef")); err != nil {
		t.Fatal(err)
	}
	if _, err := readEnd(t, c2); err == nil {
		t.Fatal("connection not closed by the cut")
	}
	if got := second.Forwarded(faultproxy.ToServer); got != 3 {
		t.Fatalf("forwarded %d bytes to the server, want 3", got)
	}
}

// Close ends every goroutine, also with connections blocked in a black
// hole, in a latency sleep and in a trickle.
func TestCloseNoGoroutineLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	upstream := echoServer(t)
	withServer := runtime.NumGoroutine()
	p, err := faultproxy.Start(upstream)
	if err != nil {
		t.Fatal(err)
	}
	var clients []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	conns := waitConns(t, p, 3)
	conns[0].BlackHole(faultproxy.Both)
	conns[1].Latency(time.Hour)
	conns[2].Trickle(1, time.Hour)
	for _, c := range clients {
		_, _ = c.Write(bytes.Repeat([]byte("z"), 100))
	}
	time.Sleep(50 * time.Millisecond)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	_ = p.Close() // idempotent
	for _, c := range clients {
		if _, err := readEnd(t, c); err == nil {
			t.Fatal("client connection open after Close")
		}
		_ = c.Close()
	}
	if _, err := p.WaitConns(context.Background(), 1); !errors.Is(err, faultproxy.ErrClosed) {
		t.Fatalf("WaitConns after Close: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > withServer && time.Now().Before(deadline) {
		// the echo server's own per-connection goroutines end as the
		// proxy's upstream sockets close
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > withServer {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Close, %d before Start (%d before the echo server):\n%s",
			n, withServer, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestDirString(t *testing.T) {
	for d, want := range map[faultproxy.Dir]string{
		faultproxy.ToServer: "to-server", faultproxy.ToClient: "to-client",
		faultproxy.Both: "both", 0: "none",
	} {
		if got := d.String(); got != want {
			t.Errorf("%d: %q, want %q", int(d), got, want)
		}
	}
}
