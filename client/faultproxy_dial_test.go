package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/faultproxy"
	"github.com/txtarantool/txtarantool/transport"
)

// TestDialGreetingTimeoutThroughProxy: a real server behind a proxy that
// holds every byte the server sends (the TCP connect succeeds, the
// greeting never arrives) makes Dial fail at its deadline with a
// *transport.DialError matching context.DeadlineExceeded; a greeting that
// arrives slowly but in time still connects.
func TestDialGreetingTimeoutThroughProxy(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	p := faultproxy.New(t, srv.Addr())
	p.BlackHole(faultproxy.ToClient)

	start := time.Now()
	ctx, cancel := context.WithTimeout(testContext(t), 300*time.Millisecond)
	defer cancel()
	c, err := client.Dial(ctx, p.Addr(), testOptions())
	require.Nil(t, c)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var de *transport.DialError
	require.ErrorAs(t, err, &de, "%v", err)
	require.Equal(t, p.Addr(), de.Address)
	require.Less(t, time.Since(start), 3*time.Second)
	require.Equal(t, 1, p.Accepted(), "the connect itself succeeded")

	p.Heal()
	p.Latency(50 * time.Millisecond)
	c = dial(t, p.Addr())
	_, err = await(t, c.Ping(testContext(t)))
	require.NoError(t, err)
}
