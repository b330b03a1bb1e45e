package client_test

// Helpers shared by the command, select, decode, schema, SQL, integer,
// transport and bad-input integration tests. Their names start with "it"
// so that they do not clash with helpers of other test files.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// itKeyCounter hands out key blocks: every call of itKeys gets 10 000 keys
// of its own, far above the small keys other tests tend to use, so tests
// sharing a space never touch each other's tuples (also across -count
// iterations, which share one server).
var itKeyCounter atomic.Uint64

// itKeys returns the first key of a block of 10 000 keys owned by the caller.
func itKeys() uint64 {
	return 7_000_000_000 + itKeyCounter.Add(1)*10_000
}

// itNameCounter makes space names unique within the process.
var itNameCounter atomic.Uint64

// itName returns a space or table name unique within the test process.
func itName(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, itNameCounter.Add(1))
}

// itEval runs a Lua chunk on c and returns its results.
func itEval(t testing.TB, c *client.Client, expr string, args ...any) []any {
	t.Helper()
	ctx := testContext(t)
	resp, err := c.Eval(ctx, expr, args...).Await(ctx)
	require.NoError(t, err, "eval %q", expr)
	values, err := resp.Values()
	require.NoError(t, err)
	return values
}

// itCreateSpace creates a space named name with the given Lua setup (run
// with the new space as s) and drops it when the test ends. It changes the
// server's schema version, so tests calling it must not run in parallel
// with other tests: a concurrent request could be failed by two schema
// changes in a row.
func itCreateSpace(t testing.TB, c *client.Client, name, setup string) uint32 {
	t.Helper()
	res := itEval(t, c, `local name = ...
local s = box.schema.space.create(name)
`+setup+`
return s.id`, name)
	require.Len(t, res, 1)
	id, ok := res[0].(int64)
	require.True(t, ok, "space id is %T", res[0])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.Eval(ctx, `local s = box.space[...] if s then s:drop() end`, name).Await(ctx)
		if err != nil && !strings.Contains(err.Error(), "closed") {
			t.Errorf("drop space %s: %v", name, err)
		}
	})
	return uint32(id)
}

// itTreeSetup is the Lua setup of a space shaped like 'tree': a TREE
// primary on unsigned field 1 and a non-unique TREE index by_name_age on
// {2 string, 3 unsigned}.
const itTreeSetup = `s:format({{name = 'id', type = 'unsigned'}, {name = 'name', type = 'string'}, {name = 'age', type = 'unsigned'}})
s:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}})
s:create_index('by_name_age', {type = 'tree', unique = false, parts = {{2, 'string'}, {3, 'unsigned'}}})`

// itValues awaits f and returns the response's data as generic values.
func itValues(t testing.TB, f interface {
	Await(context.Context) (*client.Response, error)
}) []any {
	t.Helper()
	ctx := testContext(t)
	resp, err := f.Await(ctx)
	require.NoError(t, err)
	values, err := resp.Values()
	require.NoError(t, err)
	return values
}

// itServerError asserts that err is a *client.ServerError with code and
// returns it.
func itServerError(t testing.TB, err error, code iproto.Error) *client.ServerError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, client.ErrorCode(code), "error: %v", err)
	var serr *client.ServerError
	require.ErrorAs(t, err, &serr)
	require.Equal(t, code, serr.Code)
	require.NotEmpty(t, serr.Message)
	require.NotErrorIs(t, err, client.ErrNotSent, "a server error was sent")
	return serr
}

// itFrame is one request frame a client wrote.
type itFrame struct {
	Type          iproto.Type
	Sync          uint64
	SchemaVersion uint64 // IPROTO_SCHEMA_VERSION of the header, 0 if absent
	Space         int64  // IPROTO_SPACE_ID of the body, -1 if absent
	Body          map[any]any
}

// itWiretap is a transport.Dialer that records every byte the client
// writes, so that tests can tell which requests reached the network.
type itWiretap struct {
	inner transport.Dialer
	mu    sync.Mutex
	buf   bytes.Buffer
	gate  chan struct{} // while not nil, writes wait for it to close
}

// Hold makes every write wait until Release: requests issued meanwhile
// queue up in the client, encoded as they are at issue time.
func (w *itWiretap) Hold() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gate = make(chan struct{})
}

// Release lets the writes held since Hold through.
func (w *itWiretap) Release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.gate)
	w.gate = nil
}

// itTap returns a dialer for addr that records what the client writes.
func itTap(t testing.TB, addr string) *itWiretap {
	t.Helper()
	d, err := transport.NewDialer(addr)
	require.NoError(t, err)
	return &itWiretap{inner: d}
}

func (w *itWiretap) Address() string { return w.inner.Address() }

func (w *itWiretap) Dial(ctx context.Context) (net.Conn, error) {
	nc, err := w.inner.Dial(ctx)
	if err != nil {
		return nil, err
	}
	return &itTapConn{Conn: nc, w: w}, nil
}

type itTapConn struct {
	net.Conn
	w *itWiretap
}

func (c *itTapConn) Write(p []byte) (int, error) {
	c.w.mu.Lock()
	if gate := c.w.gate; gate != nil {
		c.w.mu.Unlock()
		<-gate
		c.w.mu.Lock()
	}
	c.w.buf.Write(p)
	c.w.mu.Unlock()
	return c.Conn.Write(p)
}

// Frames parses every complete frame written so far.
func (w *itWiretap) Frames(t testing.TB) []itFrame {
	t.Helper()
	w.mu.Lock()
	data := bytes.Clone(w.buf.Bytes())
	w.mu.Unlock()
	var frames []itFrame
	for len(data) > 0 {
		length, prefix, err := protocol.DecodeFrameLength(data, protocol.DefaultMaxFrameSize)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(data), prefix+length, "a frame was written in pieces")
		frame := data[prefix : prefix+length]
		data = data[prefix+length:]
		// A request header has the same shape as a response header:
		// IPROTO_REQUEST_TYPE and IPROTO_SYNC.
		h, body, err := protocol.DecodeResponseHeader(frame)
		require.NoError(t, err)
		f := itFrame{Type: iproto.Type(h.Code), Sync: h.Sync, SchemaVersion: h.SchemaVersion, Space: -1}
		if len(body) > 0 {
			v, _, err := protocol.DecodeValue(body)
			require.NoError(t, err)
			m, ok := v.(map[any]any)
			require.True(t, ok, "request body is %T", v)
			f.Body = m
			if id, ok := m[int64(iproto.IPROTO_SPACE_ID)].(int64); ok {
				f.Space = id
			}
		}
		frames = append(frames, f)
	}
	return frames
}

// itDialTap connects to addr as the test user through a wiretap.
func itDialTap(t testing.TB, addr string, opts ...func(*client.Options)) (*client.Client, *itWiretap) {
	t.Helper()
	tap := itTap(t, addr)
	c := dial(t, addr, append([]func(*client.Options){func(o *client.Options) { o.Dialer = tap }}, opts...)...)
	return c, tap
}

// itSchemaFrame reports whether f is one of the two selects of a schema
// load (_vspace, _vindex).
func itSchemaFrame(f itFrame) bool {
	return f.Type == iproto.IPROTO_SELECT && (f.Space == 281 || f.Space == 289)
}

// itFramesTo returns the frames of type typ addressed to space.
func itFramesTo(frames []itFrame, typ iproto.Type, space uint32) []itFrame {
	var out []itFrame
	for _, f := range frames {
		if f.Type == typ && f.Space == int64(space) {
			out = append(out, f)
		}
	}
	return out
}

// itTuple is a row of the test space: [id, name].
type itTuple struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
}
