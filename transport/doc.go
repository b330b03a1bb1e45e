// Package transport opens the byte streams a Tarantool client speaks IPROTO
// over: TCP connections and Unix domain socket connections, optionally with
// TLS on top ([WithTLS], [TLSDialer]).
//
// It knows nothing about IPROTO itself. A [Dialer] turns an address into a
// connected [net.Conn]; [ParseAddress] turns the address forms users write
// ("host:port", "tcp://host:port", "unix:/path", "/path.sock", ...) into a
// canonical [Address]; [NewDialer] does both and picks the right dialer.
//
// Dial failures are reported as *[DialError] and malformed addresses as
// *[AddressError], both matchable with [errors.As]; a failed TLS handshake
// is a *[TLSError] inside the *DialError. When a dial fails because
// its context was cancelled or ran out of time, the error also matches
// [context.Canceled] or [context.DeadlineExceeded] with [errors.Is].
//
// The client ([github.com/txtarantool/txtarantool/client.Dial]) builds a
// Dialer from the address it is given, or uses the one in its Options; it
// then speaks IPROTO over the connection with the
// [github.com/txtarantool/txtarantool/protocol] package.
package transport
