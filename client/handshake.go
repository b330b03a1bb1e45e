package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/internal/wire"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// Sync ids of the handshake's requests; the connection's own requests
// start after handshakeSync, the last of them.
const (
	authSync      = 1
	idSync        = 2
	handshakeSync = idSync
)

// handshake reads the greeting and then, in one write, sends IPROTO_ID to
// a server whose greeting says 2.10 or later (see idMinVersion) and, if
// opts name a user with a password or a non-guest user, AUTH with
// chap-sha1; it reads their responses. So negotiation costs no round trip
// with authentication, and one without it, and none with a server before
// 2.10. A server that rejects ID with ER_UNKNOWN_REQUEST_TYPE is kept as
// a protocol version 0 server. It honours ctx (deadline and cancellation)
// by setting the socket deadline. It returns the reader to keep using,
// since it may have buffered bytes past the handshake.
func handshake(ctx context.Context, nc net.Conn, opts Options) (protocol.Greeting, ServerInfo, *bufio.Reader, error) {
	if deadline, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		stop()
		_ = nc.SetDeadline(time.Time{})
	}()

	br := bufio.NewReaderSize(nc, wire.ReadBufferSize)
	raw := make([]byte, protocol.GreetingSize)
	if n, err := io.ReadFull(br, raw); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// Some bytes came, then the server hung up: not a Tarantool
			// greeting (a clean EOF before any byte stays io.EOF).
			err = &protocol.GreetingError{Reason: fmt.Sprintf("connection closed after %d of %d bytes", n, protocol.GreetingSize), Err: err}
		}
		return protocol.Greeting{}, ServerInfo{}, nil, handshakeError(ctx, "reading greeting", serverClosed(err))
	}
	greeting, err := protocol.ParseGreeting(raw)
	if err != nil {
		return protocol.Greeting{}, ServerInfo{}, nil, err
	}
	info := ServerInfo{Version: greeting.Version}
	sendID := greeting.Version.AtLeast(idMinVersion.Major, idMinVersion.Minor, idMinVersion.Patch)
	auth := needsAuth(opts)
	if !sendID && !auth {
		return greeting, info, br, nil
	}
	var out []byte
	if sendID {
		if out, err = protocol.AppendFrame(out, protocol.Header{Sync: idSync}, announced(opts)); err != nil {
			return protocol.Greeting{}, ServerInfo{}, nil, err
		}
	}
	if auth {
		scramble, err := protocol.Scramble(greeting.Salt, opts.Password)
		if err != nil {
			return protocol.Greeting{}, ServerInfo{}, nil, err
		}
		if out, err = protocol.AppendFrame(out, protocol.Header{Sync: authSync}, protocol.Auth{User: opts.User, Scramble: scramble}); err != nil {
			return protocol.Greeting{}, ServerInfo{}, nil, err
		}
	}
	if _, err := nc.Write(out); err != nil {
		return protocol.Greeting{}, ServerInfo{}, nil, handshakeError(ctx, handshakeStep(sendID, auth), err)
	}
	// Read the responses by sync id, whatever their order.
	for pending := btoi(sendID) + btoi(auth); pending > 0; pending-- {
		step, err := readHandshakeResponse(br, opts, &info, &sendID, &auth)
		if err != nil {
			return protocol.Greeting{}, ServerInfo{}, nil, handshakeError(ctx, step, err)
		}
	}
	return greeting, info, br, nil
}

// handshakeStep names what the handshake is doing, for its errors.
func handshakeStep(id, auth bool) string {
	switch {
	case id && auth:
		return "negotiating features and authenticating"
	case id:
		return "negotiating features"
	default:
		return "authenticating"
	}
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readHandshakeResponse reads the response to the ID request (*id) or to
// AUTH (*auth), whichever comes, and clears its flag: an ID answer fills
// info, ER_UNKNOWN_REQUEST_TYPE leaves it at protocol version 0, an AUTH
// error is an *AuthError. A response to neither (by its sync id) is a
// *protocol.MalformedError. It returns the step the response belongs to.
func readHandshakeResponse(br *bufio.Reader, opts Options, info *ServerInfo, id, auth *bool) (string, error) {
	step := handshakeStep(*id, *auth)
	response, err := wire.ReadFrame(br, opts.MaxFrameSize)
	if err != nil {
		return step, serverClosed(err)
	}
	header, body, err := protocol.DecodeResponseHeader(response)
	if err != nil {
		return step, err
	}
	switch {
	case header.Sync == idSync && *id:
		*id = false
		step = "negotiating features"
		if header.IsError() {
			serr, err := protocol.DecodeErrorBody(header, body)
			if err != nil {
				return step, err
			}
			if serr.Code == iproto.ER_UNKNOWN_REQUEST_TYPE {
				return step, nil // a server without IPROTO_ID: version 0
			}
			return step, serr
		}
		announced, err := protocol.DecodeIDBody(body)
		if err != nil {
			return step, err
		}
		info.ProtocolVersion, info.Features, info.AuthType = announced.Version, announced.Features, announced.AuthType
		return step, nil
	case header.Sync == authSync && *auth:
		*auth = false
		step = "authenticating"
		if !header.IsError() {
			return step, nil
		}
		serr, err := protocol.DecodeErrorBody(header, body)
		if err != nil {
			return step, err
		}
		return step, &AuthError{User: opts.User, Err: serr}
	default:
		return step, &protocol.MalformedError{What: "handshake response with unexpected sync id " + strconv.FormatUint(header.Sync, 10), Offset: -1}
	}
}

// needsAuth reports whether the options ask for a login: any user other
// than guest, or guest with a password.
func needsAuth(opts Options) bool {
	return opts.User != "" && (opts.User != "guest" || opts.Password != "")
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

// dialFailure returns a handshake failure of the connection to addr as the
// documented type of a failed Dial: one caused by the connection itself
// (the context's end, a timeout, an I/O error, a TLS alert, the server
// hanging up before it greeted or answered) is a *transport.DialError
// wrapping it, so
// that a Dial timing out in the greeting is a *transport.DialError that
// matches context.DeadlineExceeded, like one timing out in the connect.
// Refused credentials (*AuthError) and what the server said wrong (a
// *protocol.GreetingError, a *protocol.MalformedError, a *ServerError)
// are returned as they are.
func dialFailure(addr string, err error) error {
	var (
		de *transport.DialError
		ae *AuthError
		ge *protocol.GreetingError
		te *transport.TLSError
		ne net.Error
	)
	switch {
	case errors.As(err, &de), errors.As(err, &ae), errors.As(err, &ge):
		return err
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, ErrServerClosed), errors.As(err, &te), errors.As(err, &ne):
		return &transport.DialError{Address: addr, Err: err}
	}
	return err
}
