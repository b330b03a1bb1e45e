package client_test

// The write queue stays bounded while the socket does not drain: requests
// abandoned before they were written give their bytes back (compaction),
// the requests still queued keep theirs intact; a request too large for a
// frame is refused before it is encoded; large and unknown-size requests,
// encoded outside the connection's lock, arrive intact.

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// TestWriteQueueCompacts: with the writer stuck, 400 requests of 10 KiB
// whose contexts end before they are written leave the queue small, while
// the requests queued among them still go out intact once the socket
// drains.
func TestWriteQueueCompacts(t *testing.T) {
	c, srv := dialPipe(t, withDeadPeerTimeout(-1))
	ctx := testContext(t)
	first := c.Call(ctx, "echo", "first")
	holdWriter(t, srv) // the writer is stuck with the first request

	payload := strings.Repeat("z", 10<<10)
	var live []*future.Future[*client.Response]
	for i := 0; i < 400; i++ {
		short, cancel := context.WithCancel(ctx)
		f := c.Call(short, "echo", payload)
		cancel()
		r, err := f.Await(ctx)
		requireCtxError(t, r, err, context.Canceled)
		if i%100 == 50 {
			live = append(live, c.Call(ctx, "echo", i))
		}
	}
	// 400 × 10 KiB were queued and abandoned: without compaction the
	// queue would hold 4 MiB.
	require.Less(t, client.QueuedBytes(c), 256<<10, "abandoned bytes are given back")

	go func() {
		for {
			req, err := srv.ReadRequest()
			if err != nil {
				return
			}
			args, err := req.Args()
			if err != nil {
				return
			}
			if err := srv.ReplyOK(req, args...); err != nil {
				return
			}
		}
	}()
	require.Equal(t, []any{"first"}, awaitValues(t, first))
	for i, f := range live {
		require.Equal(t, []any{int64(i*100 + 50)}, awaitValues(t, f), "a request queued among abandoned ones")
	}
}

// TestOversizedRequestRefusedBeforeEncoding: a request that cannot fit a
// frame fails at once, not sent, with the frame-size error, and the
// connection goes on; its 100 MiB argument is never copied.
func TestOversizedRequestRefusedBeforeEncoding(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	huge := strings.Repeat("h", 100<<20)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err := c.Call(ctx, "echo", huge).Await(ctx)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	require.Nil(t, r)
	var ee *client.EncodeError
	require.ErrorAs(t, err, &ee)
	var tooLarge *protocol.FrameTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(10<<20), "the argument was not encoded")
	requireEchoes(t, c, "still fine")
}

// largeRow is a struct tuple: its size is unknown before encoding, so it
// is encoded outside the connection's lock.
type largeRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
}

// TestLargeAndStructRequestsIntact: requests encoded outside the lock
// (a 1 MiB string argument, a struct tuple) reach the server intact,
// interleaved with small ones from other goroutines.
func TestLargeAndStructRequestsIntact(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	big := strings.Repeat("b", 1<<20)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			if _, err := c.Ping(ctx).Await(ctx); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 5; i++ {
		require.Equal(t, []any{big}, awaitValues(t, c.Call(ctx, "echo", big)))
	}
	<-done
	const key = 970_400
	deleteRange(t, c, key, 1)
	r, err := c.Replace(ctx, "test", largeRow{ID: key, Name: big[:1000]}).Await(ctx)
	require.NoError(t, err)
	var got largeRow
	found, err := r.First(&got)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, largeRow{ID: key, Name: big[:1000]}, got)
}
