package main

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// shortCluster is `demo cluster`'s story with test timings: about 4 s.
func shortCluster() clusterConfig {
	cfg := defaultClusterConfig()
	cfg.warm, cfg.down, cfg.after, cfg.tail = time.Second, 700*time.Millisecond, time.Second, 500*time.Millisecond
	return cfg
}

// TestClusterStory runs `make demo-cluster`'s story in-process with short
// timings against a real replica set and checks that it tells the whole
// story, in order: set up, master i1, kill, i1 down and no master, i2
// promoted and master, writes acknowledged on it, i1 back as a replica,
// a switchover to i3, the summary, and the replica set stopped last.
func TestClusterStory(t *testing.T) {
	requireTarantool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, runCluster(ctx, shortCluster(), newPrinter(&out)))
	t.Log("\n" + out.String())
	ev := parseEvents(t, out.String())

	i := find(ev, 0, "server", "replica set of 3 up and synced in ")
	i = find(ev, i, "cluster", "cluster.Dial(i1, i2, i3)")
	require.NotEqual(t, -1, i, "set up and dialled")
	require.NotEqual(t, -1, find(ev, 0, "master", "(none) -> i1"))
	i = find(ev, i, "cluster", "master is i1; 4 writers")
	i = find(ev, i, "load", "writes ")
	require.NotEqual(t, -1, i, "load before the kill")
	require.Regexp(t, `^writes (\d+): (\d+) ok, 0 failed; reads \d+: \d+ ok, 0 failed$`, ev[i].msg)
	i = find(ev, i, "chaos", "kill -9 i1 (the master")
	require.NotEqual(t, -1, i, "kill")
	require.NotEqual(t, -1, find(ev, i, "down", "i1: "), "i1 down")
	require.NotEqual(t, -1, find(ev, i, "master", "i1 -> (none)"), "no master")
	i = find(ev, i, "chaos", "promote i2")
	require.NotEqual(t, -1, i, "promote")
	require.NotEqual(t, -1, find(ev, i, "role", "i2: replica -> master"), "i2 master")
	require.NotEqual(t, -1, find(ev, i, "master", "(none) -> i2"), "master changed")
	require.NotEqual(t, -1, find(ev, i, "write", ""), "a write after the promotion")
	require.Regexp(t, `ok: first write acknowledged after the kill, `, out.String())
	i = find(ev, i, "chaos", "restart i1 as a replica")
	require.NotEqual(t, -1, i, "restart")
	require.NotEqual(t, -1, find(ev, i, "up", "i1 connected"), "i1 up again")
	require.NotEqual(t, -1, find(ev, i, "role", "i1: unknown -> replica"), "i1 replica")
	i = find(ev, i, "chaos", "switchover i2 -> i3")
	require.NotEqual(t, -1, i, "switchover")
	require.NotEqual(t, -1, find(ev, i, "role", "i2: master -> replica"), "i2 demoted")
	require.NotEqual(t, -1, find(ev, i, "master", "i2 -> "), "master changed from i2")
	require.NotEqual(t, -1, find(ev, i, "role", "i3: replica -> master"), "i3 promoted")
	i = find(ev, i, "cluster", "i3 ")
	require.NotEqual(t, -1, i, "final roles")
	require.Regexp(t, `: master, up$`, ev[i].msg)
	i = find(ev, i, "closed", "cluster closed")
	require.NotEqual(t, -1, i, "closed")
	// Writes that failed did so only as outcome unknown (in flight at the
	// kill) or not sent: those waiting for a master were within their bound.
	require.Regexp(t, `^writes \d+: \d+ ok, \d+ failed( \((\d+ (sent, outcome unknown|not sent|no master, not sent)(, )?)+\))?$`, ev[i+1].msg)
	require.Regexp(t, `^\d+ writes refused as read-only \(ER_READONLY\) and resent to the master; outcome-unknown writes never resent$`, ev[i+2].msg)
	require.Regexp(t, `^reads \d+: \d+ ok`, ev[i+3].msg)
	require.Regexp(t, `^failover: master killed -> first acknowledged write on i2 in \S+ \(promotion after 700ms\)$`, ev[i+4].msg)
	require.Regexp(t, `^\d+ acknowledged writes, \d+ missing on the last master i3$`, ev[i+5].msg)
	require.Equal(t, event{"server", "stopped the replica set, work dirs removed"}, ev[len(ev)-1])
}

// TestClusterCancelled: cancelling the story (Ctrl-C) mid-way returns the
// context's error and still stops the replica set and removes its dirs.
func TestClusterCancelled(t *testing.T) {
	requireTarantool(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	p := newPrinter(&out)
	cfg := shortCluster()
	done := make(chan error, 1)
	go func() { done <- runCluster(ctx, cfg, p) }()
	// Cancel once the load runs (the first line after it starts).
	deadline := time.After(30 * time.Second)
	for !bytes.Contains(safeBytes(p), []byte("master is i1")) {
		select {
		case <-deadline:
			t.Fatal("story did not start:\n" + string(safeBytes(p)))
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	t.Log("\n" + out.String())
	require.Contains(t, out.String(), "stopped the replica set, work dirs removed")
}

// safeBytes reads the printer's buffer under its lock.
func safeBytes(p *printer) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]byte(nil), p.w.(*bytes.Buffer).Bytes()...)
}

// TestParseCluster checks `demo cluster`'s flags.
func TestParseCluster(t *testing.T) {
	cfg, err := parseCluster([]string{"-writers", "8", "-down", "2s"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, 8, cfg.writers)
	require.Equal(t, 2*time.Second, cfg.down)
	_, err = parseCluster([]string{"extra"}, io.Discard)
	require.ErrorContains(t, err, `unexpected argument "extra"`)
}
