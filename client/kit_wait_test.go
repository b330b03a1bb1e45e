package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// hangGuard bounds every wait of this package's tests. It only turns a
// hang into a failure; no test asserts anything about speed.
const hangGuard = 30 * time.Second

// testContext returns a context that ends after hangGuard or with the
// test, whichever comes first: the one hang guard of these tests.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	t.Cleanup(cancel)
	return ctx
}

// await awaits f under the hang guard and fails the test if the guard,
// not f, ended the wait.
func await[T any](t testing.TB, f *future.Future[T]) (T, error) {
	t.Helper()
	timer := time.NewTimer(hangGuard)
	defer timer.Stop()
	select {
	case <-f.Done():
	case <-timer.C:
		t.Fatalf("future did not settle within %v", hangGuard)
	}
	v, err, settled := f.Peek()
	require.True(t, settled)
	return v, err
}

// responseValues decodes a response's data into generic values.
func responseValues(t testing.TB, r *client.Response) []any {
	t.Helper()
	require.NotNil(t, r)
	v, err := r.Values()
	require.NoError(t, err)
	return v
}

// awaitValues awaits f, which must succeed, and returns the response's
// data as generic values.
func awaitValues(t testing.TB, f interface {
	Await(context.Context) (*client.Response, error)
}) []any {
	t.Helper()
	resp, err := f.Await(testContext(t))
	require.NoError(t, err)
	return responseValues(t, resp)
}

// waitUntil polls cond until it holds, failing the test after the hang
// guard.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, hangGuard)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// requireHanded makes sure every request issued on c so far has been
// handed to the network: the writer hands over everything queued before a
// request, so once a later Ping is answered the earlier ones were written.
func requireHanded(t testing.TB, c *client.Client) {
	t.Helper()
	r, err := await(t, c.Ping(testContext(t)))
	require.NoError(t, err)
	require.NotNil(t, r)
}

// requireAllHanded makes sure everything issued on the members so far was
// handed to the network.
func requireAllHanded(t testing.TB, members []*client.Client) {
	t.Helper()
	for _, m := range members {
		requireHanded(t, m)
	}
}

// allConnected reports whether every member is connected.
func allConnected(members []*client.Client) bool {
	for _, m := range members {
		if !m.Connected() {
			return false
		}
	}
	return true
}

// noneConnected reports whether no member is connected.
func noneConnected(members []*client.Client) bool {
	for _, m := range members {
		if m.Connected() {
			return false
		}
	}
	return true
}
