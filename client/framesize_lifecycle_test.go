package client_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// TestResponseLargerThanMaxFrameFailsPending: a response above
// MaxFrameSize breaks the connection (the client refuses to allocate it),
// fails every request in flight at once with the cause, and later
// requests fail unsent. (badinput_test.go covers the request side.)
func TestResponseLargerThanMaxFrameFailsPending(t *testing.T) {
	t.Parallel()
	const key = 941_000
	writer := dialShared(t)
	deleteRange(t, writer, key, 1)
	ctx := testContext(t)
	big := strings.Repeat("z", 10<<10)
	_, err := await(t, writer.Replace(ctx, "test", []any{key, big}))
	require.NoError(t, err)

	// The schema is not loaded: its responses are larger than 4 KiB.
	c := dialShared(t, func(o *client.Options) { o.MaxFrameSize, o.SkipSchema = 4096, true })
	sleeps := make([]*future.Future[*client.Response], 5)
	for i := range sleeps {
		sleeps[i] = c.Call(ctx, "sleep", 60)
	}
	requireHanded(t, c)
	sel := c.Select(ctx, 512, 0, key)

	requireTooLarge := func(f *future.Future[*client.Response]) {
		t.Helper()
		r, err := await(t, f)
		requireConnError(t, r, err, true, nil)
		var fe *protocol.FrameTooLargeError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, 4096, fe.Max)
		require.Greater(t, fe.Size, uint64(10<<10))
	}
	requireTooLarge(sel)
	for _, f := range sleeps {
		requireTooLarge(f) // the sleeps would last a minute
	}
	require.Zero(t, c.InFlight())

	r, err := await(t, c.Ping(ctx))
	requireConnError(t, r, err, false, nil)
	var fe *protocol.FrameTooLargeError
	require.ErrorAs(t, err, &fe, "later requests name the cause the connection broke with")

	// A client with the default limit reads the tuple fine.
	r, err = await(t, writer.Select(ctx, "test", nil, key))
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(key), big}}, responseValues(t, r))
}
