package transport

import (
	"context"
	"net"
	"time"
)

// TCPDialer dials a TCP address. TCP_NODELAY is always on (Go's default for
// TCP connections): IPROTO clients batch writes themselves and must not wait
// for Nagle's algorithm. The zero value is not usable: set Addr.
type TCPDialer struct {
	// Addr is "host:port"; a host name is resolved on every Dial.
	Addr string
	// KeepAlive is the TCP keep-alive period: zero means DefaultKeepAlive
	// (30s), a negative value disables keep-alives.
	KeepAlive time.Duration
	// ConnectTimeout, when positive, bounds each Dial on top of the
	// deadline of the context passed to it.
	ConnectTimeout time.Duration
}

// Dial opens one TCP connection to d.Addr. It blocks for the DNS lookup (if
// any) and the TCP handshake, bounded by ctx and d.ConnectTimeout, and
// returns a *DialError on failure.
func (d *TCPDialer) Dial(ctx context.Context) (net.Conn, error) {
	ka := d.KeepAlive
	if ka == 0 {
		ka = DefaultKeepAlive
	}
	nd := net.Dialer{KeepAlive: ka}
	return dial(ctx, &nd, "tcp", d.Addr, d.Addr, d.ConnectTimeout)
}

// Address returns d.Addr. It does not allocate.
func (d *TCPDialer) Address() string { return d.Addr }
