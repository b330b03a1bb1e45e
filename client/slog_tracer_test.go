package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// syncBuffer is a bytes.Buffer safe for the logging goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count returns the number of lines written.
func (b *syncBuffer) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Count(b.buf.Bytes(), []byte("\n"))
}

// lines decodes the JSON lines written.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

// TestSlogTracerLogsRequests logs requests through a JSON handler, as a
// user with a password would: the attributes are there, the query only
// when asked for, the password never.
func TestSlogTracerLogsRequests(t *testing.T) {
	for _, query := range []bool{false, true} {
		var buf syncBuffer
		logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := dialShared(t, withTracer(client.SlogTracer(logger, client.SlogTracerOptions{Query: query})))
		ctx := testContext(t)
		_, err := c.Select(ctx, "tree", "by_name_age", []any{"x"}).Await(ctx)
		require.NoError(t, err)
		_, err = c.Call(ctx, "fail", "boom").Await(ctx)
		require.Error(t, err)
		_, err = c.Eval(ctx, "return 1").Await(ctx)
		require.NoError(t, err)

		lines := buf.lines(t)
		require.Len(t, lines, 3)
		sel := lines[0]
		assert.Equal(t, "DEBUG", sel["level"])
		assert.Equal(t, "txtarantool: request", sel["msg"])
		assert.Equal(t, "IPROTO_SELECT", sel["kind"])
		assert.Equal(t, "tree", sel["space"])
		assert.Equal(t, "by_name_age", sel["index"])
		assert.Equal(t, c.Addr(), sel["addr"])
		assert.Equal(t, "ok", sel["outcome"])
		assert.Positive(t, sel["bytes_sent"])
		assert.Positive(t, sel["bytes_received"])
		assert.Contains(t, sel, "duration")
		assert.NotContains(t, sel, "error")
		fail := lines[1]
		assert.Equal(t, "fail", fail["function"])
		assert.Equal(t, "server_error", fail["outcome"])
		assert.Equal(t, "ER_PROC_LUA", fail["code"])
		assert.Contains(t, fail["error"], "boom")
		eval := lines[2]
		if query {
			assert.Equal(t, "return 1", eval["query"])
		} else {
			assert.NotContains(t, eval, "query")
		}
		assert.NotContains(t, buf.buf.String(), testPassword)
	}
}

// TestSlogTracerDisabledCostsNothing: with the level disabled, a request's
// end allocates nothing in the tracer, and nothing is logged.
func TestSlogTracerDisabledCostsNothing(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tr := client.SlogTracer(logger, client.SlogTracerOptions{})
	req := &client.TraceRequest{Space: "s", Addr: "a"}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		ctx := tr.TraceRequestStart(ctx, req)
		tr.TraceRequestEnd(ctx, req, client.TraceEnd{Err: client.ErrNotSent, Outcome: client.OutcomeNotSent})
	})
	assert.Zero(t, allocs)
	assert.Zero(t, buf.count())

	// At an enabled level of the caller's choice, it logs.
	tr = client.SlogTracer(logger, client.SlogTracerOptions{Level: slog.LevelWarn})
	tr.TraceRequestEnd(ctx, req, client.TraceEnd{})
	require.Equal(t, 1, buf.count())
	assert.Nil(t, client.SlogTracer(nil, client.SlogTracerOptions{}))
}
