package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/txtarantool/txtarantool/protocol"
)

// handshakeSync is the sync id of the AUTH request sent during the
// handshake; the connection's own requests start after it.
const handshakeSync = 1

// handshake reads the greeting and, if opts name a user with a password or
// a non-guest user, authenticates with chap-sha1. It honours ctx (deadline
// and cancellation) by setting the socket deadline. It returns the reader
// to keep using, since it may have buffered bytes past the handshake.
func handshake(ctx context.Context, nc net.Conn, opts Options) (protocol.Greeting, *bufio.Reader, error) {
	if deadline, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		stop()
		_ = nc.SetDeadline(time.Time{})
	}()

	br := bufio.NewReaderSize(nc, readBufferSize)
	raw := make([]byte, protocol.GreetingSize)
	if n, err := io.ReadFull(br, raw); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// Some bytes came, then the server hung up: not a Tarantool
			// greeting (a clean EOF before any byte stays io.EOF).
			err = &protocol.GreetingError{Reason: fmt.Sprintf("connection closed after %d of %d bytes", n, protocol.GreetingSize), Err: err}
		}
		return protocol.Greeting{}, nil, handshakeError(ctx, "reading greeting", serverClosed(err))
	}
	greeting, err := protocol.ParseGreeting(raw)
	if err != nil {
		return protocol.Greeting{}, nil, err
	}
	if !needsAuth(opts) {
		return greeting, br, nil
	}
	if err := authenticate(br, nc, greeting, opts); err != nil {
		return protocol.Greeting{}, nil, handshakeError(ctx, "authenticating", err)
	}
	return greeting, br, nil
}

// needsAuth reports whether the options ask for a login: any user other
// than guest, or guest with a password.
func needsAuth(opts Options) bool {
	return opts.User != "" && (opts.User != "guest" || opts.Password != "")
}

// authenticate sends AUTH and reads its response.
func authenticate(br *bufio.Reader, nc net.Conn, greeting protocol.Greeting, opts Options) error {
	scramble, err := protocol.Scramble(greeting.Salt, opts.Password)
	if err != nil {
		return err
	}
	frame, err := protocol.AppendFrame(nil, protocol.Header{Sync: handshakeSync}, protocol.Auth{User: opts.User, Scramble: scramble})
	if err != nil {
		return err
	}
	if _, err := nc.Write(frame); err != nil {
		return err
	}
	response, err := readFrame(br, opts.MaxFrameSize)
	if err != nil {
		return serverClosed(err)
	}
	header, body, err := protocol.DecodeResponseHeader(response)
	if err != nil {
		return err
	}
	if !header.IsError() {
		return nil
	}
	serr, err := protocol.DecodeErrorBody(header, body)
	if err != nil {
		return err
	}
	return &AuthError{User: opts.User, Err: serr}
}

// handshakeError reports a handshake failure, preferring the context's
// cause when the failure is the deadline the context put on the socket.
func handshakeError(ctx context.Context, step string, err error) error {
	var auth *AuthError
	if errors.As(err, &auth) {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("txtarantool: %s: %w", step, context.Cause(ctx))
	}
	// The socket deadline is the context's deadline, but the runtime's
	// timer for it may fire before the context's own timer: a timeout
	// once that deadline has passed is the context's expiry all the same.
	var ne net.Error
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) && errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("txtarantool: %s: %w: %w", step, context.DeadlineExceeded, err)
	}
	return fmt.Errorf("txtarantool: %s: %w", step, err)
}
