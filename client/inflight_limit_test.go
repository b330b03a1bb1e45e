package client_test

// Integration tests of Options.MaxInFlight (back-pressure). Requests are
// held on the server by a gate: a Lua loop that returns once a global the
// test sets through another, unlimited client exists. So the tests decide
// when a slot frees; no test asserts anything about speed. Helpers start
// with "il".

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// limitGateLua returns once the global named by its argument is set.
const limitGateLua = `local key = ...
local fiber = require('fiber')
while rawget(_G, key) == nil do fiber.sleep(0.002) end
return key`

// limitGate holds requests on a server until the test opens their key.
type limitGate struct {
	t      *testing.T
	opener *client.Client // unlimited: opening never waits for a slot
	mu     sync.Mutex
	keys   []string
}

var limitGateCounter atomic.Uint64

// newLimitGate makes a gate opened through opener; every key it handed out is
// opened when the test ends, so no fiber is left looping on the server.
func newLimitGate(t *testing.T, opener *client.Client) *limitGate {
	g := &limitGate{t: t, opener: opener}
	t.Cleanup(func() {
		g.mu.Lock()
		keys := g.keys
		g.mu.Unlock()
		for _, k := range keys {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, _ = opener.Eval(ctx, `rawset(_G, ..., true)`, k).Await(ctx)
			cancel()
		}
	})
	return g
}

// Key returns a new, closed key.
func (g *limitGate) Key() string {
	k := fmt.Sprintf("il_gate_%d", limitGateCounter.Add(1))
	g.mu.Lock()
	g.keys = append(g.keys, k)
	g.mu.Unlock()
	return k
}

// Open lets the requests held on key return.
func (g *limitGate) Open(key string) {
	g.t.Helper()
	_, err := await(g.t, g.opener.Eval(testContext(g.t), `rawset(_G, ..., true)`, key))
	require.NoError(g.t, err)
}

// Hold issues on c a request that returns when key is opened.
func holdSlot(ctx context.Context, c client.Conn, key string) *future.Future[*client.Response] {
	return c.Eval(ctx, limitGateLua, key)
}

// requireHeld checks that f is pending: it took a slot and was queued.
func requireHeld(t testing.TB, f *future.Future[*client.Response]) {
	t.Helper()
	_, err, settled := f.Peek()
	require.False(t, settled, "a held request settled: %v", err)
}

// requireLimitFull checks the error of a request refused by a full client
// with FailWhenFull.
func requireLimitFull(t testing.TB, f *future.Future[*client.Response], limit int) {
	t.Helper()
	r, err, settled := f.Peek()
	require.True(t, settled, "a refused request must fail at once")
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrTooManyInFlight)
	require.ErrorIs(t, err, client.ErrNotSent)
	require.NotErrorIs(t, err, client.ErrOutcomeUnknown)
	var le *client.InFlightLimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, limit, le.Limit)
}

// requireCtxNotSent checks the error of a request whose context ended
// while it waited for a slot (or before): a *ContextError, not sent.
func requireCtxNotSent(t testing.TB, f *future.Future[*client.Response], cause error) {
	t.Helper()
	r, err, settled := f.Peek()
	require.True(t, settled, "the command must return a settled future")
	xe := requireCtxError(t, r, err, cause)
	require.False(t, xe.Sent)
}

// requireSlotsFree checks that all n slots of c are free: n held requests are
// all accepted at once (with BlockWhenFull a missing slot would block the
// last one until the hang guard), fill the connection, and all succeed
// once opened; InFlight then returns to 0. With failFast the n+1th request
// is refused.
func requireSlotsFree(t *testing.T, c *client.Client, g *limitGate, n int, failFast bool) {
	t.Helper()
	ctx := testContext(t)
	key := g.Key()
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		fs[i] = holdSlot(ctx, c, key)
		requireHeld(t, fs[i])
	}
	require.Equal(t, n, c.InFlight())
	if failFast {
		requireLimitFull(t, c.Ping(ctx), n)
	}
	g.Open(key)
	for _, f := range fs {
		r, err := await(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{key}, responseValues(t, r))
	}
	waitUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })
}

// requireAllOK awaits every future in fs and requires it to succeed.
func requireAllOK(t *testing.T, fs []*future.Future[*client.Response]) {
	t.Helper()
	for _, f := range fs {
		_, err := await(t, f)
		require.NoError(t, err)
	}
}

// withLimit sets a limit and a policy.
func withLimit(limit int, when client.FullPolicy) func(*client.Options) {
	return func(o *client.Options) { o.MaxInFlight, o.WhenFull = limit, when }
}

// blockedCommand is a command issued on another goroutine because it may block.
type blockedCommand struct {
	done chan struct{}
	fut  *future.Future[*client.Response]
}

func issueBlocking(issue func() *future.Future[*client.Response]) *blockedCommand {
	b := &blockedCommand{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.fut = issue()
	}()
	return b
}

// returned reports whether the command has returned.
func (b *blockedCommand) returned() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// wait waits for the command to return, under the hang guard.
func (b *blockedCommand) wait(t testing.TB) *future.Future[*client.Response] {
	t.Helper()
	select {
	case <-b.done:
		return b.fut
	case <-time.After(hangGuard):
		t.Fatalf("a blocked command did not return within %v", hangGuard)
		return nil
	}
}

// giveBlockedAMoment gives blocked goroutines a moment to run (were the limit
// broken, they would return meanwhile). A correct client passes whatever
// the machine's speed: the pause only gives a broken one a chance to show.
func giveBlockedAMoment() { time.Sleep(30 * time.Millisecond) }

// TestInFlightLimitBlocks: with BlockWhenFull, exactly N requests are in
// flight; the next commands block until a slot frees, one per freed slot;
// a blocked command whose context ends returns a failed future, not sent;
// Close releases blocked commands.
func TestInFlightLimitBlocks(t *testing.T) {
	t.Parallel()
	const n = 4
	c := dialShared(t, withLimit(n, client.BlockWhenFull))
	g := newLimitGate(t, dialShared(t))
	ctx := testContext(t)

	keys := make([]string, 3*n)
	for i := range keys {
		keys[i] = g.Key()
	}
	held := make([]*future.Future[*client.Response], n)
	for i := range held {
		held[i] = holdSlot(ctx, c, keys[i])
		requireHeld(t, held[i])
	}
	require.Equal(t, n, c.InFlight())

	// 2N more commands block, each with its own key.
	blocked := make([]*blockedCommand, 2*n)
	for i := range blocked {
		key := keys[n+i]
		blocked[i] = issueBlocking(func() *future.Future[*client.Response] { return holdSlot(ctx, c, key) })
	}
	returned := func() int {
		k := 0
		for _, b := range blocked {
			if b.returned() {
				k++
			}
		}
		return k
	}
	giveBlockedAMoment()
	require.Zero(t, returned(), "a command returned while every slot was taken")
	require.Equal(t, n, c.InFlight())

	// Freeing one slot lets exactly one blocked command through.
	g.Open(keys[0])
	r, err := await(t, held[0])
	require.NoError(t, err)
	require.Equal(t, []any{keys[0]}, responseValues(t, r))
	waitUntil(t, "one blocked command returned", func() bool { return returned() == 1 })
	require.Equal(t, n, c.InFlight())
	giveBlockedAMoment()
	require.Equal(t, 1, returned(), "one freed slot let more than one command through")

	// Open everything: all finish, never more than N in flight.
	var maxSeen atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if v := int64(c.InFlight()); v > maxSeen.Load() {
				maxSeen.Store(v)
			}
			select {
			case <-stop:
				return
			default:
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	for _, k := range keys[1:] {
		g.Open(k)
	}
	for i := 1; i < n; i++ {
		_, err := await(t, held[i])
		require.NoError(t, err)
	}
	for _, b := range blocked {
		r, err := await(t, b.wait(t))
		require.NoError(t, err)
		require.Len(t, responseValues(t, r), 1)
	}
	close(stop)
	<-sampled
	require.LessOrEqual(t, maxSeen.Load(), int64(n))
	waitUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })

	// A blocked command whose context ends returns a failed future.
	key := g.Key()
	for i := range held {
		held[i] = holdSlot(ctx, c, key)
		requireHeld(t, held[i])
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	requireCtxNotSent(t, c.Ping(cancelled), context.Canceled)
	short, cancelShort := context.WithTimeout(ctx, 20*time.Millisecond)
	requireCtxNotSent(t, c.Ping(short), context.DeadlineExceeded)
	cancelShort()
	cancellable, cancel := context.WithCancel(ctx)
	b := issueBlocking(func() *future.Future[*client.Response] { return c.Ping(cancellable) })
	giveBlockedAMoment()
	require.False(t, b.returned())
	cancel()
	requireCtxNotSent(t, b.wait(t), context.Canceled)
	require.Equal(t, n, c.InFlight(), "a refused command took no slot")
	g.Open(key)
	requireAllOK(t, held)
	requireSlotsFree(t, c, g, n, false)
}

// TestInFlightLimitBlockedCommandsEndOnClose: Close releases a command
// blocked for a slot; it fails with ErrClosed, not sent.
func TestInFlightLimitBlockedCommandsEndOnClose(t *testing.T) {
	t.Parallel()
	const n = 2
	c, err := client.Dial(testContext(t), requireServer(t).Addr(),
		client.Options{User: testUser, Password: testPassword, MaxInFlight: n})
	require.NoError(t, err)
	defer c.Close()
	g := newLimitGate(t, dialShared(t))
	ctx := testContext(t)
	key := g.Key()
	held := []*future.Future[*client.Response]{holdSlot(ctx, c, key), holdSlot(ctx, c, key)}
	b := issueBlocking(func() *future.Future[*client.Response] { return c.Ping(ctx) })
	giveBlockedAMoment()
	require.False(t, b.returned())
	require.NoError(t, c.Close())
	r, err := await(t, b.wait(t))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrClosed)
	require.ErrorIs(t, err, client.ErrNotSent)
	for _, f := range held {
		_, err := await(t, f)
		require.ErrorIs(t, err, client.ErrClosed)
	}
}

// TestInFlightLimitFailsFast: with FailWhenFull the N+1th request fails at
// once with the typed error; a slot is free again as soon as the future
// that held it settled.
func TestInFlightLimitFailsFast(t *testing.T) {
	t.Parallel()
	const n = 4
	c := dialShared(t, withLimit(n, client.FailWhenFull))
	g := newLimitGate(t, dialShared(t))
	ctx := testContext(t)

	keys := make([]string, n)
	held := make([]*future.Future[*client.Response], n)
	for i := range held {
		keys[i] = g.Key()
		held[i] = holdSlot(ctx, c, keys[i])
		requireHeld(t, held[i])
	}
	require.Equal(t, n, c.InFlight())
	for range 3 {
		requireLimitFull(t, c.Ping(ctx), n)
		requireLimitFull(t, c.Select(ctx, "test", nil, 1), n)
	}
	require.Equal(t, n, c.InFlight())

	// The slot is back before the future settles: a caller that awaited
	// one request can issue the next.
	g.Open(keys[0])
	_, err := await(t, held[0])
	require.NoError(t, err)
	r, err := await(t, c.Ping(ctx))
	require.NoError(t, err)
	require.NotNil(t, r)
	held[0] = holdSlot(ctx, c, keys[0]) // open: returns at once
	_, err = await(t, held[0])
	require.NoError(t, err)
	for _, k := range keys[1:] {
		g.Open(k)
	}
	requireAllOK(t, held)
	requireSlotsFree(t, c, g, n, true)
}

// TestInFlightLimitPoolPerMember: a pool applies the limit to each member.
func TestInFlightLimitPoolPerMember(t *testing.T) {
	t.Parallel()
	const n, size = 2, 3
	p, err := client.DialPool(testContext(t), requireServer(t).Addr(), size,
		client.Options{User: testUser, Password: testPassword, MaxInFlight: n, WhenFull: client.FailWhenFull})
	require.NoError(t, err)
	defer p.Close()
	g := newLimitGate(t, dialShared(t))
	ctx := testContext(t)
	key := g.Key()
	var held []*future.Future[*client.Response]
	for range n * size {
		f := holdSlot(ctx, p, key)
		requireHeld(t, f)
		held = append(held, f)
	}
	for _, m := range p.Members() {
		require.Equal(t, n, m.InFlight())
	}
	requireLimitFull(t, p.Ping(ctx), n)
	g.Open(key)
	requireAllOK(t, held)
	waitUntil(t, "InFlight back to 0", func() bool { return p.InFlight() == 0 })
}

// TestInFlightLimitReleasesOnEveryPath runs many requests that settle
// every way there is (response, server error, encode and schema errors,
// context ended before and after sending, future.Cancel, the request
// timeout) from several goroutines, then checks that every slot is free.
func TestInFlightLimitReleasesOnEveryPath(t *testing.T) {
	t.Parallel()
	for _, when := range []client.FullPolicy{client.BlockWhenFull, client.FailWhenFull} {
		t.Run(when.String(), func(t *testing.T) {
			t.Parallel()
			const n = 8
			c := dialShared(t, withLimit(n, when))
			g := newLimitGate(t, dialShared(t))
			never := g.Key() // held until the test ends: only ctx or Cancel ends these
			ctx := testContext(t)
			const workers, perWorker = 12, 100
			var refused, failed, ok atomic.Int64
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perWorker {
						var f *future.Future[*client.Response]
						rctx, cancel := context.WithCancel(ctx)
						switch (w + i) % 10 {
						case 0:
							f = c.Ping(rctx)
						case 1:
							f = c.Call(rctx, "fail", "boom") // server error
						case 2:
							f = c.Replace(rctx, "test", []any{make(chan int)}) // encode error
						case 3:
							f = c.Select(rctx, "il_no_such_space", nil, 1) // schema error after a reload
						case 4:
							cancel() // ended before sending
							f = c.Ping(rctx)
						case 5:
							f = holdSlot(rctx, c, never)
							cancel() // ended after queueing (maybe after sending)
						case 6:
							f = holdSlot(rctx, c, never)
							f.Cancel()
						case 7:
							cancel()
							rctx, cancel = context.WithTimeout(ctx, time.Millisecond)
							f = holdSlot(rctx, c, never) // its deadline ends it
						case 8:
							f = c.Select(rctx, "test", nil, uint64(i))
						case 9:
							f = c.Call(rctx, "sleep", 0.001)
							if i%2 == 0 {
								f.Cancel()
							}
						}
						_, err := await(t, f)
						cancel()
						switch {
						case err == nil:
							ok.Add(1)
						case errors.Is(err, client.ErrTooManyInFlight):
							refused.Add(1)
						default:
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			t.Logf("%d succeeded, %d failed, %d refused as full", ok.Load(), failed.Load(), refused.Load())
			require.Positive(t, ok.Load())
			require.Positive(t, failed.Load())
			if when == client.BlockWhenFull {
				require.Zero(t, refused.Load())
			}
			waitUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })
			requireSlotsFree(t, c, g, n, when == client.FailWhenFull)
		})
	}
}

// TestInFlightLimitSchemaRetry: a request resent after
// ER_WRONG_SCHEMA_VERSION, or after a reload for a name created after
// connecting, keeps its slot: with every slot taken by such requests, a
// second acquisition would block the reader for good. Not parallel:
// changes the schema.
func TestInFlightLimitSchemaRetry(t *testing.T) {
	const n = 2
	a := dialShared(t, withLimit(n, client.BlockWhenFull))
	b := dialShared(t)
	g := newLimitGate(t, b)
	ctx := testContext(t)
	k := keyBlock()
	_, err := await(t, a.Replace(ctx, "test", []any{k, "x"}))
	require.NoError(t, err)

	v0 := a.Schema().Version
	name := uniqueName("il_retry")
	createSpace(t, b, name, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	require.Equal(t, v0, a.Schema().Version, "a has not noticed yet")
	fs := []*future.Future[*client.Response]{
		a.Select(ctx, "test", nil, k), // stale: refused, resent after a reload
		a.Select(ctx, "test", nil, k),
	}
	for _, f := range fs {
		require.Equal(t, []any{[]any{int64(k), "x"}}, awaitValues(t, f))
	}
	require.Greater(t, a.Schema().Version, v0)
	requireSlotsFree(t, a, g, n, false)

	name2 := uniqueName("il_later")
	createSpace(t, b, name2, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	fs = []*future.Future[*client.Response]{
		a.Insert(ctx, name2, []any{1}), // unknown name: reloaded, then sent
		a.Insert(ctx, name2, []any{2}),
	}
	for i, f := range fs {
		require.Equal(t, []any{[]any{int64(i + 1)}}, awaitValues(t, f))
	}
	requireSlotsFree(t, a, g, n, false)
}

// TestInFlightLimitConnectionLoss: a killed server fails the held requests
// and frees their slots; requests waiting for the next connection hold
// slots (and free them when their context ends) and are sent once it is
// up; Close fails them.
func TestInFlightLimitConnectionLoss(t *testing.T) {
	t.Parallel()
	const n = 4
	inst := startServer(t, false)
	c, err := client.Dial(testContext(t), inst.Addr(), testOptions(fastReconnect, withLimit(n, client.FailWhenFull),
		func(o *client.Options) { o.WaitForReconnect = 4 * n }))
	require.NoError(t, err)
	defer c.Close()
	opener, err := client.Dial(testContext(t), inst.Addr(), testOptions(fastReconnect))
	require.NoError(t, err)
	defer opener.Close()
	g := newLimitGate(t, opener)
	ctx := testContext(t)

	key := g.Key()
	held := make([]*future.Future[*client.Response], n)
	for i := range held {
		held[i] = holdSlot(ctx, c, key)
		requireHeld(t, held[i])
	}
	requireLimitFull(t, c.Ping(ctx), n)

	// The kill fails every held request and frees its slot.
	require.NoError(t, inst.Kill())
	for _, f := range held {
		r, err := await(t, f)
		require.Nil(t, r)
		var ce *client.ConnectionError
		require.ErrorAs(t, err, &ce, "%v", err)
	}
	require.Zero(t, c.InFlight())
	waitUntil(t, "disconnected", func() bool { return !c.Connected() })

	// Waiting for the next connection holds a slot; a wait ended by the
	// context frees it.
	waiting := make([]*future.Future[*client.Response], n)
	cancellable, cancel := context.WithCancel(ctx)
	waiting[0] = c.Ping(cancellable)
	for i := 1; i < n; i++ {
		waiting[i] = c.Ping(ctx)
	}
	for _, f := range waiting {
		requireHeld(t, f)
	}
	requireLimitFull(t, c.Ping(ctx), n)
	cancel()
	_, err = await(t, waiting[0])
	var xe *client.ContextError
	require.ErrorAs(t, err, &xe)
	require.False(t, xe.Sent)
	waiting[0] = c.Ping(ctx) // takes the freed slot
	requireHeld(t, waiting[0])
	requireLimitFull(t, c.Ping(ctx), n)

	// Once reconnected the waiting requests are sent and free their slots.
	restartServer(t, inst)
	for _, f := range waiting {
		r, err := await(t, f)
		require.NoError(t, err)
		require.NotNil(t, r)
	}
	waitUntil(t, "reconnected", func() bool { return c.Connected() && opener.Connected() })
	requireSlotsFree(t, c, g, n, true)

	// Close fails held and waiting requests alike.
	for i := range held {
		held[i] = holdSlot(ctx, c, g.Key())
	}
	require.NoError(t, inst.Kill())
	for _, f := range held {
		_, err := await(t, f)
		require.Error(t, err)
	}
	waitUntil(t, "disconnected", func() bool { return !c.Connected() })
	for i := range waiting {
		waiting[i] = c.Ping(ctx)
		requireHeld(t, waiting[i])
	}
	require.NoError(t, c.Close())
	for _, f := range waiting {
		r, err := await(t, f)
		requireConnError(t, r, err, false, client.ErrClosed)
	}
}
