package client_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// TestStatsCountsKnownSequence runs a known sequence of requests and
// server events on a server of the test's own and checks every counter
// after each step: successes, a server error, a request refused while
// disconnected, the reconnection after a restart, and the schema reload
// a new space causes.
func TestStatsCountsKnownSequence(t *testing.T) {
	inst := startServer(t, false)
	c := dial(t, inst.Addr(), fastReconnect)
	ctx := testContext(t)

	s := c.Stats()
	assert.Equal(t, uint64(0), s.Total(), "the schema load is not counted")
	assert.Equal(t, uint64(1), s.Connects)
	assert.Zero(t, s.Reconnects)
	assert.Zero(t, s.Disconnects)
	assert.Zero(t, s.SchemaReloads)
	assert.Nil(t, s.LastError)

	for range 3 {
		_, err := c.Ping(ctx).Await(ctx)
		require.NoError(t, err)
	}
	_, err := c.Call(ctx, "fail", "boom").Await(ctx)
	require.Error(t, err)
	_, err = c.Insert(ctx, "test", nil).Await(ctx)
	require.Error(t, err)
	s = c.Stats()
	assert.Equal(t, uint64(3), s.Requests[client.OutcomeOK])
	assert.Equal(t, uint64(1), s.Requests[client.OutcomeServerError])
	assert.Equal(t, uint64(1), s.Requests[client.OutcomeInvalid])
	assert.Equal(t, uint64(5), s.Total())

	// A request in flight shows in InFlight.
	slow := c.Call(ctx, "sleep", 0.3)
	requireHanded(t, c)
	assert.Equal(t, 1, c.Stats().InFlight)
	_, err = slow.Await(ctx)
	require.NoError(t, err)
	assert.Zero(t, c.Stats().InFlight)
	assert.Zero(t, c.Stats().QueuedBytes)

	// A new space, named by a request: one schema reload.
	createSpace(t, c, "stats_new_space", `s:create_index('primary')`)
	_, err = c.Select(ctx, "stats_new_space", nil, 1).Await(ctx)
	require.NoError(t, err)
	s = c.Stats()
	assert.Equal(t, uint64(1), s.SchemaReloads)
	okBefore := s.Requests[client.OutcomeOK]

	// The server dies: a request while disconnected is not sent.
	require.NoError(t, inst.Kill())
	waitUntil(t, "the client to notice", func() bool { return !c.Connected() })
	_, err = c.Ping(ctx).Await(ctx)
	require.ErrorIs(t, err, client.ErrNotSent)
	s = c.Stats()
	assert.Equal(t, uint64(1), s.Requests[client.OutcomeNotSent])
	waitUntil(t, "the disconnection to be counted", func() bool { return c.Stats().Disconnects == 1 })
	s = c.Stats()
	assert.Error(t, s.LastError)
	assert.WithinDuration(t, time.Now(), s.LastErrorAt, time.Minute)

	// It comes back: one reconnection, whose schema load is a reload.
	restartServer(t, inst)
	require.NoError(t, c.WaitConnected(ctx))
	waitUntil(t, "the reconnection to be counted", func() bool { return c.Stats().Connects == 2 })
	s = c.Stats()
	assert.Equal(t, uint64(1), s.Reconnects)
	assert.Equal(t, uint64(1), s.Disconnects)
	assert.Equal(t, uint64(2), s.SchemaReloads)
	_, err = c.Ping(ctx).Await(ctx)
	require.NoError(t, err)
	assert.Equal(t, okBefore+1, c.Stats().Requests[client.OutcomeOK])
}

// TestPoolStatsSumsMembers checks that a pool's stats are its members'
// summed.
func TestPoolStatsSumsMembers(t *testing.T) {
	srv := requireServer(t)
	ctx := testContext(t)
	p, err := client.DialPool(ctx, srv.Addr(), 3, testOptions())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	for range 7 {
		_, err := p.Ping(ctx).Await(ctx)
		require.NoError(t, err)
	}
	s := p.Stats()
	assert.Equal(t, uint64(7), s.Requests[client.OutcomeOK])
	assert.Equal(t, uint64(3), s.Connects)
	var sum uint64
	for _, m := range p.Members() {
		sum += m.Stats().Requests[client.OutcomeOK]
	}
	assert.Equal(t, uint64(7), sum)
}

// TestSumStatsLastError checks that SumStats keeps the most recent error.
func TestSumStatsLastError(t *testing.T) {
	now := time.Now()
	older := client.Stats{LastError: client.ErrServerClosed, LastErrorAt: now.Add(-time.Second), Connects: 1}
	newer := client.Stats{LastError: client.ErrNotConnected, LastErrorAt: now, Connects: 2}
	for _, order := range [][]client.Stats{{older, newer}, {newer, older}, {newer, {}, older}} {
		s := client.SumStats(order...)
		assert.Equal(t, client.ErrNotConnected, s.LastError)
		assert.Equal(t, now, s.LastErrorAt)
		assert.Equal(t, uint64(3), s.Connects)
	}
}
