package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// broadcast sets key to value on the server of c (box.broadcast).
func broadcast(t testing.TB, c *client.Client, key string, value any) {
	t.Helper()
	_, err := await(t, c.Eval(testContext(t), "box.broadcast(...)", key, value))
	require.NoError(t, err)
}

func TestWatchRealServer(t *testing.T) {
	requireServer(t)
	tarantooltest.RequireVersion(t, "2.10")
	c := dialShared(t)
	key := uniqueName("watch")

	log := newValueLog()
	w, err := c.Watch(key, log.fn)
	require.NoError(t, err)
	waitUntil(t, "first value", func() bool { return len(log.Values()) == 1 })
	require.Nil(t, log.Values()[0], "a key never broadcast has no value")
	for i := int64(1); i <= 3; i++ {
		broadcast(t, c, key, i)
		log.waitLast(t, i)
	}
	broadcast(t, c, key, map[string]any{"a": "b"})
	waitUntil(t, "map value", func() bool { return len(log.Values()) == 5 })

	ev, err := await(t, c.WatchOnce(testContext(t), key))
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, ev.Decode(&m))
	require.Equal(t, map[string]string{"a": "b"}, m)

	w.Unwatch()
	broadcast(t, c, key, int64(99))
	requireEchoes(t, c, "after unwatch")
	n := len(log.Values())
	requireEchoes(t, c, "after unwatch again")
	require.Len(t, log.Values(), n, "a callback after Unwatch")

	// A built-in key.
	ev, err = await(t, c.WatchOnce(testContext(t), "box.status"))
	require.NoError(t, err)
	require.True(t, ev.HasValue())
}

func TestWatchRealServerWithoutWatchers(t *testing.T) {
	requireServer(t)
	if tarantooltest.AtLeast(t, "2.10") {
		t.Skip("the server has watchers (2.10+)")
	}
	c := dialShared(t)
	var fe *client.FeatureError
	_, err := c.Watch("box.status", func(client.Event) {})
	require.ErrorAs(t, err, &fe)
	require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_WATCHERS}, fe.Missing)
	_, err = await(t, c.WatchOnce(testContext(t), "box.status"))
	require.ErrorAs(t, err, &fe)
	requireEchoes(t, c, "still up")
}

func TestWatchRealServerAfterRestart(t *testing.T) {
	requireServer(t)
	tarantooltest.RequireVersion(t, "2.10")
	inst := startServer(t, false)
	rec := newEventRecorder()
	c := dial(t, inst.Addr(), fastReconnect, withEvents(rec))
	key := uniqueName("watch")

	log := newValueLog()
	_, err := c.Watch(key, log.fn)
	require.NoError(t, err)
	broadcast(t, c, key, "before")
	log.waitLast(t, "before")

	require.NoError(t, inst.Kill())
	restartServer(t, inst)
	rec.Wait(t, "reconnected", 1)
	log.waitLast(t, nil) // registered again: the new process has no value
	broadcast(t, c, key, "after")
	log.waitLast(t, "after")
}

func TestServerShutdownRealServer(t *testing.T) {
	requireServer(t)
	tarantooltest.RequireVersion(t, "2.10")
	inst := startServer(t, false)
	rec := newEventRecorder()
	c := dial(t, inst.Addr(), fastReconnect, withEvents(rec), func(o *client.Options) { o.WaitForReconnect = 10 })
	requireEchoes(t, c, "up")

	// A request in flight when the server is told to stop (SIGTERM): the
	// server announces box.shutdown and waits for the client, which lets
	// the request finish before it closes the connection.
	slow := c.Call(testContext(t), "sleep", 0.5)
	waitUntil(t, "in flight", func() bool { return c.InFlight() == 1 })
	restarted := make(chan error, 1)
	go func() { restarted <- inst.Restart(context.Background()) }()
	_, err := await(t, slow)
	require.NoError(t, err, "the request in flight was cut by the shutdown")
	down := rec.Wait(t, "disconnected", 1)
	require.ErrorIs(t, down[0].Cause, client.ErrServerShutdown)
	require.NoError(t, <-restarted)
	rec.Wait(t, "reconnected", 1)
	requireEchoes(t, c, "after")
}
