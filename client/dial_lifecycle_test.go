package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

func TestDialClosedPort(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	c, err := client.Dial(testContext(t), addr, client.Options{User: testUser, Password: testPassword})
	require.Nil(t, c)
	var de *transport.DialError
	require.ErrorAs(t, err, &de)
	require.Equal(t, addr, de.Address)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
}

func TestDialBadAddress(t *testing.T) {
	t.Parallel()
	c, err := client.Dial(testContext(t), "tcp://", client.Options{})
	require.Nil(t, c)
	var ae *transport.AddressError
	require.ErrorAs(t, err, &ae)
}

func TestDialContextDeadlineBoundsHandshake(t *testing.T) {
	t.Parallel()
	addr := silentServer(t, nil)
	// Many attempts: the socket deadline and the context's timer expire
	// at the same instant, and whichever is seen first the error must
	// match the context's.
	for i := range 20 {
		ctx, cancel := context.WithTimeout(testContext(t), 20*time.Millisecond)
		c, err := client.Dial(ctx, addr, client.Options{})
		cancel()
		require.Nil(t, c)
		require.ErrorIs(t, err, context.DeadlineExceeded, "attempt %d: %v", i, err)
	}
}

func TestDialContextCancelledDuringHandshake(t *testing.T) {
	t.Parallel()
	addr := silentServer(t, nil)
	ctx, cancel := context.WithCancel(testContext(t))
	time.AfterFunc(50*time.Millisecond, cancel)
	c, err := client.Dial(ctx, addr, client.Options{})
	require.Nil(t, c)
	require.ErrorIs(t, err, context.Canceled)
}

func TestDialTimeoutOption(t *testing.T) {
	t.Parallel()
	addr := silentServer(t, nil)
	for i := range 10 {
		c, err := client.Dial(context.Background(), addr, client.Options{DialTimeout: 20 * time.Millisecond})
		require.Nil(t, c)
		require.ErrorIs(t, err, context.DeadlineExceeded, "attempt %d: %v", i, err)
	}

	// The earlier of the context's deadline and DialTimeout applies.
	ctx, cancel := context.WithTimeout(testContext(t), 20*time.Millisecond)
	defer cancel()
	c, err := client.Dial(ctx, addr, client.Options{DialTimeout: time.Hour})
	require.Nil(t, c)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestDialTimeoutWaitsForAuthAnswer: a server that greets but never answers
// the AUTH request is bounded the same way.
func TestDialTimeoutWaitsForAuthAnswer(t *testing.T) {
	t.Parallel()
	addr := silentServer(t, fakeiproto.Greeting())
	c, err := client.Dial(context.Background(), addr, client.Options{User: "u", Password: "p", DialTimeout: 50 * time.Millisecond})
	require.Nil(t, c)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ae *client.AuthError
	require.False(t, errors.As(err, &ae), "no answer is not a refusal")
}

func TestDialNotTarantool(t *testing.T) {
	t.Parallel()
	junk := make([]byte, protocol.GreetingSize)
	copy(junk, "HTTP/1.1 400 Bad Request\r\n")
	addr := silentServer(t, junk)
	c, err := client.Dial(testContext(t), addr, client.Options{})
	require.Nil(t, c)
	var ge *protocol.GreetingError
	require.ErrorAs(t, err, &ge)
}

func TestDialSucceedsAndReportsServer(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	c := dialShared(t)
	require.Equal(t, srv.Addr(), c.Addr())
	g := c.Greeting()
	require.Equal(t, "Tarantool", g.Product)
	require.True(t, g.Version.AtLeast(1, 10, 0), "version %v", g.Version)
	require.NotNil(t, c.Schema())
	sp, ok := c.Schema().SpaceByName("test")
	require.True(t, ok)
	require.EqualValues(t, 512, sp.ID)
	require.Zero(t, c.InFlight())
	require.NoError(t, c.Close())
	require.Equal(t, "", c.Greeting().Product, "no greeting once closed")
}
