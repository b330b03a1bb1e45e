package transport

import (
	"context"
	"net"
	"time"
)

// UnixDialer dials a Unix domain stream socket. The zero value is not
// usable: set Path.
type UnixDialer struct {
	// Path is the socket path, absolute or relative to the working
	// directory.
	Path string
	// ConnectTimeout, when positive, bounds each Dial on top of the
	// deadline of the context passed to it.
	ConnectTimeout time.Duration
}

// Dial opens one connection to the socket at d.Path, bounded by ctx and
// d.ConnectTimeout, and returns a *DialError on failure. A connect to a local
// socket normally completes or fails at once.
func (d *UnixDialer) Dial(ctx context.Context) (net.Conn, error) {
	var nd net.Dialer
	return dial(ctx, &nd, "unix", d.Path, d.Address(), d.ConnectTimeout)
}

// Address returns "unix:" followed by d.Path. It allocates the string.
func (d *UnixDialer) Address() string { return "unix:" + d.Path }
