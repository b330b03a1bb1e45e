package client_test

// Helpers of the hostile-server tests, which talk to a fake server
// (internal/fakeiproto) that misbehaves in one way each. Their names start
// with "hs" so they cannot clash with the helpers of other test files of
// this package. These tests count goroutines, so none of them is parallel:
// Go runs them before any parallel test of the package starts.

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/reconnect"
)

// hsGoroutines returns the stack of every goroutine by goroutine id.
func hsGoroutines() map[uint64]string {
	out := map[uint64]string{}
	for _, stack := range strings.Split(lcAllStacks(), "\n\n") {
		rest, ok := strings.CutPrefix(stack, "goroutine ")
		if !ok {
			continue
		}
		id, err := strconv.ParseUint(rest[:strings.IndexByte(rest, ' ')], 10, 64)
		if err == nil {
			out[id] = stack
		}
	}
	return out
}

// hsNoLeaks checks, when the test ends, that every goroutine started since
// this call has exited (after the cleanups registered later, which close
// the clients and fake servers, have run). Goroutines that existed before
// (the test's own, those of the runtime and the testing package, leftovers
// of earlier tests) are ignored. Goroutines take a moment to be scheduled
// and exit, so it polls for a few seconds before failing with the stacks
// of the goroutines left.
func hsNoLeaks(t *testing.T) {
	t.Helper()
	before := hsGoroutines()
	t.Cleanup(func() {
		var left []string
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			left = left[:0]
			for id, stack := range hsGoroutines() {
				if _, old := before[id]; !old {
					left = append(left, stack)
				}
			}
			if len(left) == 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(left) > 0 {
			slices.Sort(left)
			t.Errorf("%d goroutines left behind:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
	})
}

// hsServer starts a fake server with handlers and closes it when the test
// ends, failing the test if a handler failed (for instance on a request
// frame the client got wrong).
func hsServer(t *testing.T, handlers ...fakeiproto.Handler) *fakeiproto.Server {
	t.Helper()
	srv, err := fakeiproto.Start(handlers...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// hsReconnect is the reconnect policy of these tests: quick, constant.
var hsReconnect = reconnect.Constant{Delay: 10 * time.Millisecond}

// hsOptions are the options of a client of a fake server: guest, no
// schema (unless a test turns it on), a quick reconnect, and one request
// allowed to wait for the next connection, so that a test can issue a
// request right after a break and see it served by the next connection.
func hsOptions() client.Options {
	return client.Options{SkipSchema: true, Reconnect: hsReconnect, WaitForReconnect: 1}
}

// hsDial connects to srv and closes the client when the test ends.
func hsDial(t *testing.T, srv *fakeiproto.Server, opts client.Options) *client.Client {
	t.Helper()
	c, err := client.Dial(lcGuard(t), srv.Addr(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// hsDialLogged is hsDial with the client's log recorded.
func hsDialLogged(t *testing.T, srv *fakeiproto.Server, opts client.Options) (*client.Client, *lcLog) {
	t.Helper()
	l := newLcLog()
	opts.Logger = slog.New(l)
	return hsDial(t, srv, opts), l
}

// hsRequireBroken checks that a request failed, without a response,
// because its connection broke after it was sent, with a cause matching
// target (errors.As), and returns the *client.ConnectionError.
func hsRequireBroken(t *testing.T, r *client.Response, err error, target any) *client.ConnectionError {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.Sent, "the request had been written")
	require.ErrorIs(t, err, client.ErrOutcomeUnknown)
	require.ErrorAs(t, err, target)
	return ce
}

// hsRequireServes checks that c (now, or once reconnected: the request may
// wait for the next connection) answers an echoed call correctly.
func hsRequireServes(t *testing.T, c *client.Client, value string) {
	t.Helper()
	r, err := lcAwait(t, c.Call(lcGuard(t), "echo", value))
	require.NoError(t, err)
	require.Equal(t, []any{value}, lcValues(t, r))
}

// hsGreetThenRead is the start of most hostile handlers: a valid greeting,
// then one request read.
func hsGreetThenRead(c *fakeiproto.Conn) (fakeiproto.Request, error) {
	if err := c.WriteGreeting(); err != nil {
		return fakeiproto.Request{}, err
	}
	return c.ReadRequest()
}
