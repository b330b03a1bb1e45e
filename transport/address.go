package transport

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

// Networks an [Address] can name.
const (
	// NetworkTCP is the Network of a TCP address ("host:port").
	NetworkTCP = "tcp"
	// NetworkUnix is the Network of a Unix domain socket address (a path).
	NetworkUnix = "unix"
)

// maxUnixPath is the longest socket path Linux accepts: sun_path holds 108
// bytes including the terminating NUL.
const maxUnixPath = 107

// defaultHost is the host a bare port number refers to.
const defaultHost = "127.0.0.1"

// Address is a parsed, canonical server address.
//
// For NetworkTCP, Address is "host:port" as produced by net.JoinHostPort
// (IPv6 literals in brackets). For NetworkUnix, Address is the socket path,
// absolute or relative, exactly as written.
type Address struct {
	// Network is NetworkTCP or NetworkUnix.
	Network string
	// Address is "host:port" for TCP or the socket path for Unix.
	Address string
}

// String returns the canonical form of a: "host:port" for TCP and
// "unix:/path" for Unix sockets. ParseAddress(a.String()) returns a again.
// The zero Address yields "". It allocates for Unix addresses only.
func (a Address) String() string {
	switch a.Network {
	case "":
		return a.Address
	case NetworkTCP:
		return a.Address
	case NetworkUnix:
		return "unix:" + a.Address
	default:
		return a.Network + ":" + a.Address
	}
}

// ParseAddress parses an address as users write it. It does no I/O and no
// name resolution; the cost is a few small allocations.
//
// Accepted forms:
//
//	host:port            TCP, e.g. "localhost:3301", "10.0.0.1:3301"
//	[ipv6]:port          TCP, e.g. "[::1]:3301"
//	tcp://host:port      TCP; nothing may follow the port
//	port                 TCP on 127.0.0.1, e.g. "3301" (as Tarantool's own
//	                     URIs allow); 127.0.0.1 rather than "localhost" so that
//	                     the result never depends on how localhost resolves
//	unix:PATH            Unix socket; PATH may be relative ("unix:t.sock")
//	unix/:PATH           Unix socket, Tarantool's own URI form
//	unix:///abs/path     Unix socket at /abs/path; "unix://rel" is rejected
//	                     because it reads as a URL host, not a path
//	/abs/path            Unix socket (anything starting with "/")
//	./rel, ../rel        Unix socket relative to the working directory
//
// Scheme prefixes are case-insensitive and surrounding spaces are ignored.
// Rejected, with an *AddressError: the empty string, credentials
// ("user:pass@host:port": the client takes them, see [SplitCredentials]),
// a missing or
// non-numeric port, port 0 or above 65535, a missing host, and Unix socket
// paths longer than 107 bytes (the Linux limit) or containing NUL.
func ParseAddress(s string) (Address, error) {
	in := strings.TrimSpace(s)
	shown := redact(s) // what an AddressError shows: no password
	fail := func(reason string) (Address, error) {
		return Address{}, &AddressError{Input: shown, Reason: reason}
	}
	if in == "" {
		return fail("empty address")
	}
	lower := strings.ToLower(in)
	switch {
	case strings.HasPrefix(lower, "unix://"):
		path := in[len("unix://"):]
		if !strings.HasPrefix(path, "/") {
			return fail(`"unix://" must be followed by an absolute path, as in "unix:///tmp/t.sock"; use "unix:` + path + `" for a relative path`)
		}
		return unixAddress(shown, path)
	case strings.HasPrefix(lower, "unix/:"):
		return unixAddress(shown, in[len("unix/:"):])
	case strings.HasPrefix(lower, "unix:"):
		return unixAddress(shown, in[len("unix:"):])
	case strings.HasPrefix(in, "/"), strings.HasPrefix(in, "./"), strings.HasPrefix(in, "../"):
		return unixAddress(shown, in)
	case strings.HasPrefix(lower, "tcp://"):
		return tcpAddress(shown, in[len("tcp://"):])
	case strings.Contains(in, "://"):
		return fail(`unknown scheme; use "tcp://" or "unix:"`)
	case isDigits(in):
		return tcpAddress(shown, net.JoinHostPort(defaultHost, in))
	default:
		return tcpAddress(shown, in)
	}
}

// unixAddress validates a Unix socket path taken from input.
func unixAddress(input, path string) (Address, error) {
	switch {
	case path == "":
		return Address{}, &AddressError{Input: input, Reason: "empty unix socket path"}
	case strings.IndexByte(path, 0) >= 0:
		return Address{}, &AddressError{Input: input, Reason: "unix socket path contains a NUL byte"}
	case len(path) > maxUnixPath:
		return Address{}, &AddressError{Input: input, Reason: "unix socket path is " + strconv.Itoa(len(path)) + " bytes long; the limit is " + strconv.Itoa(maxUnixPath)}
	}
	return Address{Network: NetworkUnix, Address: path}, nil
}

// tcpAddress validates "host:port" taken from input and canonicalises it.
func tcpAddress(input, hostport string) (Address, error) {
	fail := func(reason string) (Address, error) {
		return Address{}, &AddressError{Input: input, Reason: reason}
	}
	if strings.Contains(hostport, "@") {
		return fail("credentials (user:password@) are not part of a dialer's address; client.Dial accepts them, or set client.Options.User and Password")
	}
	if strings.ContainsAny(hostport, "/?#") {
		return fail("a TCP address is host:port with nothing after the port")
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		var addrErr *net.AddrError
		if errors.As(err, &addrErr) {
			return fail(addrErr.Err + "; expected host:port")
		}
		return fail(err.Error())
	}
	if host == "" {
		return fail("missing host; expected host:port")
	}
	if !isDigits(port) {
		return fail("port " + strconv.Quote(port) + " is not a number")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fail("port " + port + " is out of range 1-65535")
	}
	return Address{Network: NetworkTCP, Address: net.JoinHostPort(host, strconv.Itoa(n))}, nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
