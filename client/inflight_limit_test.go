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

// ilGateLua returns once the global named by its argument is set.
const ilGateLua = `local key = ...
local fiber = require('fiber')
while rawget(_G, key) == nil do fiber.sleep(0.002) end
return key`

// ilGate holds requests on a server until the test opens their key.
type ilGate struct {
	t      *testing.T
	opener *client.Client // unlimited: opening never waits for a slot
	mu     sync.Mutex
	keys   []string
}

var ilGateCounter atomic.Uint64

// ilNewGate makes a gate opened through opener; every key it handed out is
// opened when the test ends, so no fiber is left looping on the server.
func ilNewGate(t *testing.T, opener *client.Client) *ilGate {
	g := &ilGate{t: t, opener: opener}
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
func (g *ilGate) Key() string {
	k := fmt.Sprintf("il_gate_%d", ilGateCounter.Add(1))
	g.mu.Lock()
	g.keys = append(g.keys, k)
	g.mu.Unlock()
	return k
}

// Open lets the requests held on key return.
func (g *ilGate) Open(key string) {
	g.t.Helper()
	_, err := lcAwait(g.t, g.opener.Eval(lcGuard(g.t), `rawset(_G, ..., true)`, key))
	require.NoError(g.t, err)
}

// Hold issues on c a request that returns when key is opened.
func ilHold(ctx context.Context, c client.Conn, key string) *future.Future[*client.Response] {
	return c.Eval(ctx, ilGateLua, key)
}

// ilRequireHeld checks that f is pending: it took a slot and was queued.
func ilRequireHeld(t testing.TB, f *future.Future[*client.Response]) {
	t.Helper()
	_, err, settled := f.Peek()
	require.False(t, settled, "a held request settled: %v", err)
}

// ilRequireFull checks the error of a request refused by a full client
// with FailWhenFull.
func ilRequireFull(t testing.TB, f *future.Future[*client.Response], limit int) {
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

// ilRequireCtxNotSent checks the error of a request whose context ended
// while it waited for a slot (or before): a *ContextError, not sent.
func ilRequireCtxNotSent(t testing.TB, f *future.Future[*client.Response], cause error) {
	t.Helper()
	r, err, settled := f.Peek()
	require.True(t, settled, "the command must return a settled future")
	require.Nil(t, r)
	var xe *client.ContextError
	require.ErrorAs(t, err, &xe)
	require.False(t, xe.Sent)
	require.ErrorIs(t, err, cause)
	require.ErrorIs(t, err, client.ErrNotSent)
}

// ilRequireFree checks that all n slots of c are free: n held requests are
// all accepted at once (with BlockWhenFull a missing slot would block the
// last one until the hang guard), fill the connection, and all succeed
// once opened; InFlight then returns to 0. With failFast the n+1th request
// is refused.
func ilRequireFree(t *testing.T, c *client.Client, g *ilGate, n int, failFast bool) {
	t.Helper()
	ctx := lcGuard(t)
	key := g.Key()
	fs := make([]*future.Future[*client.Response], n)
	for i := range fs {
		fs[i] = ilHold(ctx, c, key)
		ilRequireHeld(t, fs[i])
	}
	require.Equal(t, n, c.InFlight())
	if failFast {
		ilRequireFull(t, c.Ping(ctx), n)
	}
	g.Open(key)
	for _, f := range fs {
		r, err := lcAwait(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{key}, lcValues(t, r))
	}
	rcUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })
}

// ilRequireAllOK awaits every future in fs and requires it to succeed.
func ilRequireAllOK(t *testing.T, fs []*future.Future[*client.Response]) {
	t.Helper()
	for _, f := range fs {
		_, err := lcAwait(t, f)
		require.NoError(t, err)
	}
}

// ilOptions sets a limit and a policy.
func ilOptions(limit int, when client.FullPolicy) func(*client.Options) {
	return func(o *client.Options) { o.MaxInFlight, o.WhenFull = limit, when }
}

// ilBlocked is a command issued on another goroutine because it may block.
type ilBlocked struct {
	done chan struct{}
	fut  *future.Future[*client.Response]
}

func ilIssue(issue func() *future.Future[*client.Response]) *ilBlocked {
	b := &ilBlocked{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.fut = issue()
	}()
	return b
}

// returned reports whether the command has returned.
func (b *ilBlocked) returned() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// wait waits for the command to return, under the hang guard.
func (b *ilBlocked) wait(t testing.TB) *future.Future[*client.Response] {
	t.Helper()
	select {
	case <-b.done:
		return b.fut
	case <-time.After(lcHangGuard):
		t.Fatalf("a blocked command did not return within %v", lcHangGuard)
		return nil
	}
}

// ilNotYet gives blocked goroutines a moment to run (were the limit
// broken, they would return meanwhile). A correct client passes whatever
// the machine's speed: the pause only gives a broken one a chance to show.
func ilNotYet() { time.Sleep(30 * time.Millisecond) }

// TestInFlightLimitBlocks: with BlockWhenFull, exactly N requests are in
// flight; the next commands block until a slot frees, one per freed slot;
// a blocked command whose context ends returns a failed future, not sent;
// Close releases blocked commands.
func TestInFlightLimitBlocks(t *testing.T) {
	t.Parallel()
	const n = 4
	c := dialShared(t, ilOptions(n, client.BlockWhenFull))
	g := ilNewGate(t, dialShared(t))
	ctx := lcGuard(t)

	keys := make([]string, 3*n)
	for i := range keys {
		keys[i] = g.Key()
	}
	held := make([]*future.Future[*client.Response], n)
	for i := range held {
		held[i] = ilHold(ctx, c, keys[i])
		ilRequireHeld(t, held[i])
	}
	require.Equal(t, n, c.InFlight())

	// 2N more commands block, each with its own key.
	blocked := make([]*ilBlocked, 2*n)
	for i := range blocked {
		key := keys[n+i]
		blocked[i] = ilIssue(func() *future.Future[*client.Response] { return ilHold(ctx, c, key) })
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
	ilNotYet()
	require.Zero(t, returned(), "a command returned while every slot was taken")
	require.Equal(t, n, c.InFlight())

	// Freeing one slot lets exactly one blocked command through.
	g.Open(keys[0])
	r, err := lcAwait(t, held[0])
	require.NoError(t, err)
	require.Equal(t, []any{keys[0]}, lcValues(t, r))
	rcUntil(t, "one blocked command returned", func() bool { return returned() == 1 })
	require.Equal(t, n, c.InFlight())
	ilNotYet()
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
		_, err := lcAwait(t, held[i])
		require.NoError(t, err)
	}
	for _, b := range blocked {
		r, err := lcAwait(t, b.wait(t))
		require.NoError(t, err)
		require.Len(t, lcValues(t, r), 1)
	}
	close(stop)
	<-sampled
	require.LessOrEqual(t, maxSeen.Load(), int64(n))
	rcUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })

	// A blocked command whose context ends returns a failed future.
	key := g.Key()
	for i := range held {
		held[i] = ilHold(ctx, c, key)
		ilRequireHeld(t, held[i])
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ilRequireCtxNotSent(t, c.Ping(cancelled), context.Canceled)
	short, cancelShort := context.WithTimeout(ctx, 20*time.Millisecond)
	ilRequireCtxNotSent(t, c.Ping(short), context.DeadlineExceeded)
	cancelShort()
	cancellable, cancel := context.WithCancel(ctx)
	b := ilIssue(func() *future.Future[*client.Response] { return c.Ping(cancellable) })
	ilNotYet()
	require.False(t, b.returned())
	cancel()
	ilRequireCtxNotSent(t, b.wait(t), context.Canceled)
	require.Equal(t, n, c.InFlight(), "a refused command took no slot")
	g.Open(key)
	ilRequireAllOK(t, held)
	ilRequireFree(t, c, g, n, false)
}

// TestInFlightLimitBlockedCommandsEndOnClose: Close releases a command
// blocked for a slot; it fails with ErrClosed, not sent.
func TestInFlightLimitBlockedCommandsEndOnClose(t *testing.T) {
	t.Parallel()
	const n = 2
	c, err := client.Dial(lcGuard(t), requireServer(t).Addr(),
		client.Options{User: testUser, Password: testPassword, MaxInFlight: n})
	require.NoError(t, err)
	defer c.Close()
	g := ilNewGate(t, dialShared(t))
	ctx := lcGuard(t)
	key := g.Key()
	held := []*future.Future[*client.Response]{ilHold(ctx, c, key), ilHold(ctx, c, key)}
	b := ilIssue(func() *future.Future[*client.Response] { return c.Ping(ctx) })
	ilNotYet()
	require.False(t, b.returned())
	require.NoError(t, c.Close())
	r, err := lcAwait(t, b.wait(t))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrClosed)
	require.ErrorIs(t, err, client.ErrNotSent)
	for _, f := range held {
		_, err := lcAwait(t, f)
		require.ErrorIs(t, err, client.ErrClosed)
	}
}

// TestInFlightLimitFailsFast: with FailWhenFull the N+1th request fails at
// once with the typed error; a slot is free again as soon as the future
// that held it settled.
func TestInFlightLimitFailsFast(t *testing.T) {
	t.Parallel()
	const n = 4
	c := dialShared(t, ilOptions(n, client.FailWhenFull))
	g := ilNewGate(t, dialShared(t))
	ctx := lcGuard(t)

	keys := make([]string, n)
	held := make([]*future.Future[*client.Response], n)
	for i := range held {
		keys[i] = g.Key()
		held[i] = ilHold(ctx, c, keys[i])
		ilRequireHeld(t, held[i])
	}
	require.Equal(t, n, c.InFlight())
	for range 3 {
		ilRequireFull(t, c.Ping(ctx), n)
		ilRequireFull(t, c.Select(ctx, "test", nil, 1), n)
	}
	require.Equal(t, n, c.InFlight())

	// The slot is back before the future settles: a caller that awaited
	// one request can issue the next.
	g.Open(keys[0])
	_, err := lcAwait(t, held[0])
	require.NoError(t, err)
	r, err := lcAwait(t, c.Ping(ctx))
	require.NoError(t, err)
	require.NotNil(t, r)
	held[0] = ilHold(ctx, c, keys[0]) // open: returns at once
	_, err = lcAwait(t, held[0])
	require.NoError(t, err)
	for _, k := range keys[1:] {
		g.Open(k)
	}
	ilRequireAllOK(t, held)
	ilRequireFree(t, c, g, n, true)
}

// TestInFlightLimitPoolPerMember: a pool applies the limit to each member.
func TestInFlightLimitPoolPerMember(t *testing.T) {
	t.Parallel()
	const n, size = 2, 3
	p, err := client.DialPool(lcGuard(t), requireServer(t).Addr(), size,
		client.Options{User: testUser, Password: testPassword, MaxInFlight: n, WhenFull: client.FailWhenFull})
	require.NoError(t, err)
	defer p.Close()
	g := ilNewGate(t, dialShared(t))
	ctx := lcGuard(t)
	key := g.Key()
	var held []*future.Future[*client.Response]
	for range n * size {
		f := ilHold(ctx, p, key)
		ilRequireHeld(t, f)
		held = append(held, f)
	}
	for _, m := range p.Members() {
		require.Equal(t, n, m.InFlight())
	}
	ilRequireFull(t, p.Ping(ctx), n)
	g.Open(key)
	ilRequireAllOK(t, held)
	rcUntil(t, "InFlight back to 0", func() bool { return p.InFlight() == 0 })
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
			c := dialShared(t, ilOptions(n, when))
			g := ilNewGate(t, dialShared(t))
			never := g.Key() // held until the test ends: only ctx or Cancel ends these
			ctx := lcGuard(t)
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
							f = ilHold(rctx, c, never)
							cancel() // ended after queueing (maybe after sending)
						case 6:
							f = ilHold(rctx, c, never)
							f.Cancel()
						case 7:
							cancel()
							rctx, cancel = context.WithTimeout(ctx, time.Millisecond)
							f = ilHold(rctx, c, never) // its deadline ends it
						case 8:
							f = c.Select(rctx, "test", nil, uint64(i))
						case 9:
							f = c.Call(rctx, "sleep", 0.001)
							if i%2 == 0 {
								f.Cancel()
							}
						}
						_, err := lcAwait(t, f)
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
			rcUntil(t, "InFlight back to 0", func() bool { return c.InFlight() == 0 })
			ilRequireFree(t, c, g, n, when == client.FailWhenFull)
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
	a := dialShared(t, ilOptions(n, client.BlockWhenFull))
	b := dialShared(t)
	g := ilNewGate(t, b)
	ctx := lcGuard(t)
	k := itKeys()
	_, err := lcAwait(t, a.Replace(ctx, "test", []any{k, "x"}))
	require.NoError(t, err)

	v0 := a.Schema().Version
	name := itName("il_retry")
	itCreateSpace(t, b, name, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	require.Equal(t, v0, a.Schema().Version, "a has not noticed yet")
	fs := []*future.Future[*client.Response]{
		a.Select(ctx, "test", nil, k), // stale: refused, resent after a reload
		a.Select(ctx, "test", nil, k),
	}
	for _, f := range fs {
		require.Equal(t, []any{[]any{int64(k), "x"}}, itValues(t, f))
	}
	require.Greater(t, a.Schema().Version, v0)
	ilRequireFree(t, a, g, n, false)

	name2 := itName("il_later")
	itCreateSpace(t, b, name2, `s:create_index('primary', {parts = {1, 'unsigned'}})`)
	fs = []*future.Future[*client.Response]{
		a.Insert(ctx, name2, []any{1}), // unknown name: reloaded, then sent
		a.Insert(ctx, name2, []any{2}),
	}
	for i, f := range fs {
		require.Equal(t, []any{[]any{int64(i + 1)}}, itValues(t, f))
	}
	ilRequireFree(t, a, g, n, false)
}

// TestInFlightLimitConnectionLoss: a killed server fails the held requests
// and frees their slots; requests waiting for the next connection hold
// slots (and free them when their context ends) and are sent once it is
// up; Close fails them.
func TestInFlightLimitConnectionLoss(t *testing.T) {
	t.Parallel()
	const n = 4
	inst := rcStart(t, false)
	c, err := client.Dial(lcGuard(t), inst.Addr(), rcOptions(nil, ilOptions(n, client.FailWhenFull),
		func(o *client.Options) { o.WaitForReconnect = 4 * n }))
	require.NoError(t, err)
	defer c.Close()
	opener, err := client.Dial(lcGuard(t), inst.Addr(), rcOptions(nil))
	require.NoError(t, err)
	defer opener.Close()
	g := ilNewGate(t, opener)
	ctx := lcGuard(t)

	key := g.Key()
	held := make([]*future.Future[*client.Response], n)
	for i := range held {
		held[i] = ilHold(ctx, c, key)
		ilRequireHeld(t, held[i])
	}
	ilRequireFull(t, c.Ping(ctx), n)

	// The kill fails every held request and frees its slot.
	require.NoError(t, inst.Kill())
	for _, f := range held {
		r, err := lcAwait(t, f)
		require.Nil(t, r)
		var ce *client.ConnectionError
		require.ErrorAs(t, err, &ce, "%v", err)
	}
	require.Zero(t, c.InFlight())
	rcUntil(t, "disconnected", func() bool { return !c.Connected() })

	// Waiting for the next connection holds a slot; a wait ended by the
	// context frees it.
	waiting := make([]*future.Future[*client.Response], n)
	cancellable, cancel := context.WithCancel(ctx)
	waiting[0] = c.Ping(cancellable)
	for i := 1; i < n; i++ {
		waiting[i] = c.Ping(ctx)
	}
	for _, f := range waiting {
		ilRequireHeld(t, f)
	}
	ilRequireFull(t, c.Ping(ctx), n)
	cancel()
	_, err = lcAwait(t, waiting[0])
	var xe *client.ContextError
	require.ErrorAs(t, err, &xe)
	require.False(t, xe.Sent)
	waiting[0] = c.Ping(ctx) // takes the freed slot
	ilRequireHeld(t, waiting[0])
	ilRequireFull(t, c.Ping(ctx), n)

	// Once reconnected the waiting requests are sent and free their slots.
	rcRestart(t, inst)
	for _, f := range waiting {
		r, err := lcAwait(t, f)
		require.NoError(t, err)
		require.NotNil(t, r)
	}
	rcUntil(t, "reconnected", func() bool { return c.Connected() && opener.Connected() })
	ilRequireFree(t, c, g, n, true)

	// Close fails held and waiting requests alike.
	for i := range held {
		held[i] = ilHold(ctx, c, g.Key())
	}
	require.NoError(t, inst.Kill())
	for _, f := range held {
		_, err := lcAwait(t, f)
		require.Error(t, err)
	}
	rcUntil(t, "disconnected", func() bool { return !c.Connected() })
	for i := range waiting {
		waiting[i] = c.Ping(ctx)
		ilRequireHeld(t, waiting[i])
	}
	require.NoError(t, c.Close())
	for _, f := range waiting {
		r, err := lcAwait(t, f)
		rcRequireClosedWaiting(t, r, err)
	}
}
