package client_test

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/transport"
)

// wireFrame is one request frame a client wrote.
type wireFrame struct {
	Type          iproto.Type
	Sync          uint64
	SchemaVersion uint64 // IPROTO_SCHEMA_VERSION of the header, 0 if absent
	Space         int64  // IPROTO_SPACE_ID of the body, -1 if absent
	Body          map[any]any
}

// wiretap is a transport.Dialer that records every byte the client
// writes, so that tests can tell which requests reached the network.
type wiretap struct {
	inner transport.Dialer
	mu    sync.Mutex
	buf   bytes.Buffer
	gate  chan struct{} // while not nil, writes wait for it to close
}

// Hold makes every write wait until Release: requests issued meanwhile
// queue up in the client, encoded as they are at issue time.
func (w *wiretap) Hold() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gate = make(chan struct{})
}

// Release lets the writes held since Hold through.
func (w *wiretap) Release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.gate)
	w.gate = nil
}

// newWiretap returns a dialer for addr that records what the client
// writes; dial through it with withDialer.
func newWiretap(t testing.TB, addr string) *wiretap {
	t.Helper()
	d, err := transport.NewDialer(addr)
	require.NoError(t, err)
	return &wiretap{inner: d}
}

func (w *wiretap) Address() string { return w.inner.Address() }

func (w *wiretap) Dial(ctx context.Context) (net.Conn, error) {
	nc, err := w.inner.Dial(ctx)
	if err != nil {
		return nil, err
	}
	return &wiretapConn{Conn: nc, w: w}, nil
}

type wiretapConn struct {
	net.Conn
	w *wiretap
}

func (c *wiretapConn) Write(p []byte) (int, error) {
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

// Frames parses every complete frame written so far, but the client's
// own watch of box.shutdown (2.10+), whose acknowledgement goes out in the
// background at any time after connecting.
func (w *wiretap) Frames(t testing.TB) []wireFrame {
	t.Helper()
	w.mu.Lock()
	data := bytes.Clone(w.buf.Bytes())
	w.mu.Unlock()
	var frames []wireFrame
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
		f := wireFrame{Type: iproto.Type(h.Code), Sync: h.Sync, SchemaVersion: h.SchemaVersion, Space: -1}
		if len(body) > 0 {
			v, _, err := protocol.DecodeValue(body)
			require.NoError(t, err)
			m, ok := v.(map[any]any)
			if empty, isEmpty := v.(map[string]any); isEmpty && len(empty) == 0 {
				m, ok = map[any]any{}, true // DecodeValue's type for an empty map
			}
			require.True(t, ok, "request body is %T", v)
			f.Body = m
			if id, ok := m[int64(iproto.IPROTO_SPACE_ID)].(int64); ok {
				f.Space = id
			}
		}
		if f.Type == iproto.IPROTO_WATCH && f.Body[int64(iproto.IPROTO_EVENT_KEY)] == "box.shutdown" {
			continue
		}
		frames = append(frames, f)
	}
	return frames
}

// isSchemaLoad reports whether f is one of the two selects of a schema
// load (_vspace, _vindex).
func isSchemaLoad(f wireFrame) bool {
	return f.Type == iproto.IPROTO_SELECT && (f.Space == 281 || f.Space == 289)
}

// framesTo returns the frames of type typ addressed to space.
func framesTo(frames []wireFrame, typ iproto.Type, space uint32) []wireFrame {
	var out []wireFrame
	for _, f := range frames {
		if f.Type == typ && f.Space == int64(space) {
			out = append(out, f)
		}
	}
	return out
}
