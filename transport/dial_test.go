package transport_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/transport"
)

// serveHello accepts connections on ln and writes "hello" to each.
func serveHello(t *testing.T, ln net.Listener) {
	t.Helper()
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("hello"))
			_ = c.Close()
		}
	}()
}

// readHello dials d and checks that the server says hello.
func readHello(t *testing.T, d transport.Dialer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := d.Dial(ctx)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 5)
	_, err = io.ReadFull(conn, buf) // a TLS Read may return the data with io.EOF
	require.NoError(t, err)
	require.Equal(t, "hello", string(buf))
}

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// shortTempDir returns a temp dir short enough for a socket path.
func shortTempDir(t *testing.T) string {
	t.Helper()
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "tr")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func TestTCPDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	serveHello(t, ln)

	d, err := transport.NewDialer(ln.Addr().String(), transport.WithKeepAlive(time.Minute), transport.WithConnectTimeout(5*time.Second))
	require.NoError(t, err)
	tcp, ok := d.(*transport.TCPDialer)
	require.True(t, ok, "want *TCPDialer, got %T", d)
	require.Equal(t, time.Minute, tcp.KeepAlive)
	require.Equal(t, 5*time.Second, tcp.ConnectTimeout)
	require.Equal(t, ln.Addr().String(), d.Address())
	readHello(t, d)

	// Keep-alive disabled and the zero (default) value both dial.
	readHello(t, &transport.TCPDialer{Addr: ln.Addr().String(), KeepAlive: -1})
	readHello(t, &transport.TCPDialer{Addr: ln.Addr().String()})
}

func TestTCPDialIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	serveHello(t, ln)
	d, err := transport.NewDialer(ln.Addr().String())
	require.NoError(t, err)
	readHello(t, d)
}

func TestUnixDial(t *testing.T) {
	path := filepath.Join(shortTempDir(t), "t.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(t, err)
	serveHello(t, ln)

	for _, addr := range []string{path, "unix:" + path, "unix://" + path, "unix/:" + path} {
		d, err := transport.NewDialer(addr)
		require.NoError(t, err)
		require.IsType(t, &transport.UnixDialer{}, d)
		require.Equal(t, "unix:"+path, d.Address())
		readHello(t, d)
	}
}

func TestDialClosedPortFails(t *testing.T) {
	addr := closedPort(t)
	d, err := transport.NewDialer(addr)
	require.NoError(t, err)
	conn, err := d.Dial(context.Background())
	require.Nil(t, conn)
	var de *transport.DialError
	require.True(t, errors.As(err, &de), "want *DialError, got %T %v", err, err)
	require.Equal(t, addr, de.Address)
	var oe *net.OpError
	require.True(t, errors.As(err, &oe), "cause must be the net error")
	require.Contains(t, err.Error(), addr)
	require.False(t, errors.Is(err, context.DeadlineExceeded))
}

func TestDialMissingUnixSocketFails(t *testing.T) {
	path := filepath.Join(shortTempDir(t), "missing.sock")
	d := &transport.UnixDialer{Path: path}
	_, err := d.Dial(context.Background())
	var de *transport.DialError
	require.True(t, errors.As(err, &de))
	require.Equal(t, "unix:"+path, de.Address)
	require.True(t, errors.Is(err, fs.ErrNotExist), "got %v", err)
}

func TestDialExpiredContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	serveHello(t, ln)
	upath := filepath.Join(shortTempDir(t), "t.sock")
	uln, err := net.Listen("unix", upath)
	require.NoError(t, err)
	serveHello(t, uln)

	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()

	for _, d := range []transport.Dialer{
		&transport.TCPDialer{Addr: ln.Addr().String()},
		&transport.UnixDialer{Path: upath},
	} {
		_, err := d.Dial(expired)
		var de *transport.DialError
		require.True(t, errors.As(err, &de), "got %T %v", err, err)
		require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)

		_, err = d.Dial(cancelled)
		require.True(t, errors.As(err, &de), "got %T %v", err, err)
		require.True(t, errors.Is(err, context.Canceled), "got %v", err)
	}
}

func TestNewDialerInvalidAddress(t *testing.T) {
	d, err := transport.NewDialer("localhost")
	require.Nil(t, d)
	var ae *transport.AddressError
	require.True(t, errors.As(err, &ae))
}
