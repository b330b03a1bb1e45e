package client_test

// Liveness through the fault-injecting proxy (internal/faultproxy) in
// front of the real server: a connection black-holed for good (the peer's
// kernel still takes bytes, nothing comes back) is detected and replaced
// while new connections pass; the write queue of a stuck connection does
// not grow with requests already failed; a request too large for a frame
// does not hold up the others. Times are logged, not asserted: the
// outcomes are.

import (
	"context"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/faultproxy"
	"github.com/txtarantool/txtarantool/reconnect"
)

// TestBlackHoleDetectedAndReplaced: the client's connection is
// black-holed in both directions for good while new connections pass; a
// request in flight fails with the dead-peer cause (sent), and the client
// serves again through a new connection.
func TestBlackHoleDetectedAndReplaced(t *testing.T) {
	proxy := faultproxy.New(t, requireServer(t).Addr())
	rec := newEventRecorder()
	const timeout = time.Second
	c := dial(t, proxy.Addr(), withDeadPeerTimeout(timeout), withEvents(rec),
		func(o *client.Options) { o.Reconnect = reconnect.Constant{Delay: 100 * time.Millisecond} })
	ctx := testContext(t)
	requireEchoes(t, c, "before")

	conns := proxy.Conns()
	require.Len(t, conns, 1)
	holed := time.Now()
	conns[0].BlackHole(faultproxy.Both) // this connection only: new ones pass
	r, err := c.Call(ctx, "echo", "into the hole").Await(ctx)
	failed := time.Since(holed)
	requireConnError(t, r, err, true, client.ErrDeadPeer)

	rec.Wait(t, "reconnected", 1)
	served := time.Since(holed)
	requireEchoes(t, c, "after")
	require.Equal(t, 2, proxy.Accepted(), "served through a new connection")
	t.Logf("DeadPeerTimeout %v: request failed %v after the black hole, client serving again after %v", timeout, failed, served)
}

// TestBlackHoleQueueBounded: with dead-peer detection off, the client's
// connection is black-holed for good while 64 goroutines keep sending 32
// KiB requests that fail at their 300 ms deadlines: the live heap stays
// flat, since the bytes of requests abandoned before they were written are
// given back. (Before, every one of them stayed queued: ~7 MiB a second.)
// 5 s in the normal suite, 30 s with TXT_SOAK=1.
func TestBlackHoleQueueBounded(t *testing.T) {
	run := 5 * time.Second
	if os.Getenv("TXT_SOAK") == "1" {
		run = 30 * time.Second
	}
	proxy := faultproxy.New(t, requireServer(t).Addr())
	c := dial(t, proxy.Addr(), withDeadPeerTimeout(-1))
	requireEchoes(t, c, "before")
	proxy.BlackHole(faultproxy.Both)

	payload := strings.Repeat("q", 32<<10)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failedMu sync.Mutex
	failed, unexpected := 0, 0
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				_, err := c.Call(ctx, "echo", payload).Await(ctx)
				cancel()
				failedMu.Lock()
				if isCtxError(err) {
					failed++
				} else {
					unexpected++
				}
				failedMu.Unlock()
			}
		}()
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	time.Sleep(time.Second) // the socket's buffers fill; the writer is stuck
	start := heap()
	time.Sleep(run)
	end := heap()
	close(stop)
	wg.Wait()
	t.Logf("%d requests failed at their deadlines over %v; live heap %d KiB -> %d KiB; %d KiB queued",
		failed, run, start>>10, end>>10, client.QueuedBytes(c)>>10)
	require.Zero(t, unexpected, "every request failed at its deadline")
	require.Greater(t, failed, 100)
	require.Less(t, int64(end)-int64(start), int64(8<<20), "the live heap grew by more than 8 MiB")
}

// isCtxError reports whether err is a *client.ContextError.
func isCtxError(err error) bool {
	_, ok := err.(*client.ContextError)
	return ok
}

// TestHugeRequestDoesNotStallOthers: a 100 MiB request (over MaxFrameSize)
// is refused at once, not sent, and a 40 MiB one (under it, so encoded
// and sent) is encoded outside the connection's lock: pings sent
// meanwhile are answered, and the big request's echo comes back intact.
func TestHugeRequestDoesNotStallOthers(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	for _, size := range []int{100 << 20, 40 << 20} {
		big := strings.Repeat("h", size)
		done := make(chan error, 1)
		started := time.Now()
		go func() {
			_, err := c.Call(ctx, "echo", big).Await(ctx)
			done <- err
		}()
		var slowest time.Duration
		pings := 0
		for waiting := true; waiting; {
			select {
			case err := <-done:
				if size > 64<<20 {
					require.ErrorIs(t, err, client.ErrNotSent, "over MaxFrameSize")
				} else {
					require.NoError(t, err)
				}
				waiting = false
			default:
				begin := time.Now()
				_, err := c.Ping(ctx).Await(ctx)
				require.NoError(t, err)
				slowest = max(slowest, time.Since(begin))
				pings++
			}
		}
		t.Logf("%d MiB call settled after %v; %d pings meanwhile, the slowest %v", size>>20, time.Since(started), pings, slowest)
	}
}
