package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/transport"
)

// TestSafeToRetryAndIsUnavailable: each kind of error gets the documented
// answers, errors made by the client itself as well as built ones.
func TestSafeToRetryAndIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)

	_, dialErr := client.Dial(ctx, closedPort(t), fakeOptions())
	hangUp := startFake(t, func(c *fakeiproto.Conn) error { return nil }) // closes before its greeting
	_, greetingEOF := client.Dial(ctx, hangUp.Addr(), fakeOptions())
	require.ErrorIs(t, greetingEOF, client.ErrServerClosed)
	lazy, err := client.Lazy(closedPort(t), fakeOptions(func(o *client.Options) { o.Reconnect = reconnect.Never() }))
	require.NoError(t, err)
	_, notConnected := await(t, lazy.Ping(ctx))
	require.NoError(t, lazy.Close())
	_, closed := await(t, lazy.Ping(ctx))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, ctxNotSent := await(t, lazy.Ping(cancelled))
	server := func(code iproto.Error) error { return &client.ServerError{Code: code, Message: "m"} }

	for _, tc := range []struct {
		name              string
		err               error
		safe, unavailable bool
	}{
		{"nil", nil, false, false},
		{"dial refused", dialErr, false, true},
		{"greeting EOF", greetingEOF, false, true},
		{"not connected", notConnected, true, true},
		{"closed", closed, true, true},
		{"ctx ended before sending", ctxNotSent, true, false},
		{"reconnect stopped", &client.ConnectionError{Addr: "a", Err: client.ErrReconnectStopped}, true, true},
		{"broken before sent", &client.ConnectionError{Addr: "a", Err: client.ErrServerClosed}, true, true},
		{"broken after sent", &client.ConnectionError{Addr: "a", Sent: true, Err: client.ErrServerClosed}, false, true},
		{"ctx ended after sent", &client.ContextError{Sent: true, Err: context.DeadlineExceeded}, false, false},
		{"in-flight limit", &client.InFlightLimitError{Limit: 1}, true, false},
		{"cancelled", future.ErrCancelled, false, false},
		{"timeout", future.ErrTimeout, false, false},
		{"read-only", server(iproto.ER_READONLY), true, false},
		{"loading", server(iproto.ER_LOADING), true, false},
		{"wrong schema version", server(iproto.ER_WRONG_SCHEMA_VERSION), true, false},
		{"tuple found", server(iproto.ER_TUPLE_FOUND), false, false},
		{"access denied", server(iproto.ER_ACCESS_DENIED), false, false},
		{"read-only wrapped", fmt.Errorf("ctx: %w", server(iproto.ER_READONLY)), true, false},
		{"auth", &client.AuthError{User: "u", Err: server(iproto.ER_CREDS_MISMATCH)}, false, false},
		{"not a tarantool", &protocol.GreetingError{Reason: "r"}, false, false},
		{"encode", &client.EncodeError{Err: protocol.ErrNilTuple}, false, false},
		{"schema", &client.SchemaError{Space: "s", Reason: "r"}, false, false},
		{"argument", &client.ArgumentError{Arg: "ctx", Err: client.ErrNilContext}, false, false},
		{"feature", &client.FeatureError{Missing: []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS}}, false, false},
		{"dial error", &transport.DialError{Address: "a", Err: io.ErrUnexpectedEOF}, false, true},
		{"other", errors.New("x"), false, false},
	} {
		require.Equal(t, tc.safe, client.SafeToRetry(tc.err), "SafeToRetry %s: %v", tc.name, tc.err)
		require.Equal(t, tc.unavailable, client.IsUnavailable(tc.err), "IsUnavailable %s: %v", tc.name, tc.err)
	}
	// A FeatureError was not sent, yet the same server refuses it again.
	require.ErrorIs(t, &client.FeatureError{}, client.ErrNotSent)
}
