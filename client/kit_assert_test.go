package client_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// errConnLost, given to requireConnError as the cause, stands for a
// connection lost to the network or the server (a reset, EOF, a bad frame):
// a cause that is none of the client's own (ErrNotConnected, ErrClosed,
// ErrReconnectStopped).
var errConnLost = errors.New("test: the connection was lost")

// clientCauses are the causes the client itself gives a request it fails.
var clientCauses = []error{client.ErrNotConnected, client.ErrClosed, client.ErrReconnectStopped}

// requireConnError checks that a request failed without a response (r is
// nil) with a *client.ConnectionError that has a cause and says whether
// the request was sent: if sent it matches ErrOutcomeUnknown and not
// ErrNotSent, otherwise the reverse. cause says what the failure must
// match (errors.Is):
//   - nil: any cause;
//   - one of ErrNotConnected, ErrClosed, ErrReconnectStopped: that one and
//     neither of the other two;
//   - errConnLost: none of those three;
//   - any other error: that one.
//
// It returns the ConnectionError for further checks.
func requireConnError(t testing.TB, r *client.Response, err error, sent bool, cause error) *client.ConnectionError {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ConnectionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, sent, ce.Sent, "Sent of %v", err)
	require.NotNil(t, ce.Err, "the cause of %v", err)
	if sent {
		require.ErrorIs(t, err, client.ErrOutcomeUnknown)
		require.NotErrorIs(t, err, client.ErrNotSent)
	} else {
		require.ErrorIs(t, err, client.ErrNotSent)
		require.NotErrorIs(t, err, client.ErrOutcomeUnknown)
	}
	switch {
	case cause == nil:
	case cause == errConnLost:
		for _, own := range clientCauses {
			require.NotErrorIs(t, err, own)
		}
	default:
		require.ErrorIs(t, err, cause)
		if slices.Contains(clientCauses, cause) {
			for _, own := range clientCauses {
				if own != cause {
					require.NotErrorIs(t, err, own)
				}
			}
		}
	}
	return ce
}

// requireServerError checks that err is a *client.ServerError with code
// (a server error was sent, so it does not match ErrNotSent) and returns
// it.
func requireServerError(t testing.TB, err error, code iproto.Error) *client.ServerError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, client.ErrorCode(code), "error: %v", err)
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
	require.Equal(t, code, serr.Code)
	require.NotEmpty(t, serr.Message)
	require.NotErrorIs(t, err, client.ErrNotSent, "a server error was sent")
	return serr
}

// requireEchoes checks that c (now, or once reconnected: the request may
// wait for the next connection) answers an echoed call correctly.
func requireEchoes(t testing.TB, c *client.Client, value string) {
	t.Helper()
	r, err := await(t, c.Call(testContext(t), "echo", value))
	require.NoError(t, err)
	require.Equal(t, []any{value}, responseValues(t, r))
}

// requireServesMany checks that c still works and matches responses to
// requests: several calls in flight at once, each with its own value.
func requireServesMany(t testing.TB, c *client.Client, base int) {
	t.Helper()
	ctx := testContext(t)
	fs := make([]*future.Future[*client.Response], 50)
	for i := range fs {
		fs[i] = c.Call(ctx, "echo", base+i)
	}
	for i, f := range fs {
		r, err := await(t, f)
		require.NoError(t, err)
		require.Equal(t, []any{int64(base + i)}, responseValues(t, r))
	}
	require.Zero(t, c.InFlight())
}

// requireCtxError checks that a request failed without a response (r is
// nil) with a *client.ContextError whose Sent agrees with the sentinels
// (ErrOutcomeUnknown if sent, ErrNotSent if not, never both) and that
// matches cause (errors.Is) unless cause is nil. It returns the
// ContextError, for the caller to check Sent.
func requireCtxError(t testing.TB, r *client.Response, err error, cause error) *client.ContextError {
	t.Helper()
	require.Nil(t, r)
	var ce *client.ContextError
	require.ErrorAs(t, err, &ce)
	if ce.Sent {
		require.ErrorIs(t, err, client.ErrOutcomeUnknown)
		require.NotErrorIs(t, err, client.ErrNotSent)
	} else {
		require.ErrorIs(t, err, client.ErrNotSent)
		require.NotErrorIs(t, err, client.ErrOutcomeUnknown)
	}
	if cause != nil {
		require.ErrorIs(t, err, cause)
	}
	return ce
}
