package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// shortStory is the chaos story with test timings: kill at 1 s, down for
// 0.8 s, twice, about 6 s in all.
func shortStory() demoConfig {
	cfg := defaultDemoConfig()
	cfg.chaos = true
	cfg.interval = 50 * time.Millisecond
	cfg.pipeline = 200
	cfg.plan = chaosPlan{firstKill: time.Second, down: 800 * time.Millisecond, up: 1500 * time.Millisecond, rounds: 2, tail: 1500 * time.Millisecond}
	return cfg
}

// TestChaosStory runs `make demo`'s story in-process with short timings
// and checks that it tells the whole story, in order, and returns nil.
func TestChaosStory(t *testing.T) {
	requireTarantool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, runDemo(ctx, shortStory(), newPrinter(&out)))
	t.Log("\n" + out.String())
	ev := parseEvents(t, out.String())

	i := find(ev, 0, "server", "started tarantool")
	i = find(ev, i, "client", `client.Lazy(`)
	i = find(ev, i, "connected", "Tarantool 2.6")
	i = find(ev, i, "then", `replace kv["greeting"] -> "hello" (callback)`)
	i = find(ev, i, "await", `select kv["greeting"] -> "hello" (typed decoding)`)
	i = find(ev, i, "error", "insert duplicate -> ER_TUPLE_FOUND matched: true")
	i = find(ev, i, "pipeline", "200 calls on one connection")
	i = find(ev, i, "request", "#1 ok in ")
	require.NotEqual(t, -1, i, "intro or first request missing")
	for round := 1; round <= 2; round++ {
		i = find(ev, i, "chaos", "kill -9 tarantool")
		require.NotEqual(t, -1, i, "round %d: kill", round)
		i = find(ev, i, "disconnected", "")
		require.NotEqual(t, -1, i, "round %d: disconnected", round)
		failed := find(ev, i, "request", "")
		require.NotEqual(t, -1, failed, "round %d: a request after the kill", round)
		require.Regexp(t, `^#\d+ failed: (not connected|sent, outcome unknown|not sent)`, ev[failed].msg, "round %d", round)
		i = find(ev, i, "reconnect", "attempt 1 in ")
		require.NotEqual(t, -1, i, "round %d: reconnect attempt", round)
		i = find(ev, i, "chaos", "restarting tarantool")
		require.NotEqual(t, -1, i, "round %d: restarting", round)
		// The client may reconnect before the restart is reported done.
		up, back := find(ev, i, "chaos", "tarantool is up again"), find(ev, i, "reconnected", "after ")
		require.NotEqual(t, -1, up, "round %d: restarted", round)
		require.NotEqual(t, -1, back, "round %d: reconnected", round)
		i = max(up, back)
		i = find(ev, i, "request", "")
		require.NotEqual(t, -1, i, "round %d: a request after reconnecting", round)
		require.Regexp(t, `^#\d+ ok in `, ev[i].msg, "round %d", round)
	}
	i = find(ev, i, "closed", "client closed")
	require.NotEqual(t, -1, i, "closed")
	require.Regexp(t, `^\d+ requests: \d+ ok, \d+ failed \(.*\d+ not connected`, ev[i+1].msg)
	require.Equal(t, "summary", ev[i+1].label)
	require.Regexp(t, `^2 disconnects, \d+ reconnect attempts, 2 reconnects \(down `, ev[i+2].msg)
	require.Equal(t, "summary", ev[i+2].label)
	require.Equal(t, event{"server", "stopped"}, ev[len(ev)-1])
}

// TestWaitForReconnect runs one round of chaos with WaitForReconnect on:
// requests made while the server is down wait, and succeed or time out
// as not sent; none fails as not connected.
func TestWaitForReconnect(t *testing.T) {
	requireTarantool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := shortStory()
	cfg.pipeline = 0
	cfg.wait = 100
	cfg.timeout = 500 * time.Millisecond
	cfg.plan.rounds = 1
	var out bytes.Buffer
	require.NoError(t, runDemo(ctx, cfg, newPrinter(&out)))
	t.Log("\n" + out.String())
	require.Contains(t, out.String(), "WaitForReconnect 100: requests wait up to 500ms")
	require.NotContains(t, out.String(), "failed: not connected")
	require.Regexp(t, `failed: timed out, not sent`, out.String())
	require.Regexp(t, `1 disconnect, \d+ reconnect attempts?, 1 reconnect \(down `, out.String())
}

// TestTourWithoutChaos runs the tour and a short loop against a server the
// demo starts, without chaos.
func TestTourWithoutChaos(t *testing.T) {
	requireTarantool(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := defaultDemoConfig()
	cfg.interval = 20 * time.Millisecond
	cfg.duration = 200 * time.Millisecond
	cfg.pipeline = 2000
	var out bytes.Buffer
	require.NoError(t, runDemo(ctx, cfg, newPrinter(&out)))
	ev := parseEvents(t, out.String())
	require.NotEqual(t, -1, find(ev, 0, "pipeline", "2000 calls on one connection in "))
	require.NotEqual(t, -1, find(ev, 0, "request", "#1 ok in "))
	require.NotEqual(t, -1, find(ev, 0, "summary", "0 disconnects, 0 reconnect attempts, 0 reconnects"))
	require.Regexp(t, `summary      \d+ requests: \d+ ok, 0 failed\n`, out.String())
	require.NotContains(t, out.String(), "failed:")
}

// TestChaosNeedsLocalServer: --chaos cannot kill a server given by -addr.
func TestChaosNeedsLocalServer(t *testing.T) {
	cfg := shortStory()
	cfg.addr = "127.0.0.1:3301"
	err := runDemo(context.Background(), cfg, newPrinter(io.Discard))
	require.ErrorContains(t, err, "omit -addr")
}

// TestErrorKind classifies each kind of request error.
func TestErrorKind(t *testing.T) {
	notConnected := fmt.Errorf("%w (connection lost: %w)", client.ErrNotConnected, io.EOF)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&client.ServerError{Code: iproto.ER_TUPLE_FOUND, Message: "dup"}, "server error ER_TUPLE_FOUND"},
		{&client.ConnectionError{Addr: "a", Err: notConnected}, "not connected"},
		{&client.ConnectionError{Addr: "a", Err: client.ErrNotConnected}, "not connected"},
		{&client.ConnectionError{Addr: "a", Err: io.EOF}, "not sent"},
		{&client.ConnectionError{Addr: "a", Sent: true, Err: io.EOF}, "sent, outcome unknown"},
		{&client.ContextError{Err: context.DeadlineExceeded}, "timed out, not sent"},
		{&client.ContextError{Sent: true, Err: context.DeadlineExceeded}, "timed out, outcome unknown"},
		{&client.ContextError{Err: context.Canceled}, "not sent"},
		{&client.SchemaError{Space: "nope", Reason: "no such space"}, "not sent"},
		{errors.New("decoding"), "other"},
	} {
		require.Equal(t, tc.want, errorKind(tc.err), "%v", tc.err)
	}
	require.Equal(t, ": dup", detail(&client.ServerError{Code: iproto.ER_TUPLE_FOUND, Message: "dup"}))
	require.Equal(t, "", detail(&client.ConnectionError{Err: notConnected}))
	require.Equal(t, " (EOF)", detail(&client.ConnectionError{Sent: true, Err: io.EOF}))
}

// TestParseArgs checks the flags of both subcommands and their errors.
func TestParseArgs(t *testing.T) {
	cfg, err := parseDemo([]string{"--chaos", "-addr", "h:1", "-wait", "5", "-interval", "1s"}, io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.chaos)
	require.Equal(t, "h:1", cfg.addr)
	require.Equal(t, 5, cfg.wait)
	require.Equal(t, time.Second, cfg.interval)
	require.Equal(t, defaultChaos(), cfg.plan)

	scfg, err := parseServe([]string{"-listen", ":0", "-pool", "3"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":0", scfg.listen)
	require.Equal(t, 3, scfg.pool)
	require.Equal(t, "127.0.0.1:8080", defaultServeConfig().listen)
	require.Equal(t, 10, defaultServeConfig().pool)

	_, err = parseDemo([]string{"extra"}, io.Discard)
	require.ErrorContains(t, err, `unexpected argument "extra"`)
	_, err = parseDemo([]string{"-nope"}, io.Discard)
	require.Error(t, err)
	err = run(context.Background(), []string{"-h"}, io.Discard, io.Discard)
	require.ErrorIs(t, err, flag.ErrHelp)
}

// TestPrinterAlignment: every label lines up the message column.
func TestPrinterAlignment(t *testing.T) {
	var out bytes.Buffer
	p := newPrinter(&out)
	for _, label := range []string{"ok", "request", "reconnected", "disconnected"} {
		p.event(label, "message")
	}
	for _, line := range regexp.MustCompile("\n").Split(out.String(), -1) {
		if line != "" {
			require.Len(t, line, 7+2+labelWidth+1+len("message"), "%q", line)
		}
	}
}
