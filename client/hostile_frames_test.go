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

// answerOnce is a handler that greets, reads one request, answers it
// with answer and then holds the connection open: whatever breaks, the
// answer broke it, not the server closing.
func answerOnce(answer func(req fakeiproto.Request) []byte) fakeiproto.Handler {
	return func(c *fakeiproto.Conn) error {
		req, err := greetThenRead(c)
		if err != nil {
			return err
		}
		if err := c.Write(answer(req)); err != nil {
			return err
		}
		return c.Hold()
	}
}

// requireBreaks checks that a ping answered by the first connection of srv
// fails with the connection broken by a protocol error matching target,
// and that the client (fakeOptions) then reconnects and serves.
func requireBreaks(t *testing.T, srv *fakeiproto.Server, target any) *client.ConnectionError {
	t.Helper()
	c := dialFake(t, srv)
	r, err := await(t, c.Ping(testContext(t)))
	ce := requireConnError(t, r, err, true, errConnLost)
	require.ErrorAs(t, err, target)
	requireEchoes(t, c, "after the protocol error")
	require.Equal(t, 2, srv.Accepted())
	return ce
}

func TestHostileHugeLengthPrefix(t *testing.T) {
	requireNoLeaks(t)
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
			srv := startFake(t, answerOnce(func(fakeiproto.Request) []byte { return tc.prefix }), fakeiproto.Healthy)
			c := dialFake(t, srv, func(o *client.Options) { o.MaxFrameSize = 4096 })

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r, err := await(t, c.Ping(testContext(t)))
			runtime.ReadMemStats(&after)
			var fe *protocol.FrameTooLargeError
			requireConnError(t, r, err, true, errConnLost)
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.size, fe.Size)
			require.Equal(t, 4096, fe.Max)
			// The whole client, reconnection included, allocated far less
			// than the announced frame.
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))

			requireEchoes(t, c, "after a huge length")
		})
	}
}

func TestHostileTruncatedFrame(t *testing.T) {
	requireNoLeaks(t)
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
			srv := startFake(t, func(c *fakeiproto.Conn) error {
				req, err := greetThenRead(c)
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
			c := dialFake(t, srv)
			ctx := testContext(t)
			fs := []*future.Future[*client.Response]{c.Call(ctx, "f", "first"), c.Ping(ctx), c.Ping(ctx)}

			r, err := await(t, fs[0])
			require.NoError(t, err)
			require.Equal(t, []any{"first"}, responseValues(t, r))
			for _, f := range fs[1:] {
				r, err := await(t, f)
				requireConnError(t, r, err, true, errConnLost)
				require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a frame cut short is not a clean end")
			}
			requireEchoes(t, c, "after a truncated frame")
		})
	}
}

// headerOf builds a header map by hand from raw msgpack keys and values.
func headerOf(pairs ...[]byte) []byte {
	h := protocol.AppendMapHeader(nil, uint32(len(pairs)/2))
	for _, p := range pairs {
		h = append(h, p...)
	}
	return h
}

// uintBytes is the msgpack of u.
func uintBytes(u uint64) []byte { return protocol.AppendUint(nil, u) }

func TestHostileHeaderWrongTypes(t *testing.T) {
	requireNoLeaks(t)
	code, sync := uintBytes(uint64(iproto.IPROTO_REQUEST_TYPE)), uintBytes(uint64(iproto.IPROTO_SYNC))
	ok := uintBytes(uint64(iproto.IPROTO_OK))
	for _, tc := range []struct {
		name   string
		header func(req fakeiproto.Request) []byte
	}{
		{"sync as string", func(r fakeiproto.Request) []byte {
			return headerOf(code, ok, sync, protocol.AppendString(nil, "2"))
		}},
		{"negative sync", func(r fakeiproto.Request) []byte { return headerOf(code, ok, sync, protocol.AppendInt(nil, -1)) }},
		{"code as array", func(r fakeiproto.Request) []byte {
			return headerOf(code, []byte{0x91, 0x00}, sync, uintBytes(r.Sync))
		}},
		{"code above uint32", func(r fakeiproto.Request) []byte { return headerOf(code, uintBytes(1<<40), sync, uintBytes(r.Sync)) }},
		{"no sync", func(r fakeiproto.Request) []byte { return headerOf(code, ok) }},
		{"no code", func(r fakeiproto.Request) []byte { return headerOf(sync, uintBytes(r.Sync)) }},
		{"header an array", func(r fakeiproto.Request) []byte {
			return protocol.AppendUint([]byte{0x92, 0x00}, r.Sync)
		}},
		{"string key", func(r fakeiproto.Request) []byte {
			return headerOf(protocol.AppendString(nil, "sync"), uintBytes(r.Sync), code, ok)
		}},
		{"empty frame", func(fakeiproto.Request) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, answerOnce(func(r fakeiproto.Request) []byte {
				return fakeiproto.Frame(tc.header(r), nil)
			}), fakeiproto.Healthy)
			var me *protocol.MalformedError
			requireBreaks(t, srv, &me)
		})
	}
}

// TestHostileMalformedHeaderMsgpack: a header that is not MessagePack at
// all, or declares more bytes than the frame holds.
func TestHostileMalformedHeaderMsgpack(t *testing.T) {
	requireNoLeaks(t)
	for _, tc := range []struct {
		name   string
		header []byte
	}{
		{"never-used byte 0xc1", []byte{0xc1}},
		{"0xc1 as a key", []byte{0x82, 0xc1, 0x00, 0x01, 0x02}},
		{"map of 2^32-1 pairs", []byte{0xdf, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00}},
		{"string longer than the frame", headerOf(uintBytes(0x50), []byte{0xdb, 0x7f, 0xff, 0xff, 0xff, 'x'})},
		{"unknown key, value nested 1000 deep", headerOf(uintBytes(0x50), []byte(strings.Repeat("\x91", 1000)+"\x00"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFake(t, answerOnce(func(fakeiproto.Request) []byte { return fakeiproto.Frame(tc.header, nil) }), fakeiproto.Healthy)
			var me *protocol.MalformedError
			requireBreaks(t, srv, &me)
		})
	}
}
