package main

import (
	"context"
	"errors"

	"github.com/txtarantool/txtarantool/client"
)

// Error kinds the demo counts and prints. A request that fails is in
// exactly one of them, tested in this order.
const (
	// kindServer: Tarantool executed the request and returned an error;
	// errorKind appends the code, e.g. "server error ER_TUPLE_FOUND".
	kindServer = "server error"
	// kindNotConnected: made while the client had no connection (and
	// WaitForReconnect was off or full); never sent, safe to retry.
	kindNotConnected = "not connected"
	// kindTimedOut: abandoned when its context (or the client's
	// RequestTimeout) expired; errorKind appends whether it was sent.
	kindTimedOut = "timed out"
	// kindNotSent: failed before it was written (connection broke with it
	// queued, client closed, ...); safe to retry.
	kindNotSent = "not sent"
	// kindOutcomeUnknown: written to a connection that broke before the
	// reply: the server may or may not have executed it.
	kindOutcomeUnknown = "sent, outcome unknown"
	// kindOther: anything else (decoding, ...).
	kindOther = "other"
)

// errorKind names the class of a request error, as the summary counts it.
func errorKind(err error) string {
	var server *client.ServerError
	switch {
	case errors.As(err, &server):
		return kindServer + " " + server.Code.String()
	case errors.Is(err, client.ErrNotConnected):
		return kindNotConnected
	case errors.Is(err, context.DeadlineExceeded) && errors.Is(err, client.ErrNotSent):
		return kindTimedOut + ", not sent"
	case errors.Is(err, context.DeadlineExceeded):
		return kindTimedOut + ", outcome unknown"
	case errors.Is(err, client.ErrNotSent):
		return kindNotSent
	case errors.Is(err, client.ErrOutcomeUnknown):
		return kindOutcomeUnknown
	default:
		return kindOther
	}
}
