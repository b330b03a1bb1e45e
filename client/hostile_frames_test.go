package client_test

// Hostile servers that break IPROTO framing or send response headers the
// client cannot read: a length prefix far above MaxFrameSize, a frame cut
// short, a header of the wrong shape or not even MessagePack. The client
// cannot tell where the next frame starts, so the connection breaks: every
// request in flight fails with a *client.ConnectionError (Sent: true)
// wrapping the protocol error, and the client reconnects per its policy.

import (
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
)

// hsAnswerOnce is a handler that greets, reads one request, answers it
// with answer and then holds the connection open: whatever breaks, the
// answer broke it, not the server closing.
func hsAnswerOnce(answer func(req fakeiproto.Request) []byte) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error {
		req, err := hsGreetThenRead(c)
		if err != nil {
			return err
		}
		if err := c.Write(answer(req)); err != nil {
			return err
		}
		return c.Hold()
	}
}

// hsBreaks checks that a ping answered by the first connection of srv
// fails with the connection broken by a protocol error matching target,
// and that the client then reconnects and serves.
func hsBreaks(t *testing.T, srv *fakeiproto.Server, opts client.Options, target any) *client.ConnectionError {
	t.Helper()
	c := hsDial(t, srv, opts)
	r, err := lcAwait(t, c.Ping(lcGuard(t)))
	ce := hsRequireBroken(t, r, err, target)
	hsRequireServes(t, c, "after the protocol error")
	require.Equal(t, 2, srv.Accepted())
	return ce
}

func TestHostileHugeLengthPrefix(t *testing.T) {
	hsNoLeaks(t)
	for _, tc := range []struct {
		name   string
		prefix []byte
		size   uint64
	}{
		{"uint32 max", []byte{0xce, 0xff, 0xff, 0xff, 0xff}, 0xffff_ffff},
		{"uint64 max", []byte{0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1<<64 - 1},
		{"one above the limit", []byte{0xcd, 0x10, 0x01}, 4097},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hsServer(t, hsAnswerOnce(func(fakeiproto.Request) []byte { return tc.prefix }), fakeiproto.Healthy)
			opts := hsOptions()
			opts.MaxFrameSize = 4096
			c := hsDial(t, srv, opts)

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r, err := lcAwait(t, c.Ping(lcGuard(t)))
			runtime.ReadMemStats(&after)
			var fe *protocol.FrameTooLargeError
			hsRequireBroken(t, r, err, &fe)
			require.Equal(t, tc.size, fe.Size)
			require.Equal(t, 4096, fe.Max)
			// The whole client, reconnection included, allocated far less
			// than the announced frame.
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))

			hsRequireServes(t, c, "after a huge length")
		})
	}
}

func TestHostileTruncatedFrame(t *testing.T) {
	hsNoLeaks(t)
	full := fakeiproto.Frame(fakeiproto.ResponseHeader(uint32(iproto.IPROTO_OK), 3), []byte{0x81, 0x30, 0x91, 0xa3, 'a', 'b', 'c'})
	for _, tc := range []struct {
		name string
		cut  int // bytes of the frame sent before closing
	}{
		{"within the prefix", 2},
		{"after the prefix", 5},
		{"within the header", 9},
		{"within the body", len(full) - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Three requests: the first is answered, the second gets half
			// a frame, then the server hangs up.
			srv := hsServer(t, func(c *fakeiproto.Conn) error {
				req, err := hsGreetThenRead(c)
				if err != nil {
					return err
				}
				for range 2 {
					if _, err := c.ReadRequest(); err != nil {
						return err
					}
				}
				if err := c.ReplyOK(req, "first"); err != nil {
					return err
				}
				return c.Write(full[:tc.cut])
			}, fakeiproto.Healthy)
			c := hsDial(t, srv, hsOptions())
			ctx := lcGuard(t)
			fs := []*future.Future[*client.Response]{c.Call(ctx, "f", "first"), c.Ping(ctx), c.Ping(ctx)}

			r, err := lcAwait(t, fs[0])
			require.NoError(t, err)
			require.Equal(t, []any{"first"}, lcValues(t, r))
			for _, f := range fs[1:] {
				r, err := lcAwait(t, f)
				var ce *client.ConnectionError
				hsRequireBroken(t, r, err, &ce)
				require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a frame cut short is not a clean end")
			}
			hsRequireServes(t, c, "after a truncated frame")
		})
	}
}

// hsHeader builds a header map by hand from raw msgpack keys and values.
func hsHeader(pairs ...[]byte) []byte {
	h := protocol.AppendMapHeader(nil, uint32(len(pairs)/2))
	for _, p := range pairs {
		h = append(h, p...)
	}
	return h
}

// hsUint is the msgpack of u.
func hsUint(u uint64) []byte { return protocol.AppendUint(nil, u) }

func TestHostileHeaderWrongTypes(t *testing.T) {
	hsNoLeaks(t)
	code, sync := hsUint(uint64(iproto.IPROTO_REQUEST_TYPE)), hsUint(uint64(iproto.IPROTO_SYNC))
	ok := hsUint(uint64(iproto.IPROTO_OK))
	for _, tc := range []struct {
		name   string
		header func(req fakeiproto.Request) []byte
	}{
		{"sync as string", func(r fakeiproto.Request) []byte {
			return hsHeader(code, ok, sync, protocol.AppendString(nil, "2"))
		}},
		{"negative sync", func(r fakeiproto.Request) []byte { return hsHeader(code, ok, sync, protocol.AppendInt(nil, -1)) }},
		{"code as array", func(r fakeiproto.Request) []byte {
			return hsHeader(code, []byte{0x91, 0x00}, sync, hsUint(r.Sync))
		}},
		{"code above uint32", func(r fakeiproto.Request) []byte { return hsHeader(code, hsUint(1<<40), sync, hsUint(r.Sync)) }},
		{"no sync", func(r fakeiproto.Request) []byte { return hsHeader(code, ok) }},
		{"no code", func(r fakeiproto.Request) []byte { return hsHeader(sync, hsUint(r.Sync)) }},
		{"header an array", func(r fakeiproto.Request) []byte {
			return protocol.AppendUint([]byte{0x92, 0x00}, r.Sync)
		}},
		{"string key", func(r fakeiproto.Request) []byte {
			return hsHeader(protocol.AppendString(nil, "sync"), hsUint(r.Sync), code, ok)
		}},
		{"empty frame", func(fakeiproto.Request) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hsServer(t, hsAnswerOnce(func(r fakeiproto.Request) []byte {
				return fakeiproto.Frame(tc.header(r), nil)
			}), fakeiproto.Healthy)
			var me *protocol.MalformedError
			hsBreaks(t, srv, hsOptions(), &me)
		})
	}
}

// TestHostileMalformedHeaderMsgpack: a header that is not MessagePack at
// all, or declares more bytes than the frame holds.
func TestHostileMalformedHeaderMsgpack(t *testing.T) {
	hsNoLeaks(t)
	for _, tc := range []struct {
		name   string
		header []byte
	}{
		{"never-used byte 0xc1", []byte{0xc1}},
		{"0xc1 as a key", []byte{0x82, 0xc1, 0x00, 0x01, 0x02}},
		{"map of 2^32-1 pairs", []byte{0xdf, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00}},
		{"string longer than the frame", hsHeader(hsUint(0x50), []byte{0xdb, 0x7f, 0xff, 0xff, 0xff, 'x'})},
		{"unknown key, value nested 1000 deep", hsHeader(hsUint(0x50), []byte(strings.Repeat("\x91", 1000)+"\x00"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hsServer(t, hsAnswerOnce(func(fakeiproto.Request) []byte { return fakeiproto.Frame(tc.header, nil) }), fakeiproto.Healthy)
			var me *protocol.MalformedError
			hsBreaks(t, srv, hsOptions(), &me)
		})
	}
}
