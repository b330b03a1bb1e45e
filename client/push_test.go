package client_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSessionPushIgnored checks that box.session.push messages (IPROTO_CHUNK,
// same sync as the request) do not settle the request: its future gets the
// final response.
func TestSessionPushIgnored(t *testing.T) {
	c := dialShared(t)
	ctx := testContext(t)
	r, err := c.Eval(ctx, "box.session.push('early') box.session.push({1, 2}) return 'final'").Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{"final"}, values)

	r, err = c.Call(ctx, "echo", 42).Await(ctx)
	require.NoError(t, err)
	values, err = r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(42)}, values)
	require.Zero(t, c.InFlight())
}
