package client_test

// Hostile servers during the handshake: the greeting is garbage, cut
// short, carries a bad salt, or never comes. Dial fails with a typed error
// and leaves nothing behind; a lazy client retries per its policy and
// connects to the next, healthy, connection.

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// sendBytes is a handler that sends b and closes the connection.
func sendBytes(b []byte) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error { return c.Write(b) }
}

// requireLazyRecovers makes a lazy client of srv, whose first connection
// misbehaves and whose later ones are healthy, and checks that it
// connects and serves per its reconnect policy (fakeOptions(opts...)).
func requireLazyRecovers(t *testing.T, srv *fakeiproto.Server, opts ...clientOption) {
	t.Helper()
	c, err := client.Lazy(srv.Addr(), fakeOptions(opts...))
	require.NoError(t, err)
	defer c.Close()
	requireEchoes(t, c, "after a bad first connection")
	require.GreaterOrEqual(t, srv.Accepted(), 2)
}

func TestHostileGarbageGreeting(t *testing.T) {
	requireNoLeaks(t)
	garbage := make([]byte, protocol.GreetingSize)
	for i := range garbage {
		garbage[i] = byte(i*37 + 11) // binary junk, no newline structure
	}
	ssh := fakeiproto.GreetingLines("SSH-2.0-OpenSSH_9.6", "")

	for _, g := range [][]byte{garbage, ssh} {
		srv := startFake(t, sendBytes(g), fakeiproto.Healthy)
		err := dialFails(t, srv)
		var ge *protocol.GreetingError
		require.ErrorAs(t, err, &ge)

		requireLazyRecovers(t, srv)
	}
}

func TestHostileTruncatedGreeting(t *testing.T) {
	requireNoLeaks(t)
	srv := startFake(t, sendBytes(fakeiproto.Greeting()[:50]), fakeiproto.Healthy)
	err := dialFails(t, srv)
	var ge *protocol.GreetingError
	require.ErrorAs(t, err, &ge, "%v", err)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.ErrorContains(t, err, "50 of 128 bytes")

	requireLazyRecovers(t, srv)
}

func TestHostileGreetingWrongSalt(t *testing.T) {
	requireNoLeaks(t)
	for _, tc := range []struct {
		name     string
		greeting []byte
		target   error // nil: any *GreetingError
	}{
		{"10-byte salt", fakeiproto.GreetingWithSalt(make([]byte, 10)), protocol.ErrSaltTooShort},
		{"19-byte salt", fakeiproto.GreetingWithSalt(make([]byte, 19)), protocol.ErrSaltTooShort},
		{"no salt", fakeiproto.GreetingWithSalt(nil), protocol.ErrSaltTooShort},
		{"salt not base64", fakeiproto.GreetingLines("Tarantool 2.6.0 (Binary)", "!!not*base64!!"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, sendBytes(tc.greeting), sendBytes(tc.greeting), fakeiproto.Healthy)
			// With and without authentication: the greeting is checked
			// before anything else.
			for _, opts := range []client.Options{fakeOptions(), {User: "u", Password: "p", SkipSchema: true}} {
				err := dialFails(t, srv, withOptions(opts))
				var ge *protocol.GreetingError
				require.ErrorAs(t, err, &ge)
				if tc.target != nil {
					require.ErrorIs(t, err, tc.target)
				}
			}
			requireLazyRecovers(t, srv)
		})
	}
}

// TestHostileNoGreeting: a server that accepts and never greets. Dial
// fails once DialTimeout (or the context) ends; a lazy client keeps
// trying, each attempt bounded the same way, and a request waiting for it
// fails by its own context, unsent.
func TestHostileNoGreeting(t *testing.T) {
	requireNoLeaks(t)
	srv := startFake(t, (*fakeiproto.Conn).Hold)

	opts := fakeOptions(func(o *client.Options) { o.DialTimeout = 50 * time.Millisecond })
	err := dialFails(t, srv, withOptions(opts))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ge *protocol.GreetingError
	require.False(t, errors.As(err, &ge), "silence is not a bad greeting: %v", err)
	// A Dial timing out in the greeting fails as one timing out in the
	// connect: a *transport.DialError (documented for a failed Dial).
	var de *transport.DialError
	require.ErrorAs(t, err, &de)
	require.Equal(t, srv.Addr(), de.Address)
	require.True(t, client.IsUnavailable(err))

	ctx, cancel := context.WithCancel(testContext(t))
	time.AfterFunc(50*time.Millisecond, cancel)
	c, err := client.Dial(ctx, srv.Addr(), fakeOptions())
	require.Nil(t, c)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorAs(t, err, &de)

	c, err = client.Lazy(srv.Addr(), opts)
	require.NoError(t, err)
	defer c.Close()
	ctx, cancel = context.WithTimeout(testContext(t), 200*time.Millisecond)
	defer cancel()
	r, err := await(t, c.Ping(ctx))
	cte := requireCtxError(t, r, err, context.DeadlineExceeded)
	require.False(t, cte.Sent)
	require.False(t, c.Connected())
}

// TestHostileAuthResponse: the answer to AUTH is a frame far above
// MaxFrameSize, or malformed. Dial fails with the protocol error, never
// an *AuthError.
func TestHostileAuthResponse(t *testing.T) {
	requireNoLeaks(t)
	for _, tc := range []struct {
		name   string
		answer []byte
		target any
	}{
		{"4 GiB length", []byte{0xce, 0xff, 0xff, 0xff, 0xff}, new(*protocol.FrameTooLargeError)},
		{"header not a map", fakeiproto.Frame([]byte{0x92, 0x00, 0x01}, nil), new(*protocol.MalformedError)},
		{"error body not a map", fakeiproto.Frame(fakeiproto.ResponseHeader(fakeiproto.ErrorCode(iproto.ER_CREDS_MISMATCH), 1), []byte{0xa1, 'x'}), new(*protocol.MalformedError)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, func(c *fakeiproto.Conn) error {
				req, err := greetThenRead(c)
				if err != nil {
					return err
				}
				if req.Type != iproto.IPROTO_AUTH {
					return errors.New("first request is not AUTH")
				}
				return c.Write(tc.answer)
			})
			err := dialFails(t, srv, withOptions(client.Options{User: "u", Password: "p", SkipSchema: true, MaxFrameSize: 4096}))
			require.ErrorAs(t, err, tc.target)
			var ae *client.AuthError
			require.False(t, errors.As(err, &ae), "not a refusal: %v", err)
		})
	}
}
