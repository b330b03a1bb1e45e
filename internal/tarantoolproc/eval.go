package tarantoolproc

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// evalMaxFrame bounds the size of an eval response Eval accepts.
const evalMaxFrame = 16 << 20

// Eval runs the Lua expr with args on the instance, as user with password
// (empty user: guest), over a connection of its own that it closes before
// returning, and decodes the results (IPROTO_DATA, an array of the values
// expr returned) into out with protocol.Decode; out may be nil to drop them.
// It is a small synchronous admin path for harnesses (promote, demote,
// vclock), independent of the client package. An error response is a
// *protocol.ServerError, so errors.Is(err, protocol.ErrorCode(code)) matches
// it; ctx bounds the whole exchange. It costs a dial, a greeting, an auth and
// one request: about a millisecond on loopback.
func (i *Instance) Eval(ctx context.Context, user, password, expr string, args []any, out any) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, i.network, i.dialAddr)
	if err != nil {
		return fmt.Errorf("tarantoolproc: eval on %s: %w", i.addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := evalOn(conn, user, password, expr, args, out); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("tarantoolproc: eval on %s: %w (%v)", i.addr, ctx.Err(), err)
		}
		return fmt.Errorf("tarantoolproc: eval on %s: %w", i.addr, err)
	}
	return nil
}

// evalOn runs the greeting, auth and eval exchange on conn.
func evalOn(conn net.Conn, user, password, expr string, args []any, out any) error {
	greeting := make([]byte, greetingSize)
	if _, err := io.ReadFull(conn, greeting); err != nil {
		return err
	}
	g, err := protocol.ParseGreeting(greeting)
	if err != nil {
		return err
	}
	var sync uint64
	if user != "" && user != "guest" {
		scramble, err := protocol.Scramble(g.Salt, password)
		if err != nil {
			return err
		}
		sync++
		if _, err := roundTrip(conn, sync, &protocol.Auth{User: user, Scramble: scramble}); err != nil {
			return err
		}
	}
	if args == nil {
		args = []any{}
	}
	sync++
	data, err := roundTrip(conn, sync, &protocol.Eval{Expr: expr, Args: args})
	if err != nil || out == nil {
		return err
	}
	return protocol.Decode(data, out)
}

// roundTrip sends one request and reads its response, returning the
// IPROTO_DATA of an OK response or the *protocol.ServerError of an error one.
func roundTrip(conn net.Conn, sync uint64, r protocol.Request) ([]byte, error) {
	frame, err := protocol.AppendFrame(nil, protocol.Header{Sync: sync}, r)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(frame); err != nil {
		return nil, err
	}
	var prefix [5]byte
	if _, err := io.ReadFull(conn, prefix[:]); err != nil {
		return nil, err
	}
	if prefix[0] != 0xce {
		return nil, fmt.Errorf("unexpected frame prefix %#x", prefix[0])
	}
	size := binary.BigEndian.Uint32(prefix[1:])
	if size > evalMaxFrame {
		return nil, fmt.Errorf("response of %d bytes exceeds %d", size, evalMaxFrame)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(conn, body); err != nil {
		return nil, err
	}
	h, rest, err := protocol.DecodeResponseHeader(body)
	if err != nil {
		return nil, err
	}
	if h.Sync != sync {
		return nil, fmt.Errorf("response sync %d, want %d", h.Sync, sync)
	}
	if h.IsError() {
		se, err := protocol.DecodeErrorBody(h, rest)
		if err != nil {
			return nil, err
		}
		return nil, se
	}
	if h.Code != uint32(iproto.IPROTO_OK) {
		return nil, fmt.Errorf("unexpected response code %#x", h.Code)
	}
	b, err := protocol.DecodeBody(rest)
	if err != nil {
		return nil, err
	}
	return b.Data, nil
}
