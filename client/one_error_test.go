package client_test

// One error per mistake: the same mistake gets errors that match the same
// code whether it is made by name (caught by the client) or by number
// (refused by the server), and the messages say what the mistake is.

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// TestUnknownSpaceOrIndexSameCode: an unknown space by name and by number
// both match ER_NO_SUCH_SPACE, an unknown index by name and by number both
// match ER_NO_SUCH_INDEX_ID; the name cases also say what they are.
func TestUnknownSpaceOrIndexSameCode(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)

	_, byName := await(t, c.Select(ctx, "no_such_space_i18", nil, 1))
	_, byNumber := await(t, c.Select(ctx, 4_000_000, nil, 1))
	var se *client.SchemaError
	require.ErrorAs(t, byName, &se)
	requireServerError(t, byNumber, iproto.ER_NO_SUCH_SPACE)
	for _, err := range []error{byName, byNumber} {
		require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE))
		require.NotErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_INDEX_ID))
	}
	require.ErrorIs(t, byName, client.ErrNotSent)

	_, byName = await(t, c.Select(ctx, "test", "no_such_index_i18", 1))
	_, byNumber = await(t, c.Select(ctx, "test", 99, 1))
	require.ErrorAs(t, byName, &se)
	requireServerError(t, byNumber, iproto.ER_NO_SUCH_INDEX_ID) // what Tarantool 2.6 says of a number
	for _, err := range []error{byName, byNumber} {
		require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_INDEX_ID))
		require.NotErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE))
	}
	require.ErrorIs(t, byName, client.ErrorCode(iproto.ER_NO_SUCH_INDEX_NAME)) // and of a name

	// A wrong type is no unknown space: no code.
	_, err := await(t, c.Select(ctx, 1.5, nil, 1))
	require.ErrorAs(t, err, &se)
	require.NotErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE))
}

// TestEmptyAndInvisibleNames: "" says it is empty; a space the user may
// not see says that it may exist unseen.
func TestEmptyAndInvisibleNames(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	ctx := testContext(t)
	c := dial(t, srv.Addr())

	_, err := await(t, c.Select(ctx, "", nil, 1))
	require.ErrorContains(t, err, "empty space name")
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE))
	_, err = await(t, c.Insert(ctx, "", []any{1}))
	require.ErrorContains(t, err, "empty space name")
	_, err = await(t, c.Select(ctx, "test", "", 1))
	require.ErrorContains(t, err, "empty index name")
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_INDEX_ID))

	noperm := dial(t, srv.Addr(), func(o *client.Options) { o.User, o.Password = "noperm", "noperm" })
	_, err = await(t, noperm.Select(ctx, "test", nil, 1))
	require.ErrorContains(t, err, "not visible to user noperm")
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE))
}

// TestServerClosedConnection: a server that hangs up cleanly fails the
// request with a cause that says so and still matches io.EOF.
func TestServerClosedConnection(t *testing.T) {
	t.Parallel()
	c, srv := dialPipe(t)
	f := c.Ping(testContext(t))
	_, err := srv.ReadRequest()
	require.NoError(t, err)
	require.NoError(t, srv.Close())
	_, err = await(t, f)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, client.ErrServerClosed)
	require.ErrorIs(t, err, io.EOF)
	require.ErrorContains(t, err, "server closed the connection")
	require.NotContains(t, err.Error(), "EOF")
}

// TestReloadSchemaClosed: ReloadSchema on a closed client gives the
// request's own error, not future.All's wrapper.
func TestReloadSchemaClosed(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	require.NoError(t, c.Close())
	_, err := c.ReloadSchema(testContext(t))
	var fe *future.FirstError
	require.False(t, errors.As(err, &fe), "%v", err)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, client.ErrClosed)
}
