package transport

import "fmt"

// AddressError reports an address string that [ParseAddress] cannot accept,
// or (from [NewDialer] and [NewTLSDialer]) TLS to an address that names no
// host while tls.Config.ServerName is empty. Match it with errors.As.
type AddressError struct {
	// Input is the address string as given, with the password of any
	// userinfo replaced by xxxxx ("user:xxxxx@host:3301"), so that
	// printing the error in any way never shows a password.
	Input string
	// Reason says what is wrong with it, in words a user can act on.
	Reason string
}

// Error returns a one-line description naming the input and the reason.
// It allocates the message on every call.
func (e *AddressError) Error() string {
	return fmt.Sprintf("transport: invalid address %q: %s", e.Input, e.Reason)
}

// DialError reports a failure to open a connection. Err is the underlying
// cause: usually a *net.OpError, and when the dial's context was cancelled or
// timed out it also matches context.Canceled or context.DeadlineExceeded with
// errors.Is. Match DialError itself with errors.As.
type DialError struct {
	// Address is the canonical address that was dialled, as returned by
	// Dialer.Address.
	Address string
	// Err is the cause.
	Err error
}

// Error returns a one-line description naming the address and the cause.
// It allocates the message on every call.
func (e *DialError) Error() string {
	return fmt.Sprintf("transport: dial %s: %v", e.Address, e.Err)
}

// Unwrap returns the cause, so errors.Is and errors.As see through DialError.
func (e *DialError) Unwrap() error { return e.Err }

// TLSError reports a failed TLS handshake, which a *TLSDialer's Dial
// returns wrapped in a *DialError, or an alert the server sent after the
// handshake, which a TLS connection's Read or Write returns (with TLS 1.3 a
// rejected client certificate shows so). Err is the cause as crypto/tls
// reports it: for example an
// x509.UnknownAuthorityError (the server's certificate is not signed by a
// trusted CA), an x509.HostnameError (it is not valid for ServerName), a
// tls.RecordHeaderError (the server does not speak TLS), a received alert
// such as "remote error: tls: certificate required", or the context's error
// when the handshake ran out of time. Match TLSError with errors.As and the
// cause with errors.As or errors.Is.
type TLSError struct {
	// ServerName is the name the server's certificate was verified
	// against ("" with InsecureSkipVerify).
	ServerName string
	// Err is the cause.
	Err error
}

// Error returns a one-line description naming the server name and the
// cause. It allocates the message on every call.
func (e *TLSError) Error() string {
	return fmt.Sprintf("tls handshake (server name %q): %v", e.ServerName, e.Err)
}

// Unwrap returns the cause, so errors.Is and errors.As see through TLSError.
func (e *TLSError) Unwrap() error { return e.Err }
