package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// httpResult is one response, read whole.
type httpResult struct {
	status int
	body   string
}

func (r httpResult) String() string { return fmt.Sprintf("%d %q", r.status, r.body) }

// startServe runs serve against addr on a fresh 127.0.0.1:0 listener. It
// returns the base URL and a stop function that cancels serve, checks
// that it returned nil and returns everything it printed.
func startServe(t *testing.T, addr string) (base string, stop func() string) {
	t.Helper()
	cfg := defaultServeConfig()
	cfg.addr = addr
	cfg.pool = 4
	cfg.reconnectMin = 50 * time.Millisecond
	cfg.reconnectMax = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, ln, newPrinter(&out)) }()
	stopped := false
	stop = func() string {
		if stopped {
			return out.String()
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not return after its context ended")
		}
		return out.String()
	}
	t.Cleanup(func() { stop() })
	return "http://" + ln.Addr().String(), stop
}

// get fetches base+path.
func get(t *testing.T, base, path string) httpResult {
	t.Helper()
	resp, err := http.Get(base + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(path, "/get/") {
		require.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"), path)
	}
	return httpResult{resp.StatusCode, string(body)}
}

// rawGet sends a request line as is, for targets http.Get would refuse.
func rawGet(t *testing.T, base, target string) httpResult {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n", target)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return httpResult{resp.StatusCode, string(body)}
}

// waitFor polls GET base+path until ok accepts the response, failing after
// 15 s with the last response.
func waitFor(t *testing.T, base, path, what string, ok func(httpResult) bool) httpResult {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := get(t, base, path)
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: still %v, waiting for %s", path, r, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkBadRequests sends every malformed request and checks the 400 (or
// 404, 405) and its body; none of them reaches Tarantool.
func checkBadRequests(t *testing.T, base string) {
	t.Helper()
	long := strings.Repeat("k", maxKeyLen+1)
	for path, want := range map[string]httpResult{
		"/set/novalue":        {400, "bad request: use /set/<key>=<value>\n"},
		"/set/":               {400, "bad request: use /set/<key>=<value>\n"},
		"/set/=v":             {400, "bad request: empty key\n"},
		"/get/":               {400, "bad request: empty key\n"},
		"/del/":               {400, "bad request: empty key\n"},
		"/get/" + long:        {400, "bad request: key longer than 256 bytes\n"},
		"/set/" + long + "=v": {400, "bad request: key longer than 256 bytes\n"},
		"/set/k=" + strings.Repeat("v", maxValueLen+1): {400, "bad request: value longer than 65536 bytes\n"},
		"/nope": {404, "no such path: " + usage},
		"/":     {200, usage},
	} {
		require.Equal(t, want, get(t, base, path), path)
	}
	// Invalid escapes: net/http refuses them before the handler.
	for _, target := range []string{"/get/%zz", "/set/k=%g1", "/del/a%"} {
		require.Equal(t, 400, rawGet(t, base, target).status, target)
	}
	resp, err := http.Post(base+"/set/k=v", "text/plain", nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
}

// TestServe serves kv over HTTP from a lazy pool to a real tarantool: the
// happy path with exact bodies, bad requests, then 503 while the server is
// killed and 200 again after it restarts, with the data it had.
func TestServe(t *testing.T) {
	inst := tarantooltest.Start(t, tarantooltest.Options{Script: "demo.lua"}) // what demoLua embeds
	base, stop := startServe(t, inst.Addr())

	// The pool connects in the background: wait for the first answer.
	waitFor(t, base, "/get/greeting", "the pool to connect", func(r httpResult) bool { return r.status != 503 })

	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/set/color=blue"))
	require.Equal(t, httpResult{200, "blue"}, get(t, base, "/get/color"))
	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/set/color=red%20%26%20white"))
	require.Equal(t, httpResult{200, "red & white"}, get(t, base, "/get/color"))
	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/set/empty="))
	require.Equal(t, httpResult{200, ""}, get(t, base, "/get/empty"))
	// The first unescaped '=' splits: %3D puts one in the key, and the
	// value may hold more.
	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/set/a%3Db=c=d%2Fe"))
	require.Equal(t, httpResult{200, "c=d/e"}, get(t, base, "/get/a%3Db"))
	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/del/color"))
	require.Equal(t, httpResult{404, "not found\n"}, get(t, base, "/get/color"))
	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/del/color"), "deleting a missing key")
	checkBadRequests(t, base)

	// Outage: 503 while tarantool is dead, 200 once it is back.
	require.Equal(t, httpResult{200, "ok\n"}, get(t, base, "/set/survivor=yes"))
	require.NoError(t, inst.Kill())
	down := waitFor(t, base, "/get/survivor", "503", func(r httpResult) bool { return r.status == 503 })
	require.True(t, strings.HasPrefix(down.body, "tarantool unavailable: "), "%v", down)
	// Depending on when each pool member notices, a request fails as not
	// connected or as lost with its connection: 503 either way.
	during := get(t, base, "/set/during=outage")
	require.Equal(t, 503, during.status, "%v", during)
	require.True(t, strings.HasPrefix(during.body, "tarantool unavailable: "), "%v", during)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, inst.Restart(ctx))
	waitFor(t, base, "/get/survivor", "200 after the restart", func(r httpResult) bool { return r.status == 200 })
	require.Equal(t, httpResult{200, "yes"}, get(t, base, "/get/survivor"))
	require.Equal(t, httpResult{404, "not found\n"}, get(t, base, "/get/during"))

	out := stop()
	t.Log("\n" + out)
	for _, want := range []string{
		"pool         tarantool is up: 1/4 connections",
		"pool         tarantool is down: all 4 connections lost",
		"http         GET /set/color=blue -> 200 in ",
		"http         GET /get/survivor -> 503 in ",
		"serve        shutting down",
		"serve        stopped",
	} {
		require.Contains(t, out, want)
	}
	parseEvents(t, out)
}

// TestServeWithoutTarantool needs no tarantool: a lazy pool to an address
// where nothing listens answers 503 from the first request on, and bad
// requests still get 400.
func TestServeWithoutTarantool(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := ln.Addr().String()
	require.NoError(t, ln.Close())
	base, _ := startServe(t, dead)
	for _, path := range []string{"/get/k", "/set/k=v", "/del/k"} {
		r := get(t, base, path)
		require.Equal(t, httpResult{503, "tarantool unavailable: not connected\n"}, r, path)
	}
	checkBadRequests(t, base)
}

// TestValueText: values written by other clients print in Go's %v form.
func TestValueText(t *testing.T) {
	require.Equal(t, "blue", valueText([]any{"k", "blue"}))
	require.Equal(t, "17", valueText([]any{"tick", int64(17)}))
	require.Equal(t, "raw", valueText([]any{"k", []byte("raw")}))
	require.Equal(t, "", valueText([]any{"k", nil}))
	require.Equal(t, "", valueText([]any{"k"}))
}
