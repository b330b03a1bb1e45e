package client_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
)

// futureResponse is the future of a command.
type futureResponse = future.Future[*client.Response]

// holdingServer is a fake 3.x server with watchers (from board) that
// answers every CALL only once release is closed: the test keeps requests
// in flight as long as it likes.
type holdingServer struct {
	board   *fakeiproto.Board
	release chan struct{}
	calls   atomic.Int32 // CALLs received
}

func newHoldingServer() *holdingServer {
	return &holdingServer{board: fakeiproto.NewBoard(), release: make(chan struct{})}
}

// handler serves one connection.
func (h *holdingServer) handler(c *fakeiproto.Conn) error {
	c.ServeWatchers(h.board)
	if err := c.Write(fakeiproto.ModernGreeting()); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		req, err := c.ReadRequest()
		if err != nil {
			return err
		}
		if handled, err := c.ServeWatch(req); handled {
			if err != nil {
				return err
			}
			continue
		}
		switch req.Type {
		case iproto.IPROTO_ID:
			err = c.ReplyID(req, watchID)
		case iproto.IPROTO_CALL:
			h.calls.Add(1)
			args, _ := req.Args()
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case <-h.release:
					_ = c.ReplyOK(req, args...)
				case <-c.Done():
				}
			}()
		default:
			err = c.ReplyOK(req)
		}
		if err != nil {
			return err
		}
	}
}

// callAll starts n echo calls on c.
func callAll(t testing.TB, c client.Conn, n int) []*futureResponse {
	fs := make([]*futureResponse, n)
	for i := range fs {
		fs[i] = c.Call(testContext(t), "echo", "held")
	}
	return fs
}

// requireAllEcho checks that every call of fs succeeded.
func requireAllEcho(t testing.TB, fs []*futureResponse) {
	t.Helper()
	for _, f := range fs {
		r, err := await(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{"held"}, responseValues(t, r))
	}
}

func TestServerShutdownDrainsThenReconnects(t *testing.T) {
	requireNoLeaks(t)
	h := newHoldingServer()
	next := fakeiproto.NewBoard() // the server after its restart
	srv := startFake(t, h.handler, fakeiproto.ModernWatching(watchID, next))
	rec := newEventRecorder()
	c := dialFake(t, srv, withEvents(rec), func(o *client.Options) { o.WaitForReconnect = 10 })
	waitUntil(t, "box.shutdown watched", func() bool { return h.board.Watching(fakeiproto.ShutdownKey) == 1 })

	held := callAll(t, c, 3)
	waitUntil(t, "calls in flight", func() bool { return h.calls.Load() == 3 })
	require.NoError(t, h.board.Shutdown())
	waitUntil(t, "connection draining", func() bool { return !c.Connected() })

	// A new request is not sent on the draining connection: it waits for
	// the next one.
	later := c.Call(testContext(t), "echo", "later")

	// Unreachable until the held ones are answered: the connection is
	// closed only once they are.
	require.Equal(t, 1, srv.Accepted())
	close(h.release)
	requireAllEcho(t, held)
	r, err := await(t, later)
	require.NoError(t, err)
	require.Equal(t, []any{"later"}, responseValues(t, r))
	require.Equal(t, int32(3), h.calls.Load(), "a request went to the draining connection")

	down := rec.Wait(t, "disconnected", 1)
	require.ErrorIs(t, down[0].Cause, client.ErrServerShutdown)
	rec.Wait(t, "reconnected", 1)
	require.Equal(t, 2, srv.Accepted())
}

func TestServerShutdownRequestsFailFastWithoutWaiting(t *testing.T) {
	h := newHoldingServer()
	close(h.release)
	srv := startFake(t, h.handler, func(c *fakeiproto.Conn) error { return c.Hold() })
	c := dialFake(t, srv, func(o *client.Options) { o.WaitForReconnect = 0 })
	waitUntil(t, "box.shutdown watched", func() bool { return h.board.Watching(fakeiproto.ShutdownKey) == 1 })
	require.NoError(t, h.board.Shutdown())
	waitUntil(t, "connection closed", func() bool { return !c.Connected() })
	_, err := await(t, c.Ping(testContext(t)))
	requireConnError(t, nil, err, false, client.ErrNotConnected)
	require.ErrorIs(t, err, client.ErrServerShutdown)
}

func TestPoolServerShutdownMovesRequests(t *testing.T) {
	requireNoLeaks(t)
	h := newHoldingServer()
	other := fakeiproto.NewBoard()
	srv := startFake(t, h.handler, fakeiproto.ModernWatching(watchID, other))
	p := dialFakePool(t, srv, 2)
	waitUntil(t, "box.shutdown watched", func() bool { return h.board.Watching(fakeiproto.ShutdownKey) == 1 })

	held := callAll(t, p, 4) // least loaded first: some land on the holding member
	// Every call is accounted for (answered by the other member, or
	// arrived at the holding one) before the count is taken.
	waitUntil(t, "calls in flight", func() bool {
		answered := 0
		for _, f := range held {
			if _, _, settled := f.Peek(); settled {
				answered++
			}
		}
		return h.calls.Load() > 0 && int(h.calls.Load())+answered == len(held)
	})
	before := h.calls.Load()
	require.NoError(t, h.board.Shutdown())
	waitUntil(t, "one member draining", func() bool { return p.Members()[0].Connected() != p.Members()[1].Connected() })
	for range 10 {
		r, err := await(t, p.Call(testContext(t), "echo", "moved"))
		require.NoError(t, err)
		require.Equal(t, []any{"moved"}, responseValues(t, r))
	}
	require.Equal(t, before, h.calls.Load(), "a request went to the draining member")
	close(h.release)
	requireAllEcho(t, held)
}

func TestCloseGracefulWaitsForInFlight(t *testing.T) {
	requireNoLeaks(t)
	h := newHoldingServer()
	srv := startFake(t, h.handler)
	c := dialFake(t, srv)
	held := callAll(t, c, 2)
	waitUntil(t, "calls in flight", func() bool { return h.calls.Load() == 2 })

	closed := make(chan error, 1)
	go func() { closed <- c.CloseGraceful(testContext(t)) }()
	var err error
	waitUntil(t, "requests refused", func() bool {
		_, err = await(t, c.Ping(testContext(t)))
		return err != nil
	})
	requireConnError(t, nil, err, false, client.ErrClosed)
	require.ErrorIs(t, err, client.ErrNotSent)
	select {
	case err := <-closed:
		t.Fatalf("CloseGraceful returned %v with requests in flight", err)
	default:
	}
	require.Equal(t, 2, c.InFlight())

	close(h.release)
	requireAllEcho(t, held)
	require.NoError(t, <-closed)
	require.False(t, c.Connected())
	require.NoError(t, c.CloseGraceful(testContext(t)), "again: nothing in flight")
}

func TestCloseGracefulBoundedByContext(t *testing.T) {
	requireNoLeaks(t)
	h := newHoldingServer() // never released
	srv := startFake(t, h.handler)
	c := dialFake(t, srv)
	held := callAll(t, c, 1)
	waitUntil(t, "calls in flight", func() bool { return h.calls.Load() == 1 })

	ctx, cancel := context.WithTimeout(testContext(t), 30*time.Millisecond)
	defer cancel()
	err := c.CloseGraceful(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	_, err = await(t, held[0])
	requireConnError(t, nil, err, true, client.ErrClosed)

	var nilCtx context.Context
	var argErr *client.ArgumentError
	require.ErrorAs(t, c.CloseGraceful(nilCtx), &argErr, "a nil ctx is bad input, as in every call")
	require.ErrorIs(t, c.CloseGraceful(nilCtx), client.ErrNilContext)
}

func TestPoolCloseGraceful(t *testing.T) {
	h := newHoldingServer()
	srv := startFake(t, h.handler)
	p := dialFakePool(t, srv, 3)
	held := callAll(t, p, 6)
	waitUntil(t, "calls in flight", func() bool { return h.calls.Load() == 6 })

	closed := make(chan error, 1)
	go func() { closed <- p.CloseGraceful(testContext(t)) }()
	waitUntil(t, "requests refused", func() bool {
		_, err := await(t, p.Ping(testContext(t)))
		return errors.Is(err, client.ErrClosed)
	})
	close(h.release)
	requireAllEcho(t, held)
	require.NoError(t, <-closed)
}
