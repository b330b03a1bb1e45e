package faultproxy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/faultproxy"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

func dialClient(t *testing.T, addr string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, addr, client.Options{SkipSchema: true})
	if err != nil {
		t.Fatalf("Dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func ping(c *client.Client, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, err := c.Ping(ctx).Await(ctx)
	return err
}

// Through a real Tarantool: a ping on a black-holed connection gets no
// answer, while a new connection through
// the same proxy is served; after Heal the old connection answers again.
func TestTarantoolBlackHole(t *testing.T) {
	srv := tarantooltest.Start(t, tarantooltest.Options{})
	p := faultproxy.New(t, srv.Addr())
	old := dialClient(t, p.Addr())
	if err := ping(old, 5*time.Second); err != nil {
		t.Fatalf("ping through the proxy: %v", err)
	}
	waitConns(t, p, 1)[0].BlackHole(faultproxy.Both)

	if err := ping(old, 300*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ping through a black hole: %v, want its deadline", err)
	}
	fresh := dialClient(t, p.Addr())
	if err := ping(fresh, 5*time.Second); err != nil {
		t.Fatalf("ping on a new connection: %v", err)
	}
	p.Heal()
	if err := ping(old, 5*time.Second); err != nil {
		t.Fatalf("ping after Heal: %v", err)
	}
}

// Through a real Tarantool: a cut in the middle of a response frame and a
// reset each break the client's connection with a *ConnectionError.
func TestTarantoolCutAndReset(t *testing.T) {
	srv := tarantooltest.Start(t, tarantooltest.Options{})
	p := faultproxy.New(t, srv.Addr())

	c := dialClient(t, p.Addr())
	if err := ping(c, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	waitConns(t, p, 1)[0].CutAfter(faultproxy.ToClient, 3) // inside the response's 5-byte length prefix
	var ce *client.ConnectionError
	if err := ping(c, 5*time.Second); !errors.As(err, &ce) || !ce.Sent {
		t.Fatalf("ping cut mid-frame: %v, want a *ConnectionError{Sent: true}", err)
	}

	c2 := dialClient(t, p.Addr())
	if err := ping(c2, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	p.RefuseNew(true) // so that the client cannot reconnect unseen
	if n := p.ResetAll(); n < 1 {
		t.Fatalf("ResetAll = %d, want at least c2's connection", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for c2.Connected() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c2.Connected() {
		t.Fatal("client still connected after a reset")
	}
}
