package transport

import "fmt"

// AddressError reports an address string that [ParseAddress] cannot accept.
// Match it with errors.As.
type AddressError struct {
	// Input is the address string as given.
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
