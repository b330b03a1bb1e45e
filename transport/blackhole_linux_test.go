//go:build linux

package transport_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/transport"
)

// blackHole returns a 127.0.0.1 address whose listener never accepts and has
// a zero backlog, so that once its accept queue is full further connection
// attempts hang in SYN retransmission.
func blackHole(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, syscall.Listen(fd, 0))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	port := sa.(*syscall.SockaddrInet4).Port
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

func TestDialDeadlineAgainstBlackHole(t *testing.T) {
	addr := blackHole(t)
	d := &transport.TCPDialer{Addr: addr}
	// Fill the accept queue: the first attempts succeed at the TCP level;
	// once the queue is full the kernel drops SYNs and a dial hangs until
	// its deadline.
	var held []net.Conn
	t.Cleanup(func() {
		for _, c := range held {
			_ = c.Close()
		}
	})
	for i := 0; i < 16; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		conn, err := d.Dial(ctx)
		elapsed := time.Since(start)
		cancel()
		if err == nil {
			held = append(held, conn)
			continue
		}
		var de *transport.DialError
		require.True(t, errors.As(err, &de), "got %T %v", err, err)
		require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
		require.GreaterOrEqual(t, elapsed, 250*time.Millisecond)
		require.Less(t, elapsed, 5*time.Second)

		// ConnectTimeout alone bounds the dial too.
		d2 := &transport.TCPDialer{Addr: addr, ConnectTimeout: 200 * time.Millisecond}
		start = time.Now()
		_, err = d2.Dial(context.Background())
		require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
		require.Less(t, time.Since(start), 5*time.Second)
		return
	}
	t.Skip("the kernel accepted every connection; cannot build a black hole here")
}
