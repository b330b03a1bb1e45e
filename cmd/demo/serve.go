package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// Limits on what /set, /get and /del accept.
const (
	maxKeyLen   = 256       // bytes, after unescaping
	maxValueLen = 64 * 1024 // bytes, after unescaping

	// maxLoggedURI is where the request log cuts a long URI.
	maxLoggedURI = 80
)

// serveConfig is the command line of `demo serve`.
type serveConfig struct {
	serverFlags
	listen string
	// pool is the number of connections of the LazyPool.
	pool int
	// timeout bounds each Tarantool request of an HTTP request.
	timeout time.Duration
}

// defaultServeConfig is `demo serve`'s configuration before flags.
func defaultServeConfig() serveConfig {
	return serveConfig{
		serverFlags: defaultServerFlags(),
		listen:      "127.0.0.1:8080",
		pool:        client.DefaultPoolSize,
		timeout:     2 * time.Second,
	}
}

// runServe is `demo serve`: it starts a local tarantool unless cfg.addr is
// set, listens on cfg.listen and serves until ctx ends.
func runServe(ctx context.Context, cfg serveConfig, p *printer) error {
	addr, srv, err := localOrGiven(ctx, cfg.addr, p)
	if err != nil {
		return err
	}
	if srv != nil {
		defer srv.stop(p)
	}
	cfg.addr = addr
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, ln, p)
}

// serve answers HTTP on ln with a kvHandler over a LazyPool to cfg.addr
// until ctx ends, then shuts down gracefully: it stops accepting, lets
// requests in progress finish (up to 5 s), and closes the pool. It closes
// ln.
func serve(ctx context.Context, cfg serveConfig, ln net.Listener, p *printer) error {
	var up atomic.Int32 // connections up; changed only on the pool's executor
	size := cfg.pool
	if size <= 0 {
		size = client.DefaultPoolSize
	}
	// Each member reports its own events: print only the pool's
	// transitions (first up, all up, all down), not ten lines per event.
	gotUp := func() {
		switch n := up.Add(1); {
		case n == 1:
			p.event("pool", "tarantool is up: 1/%d connections", size)
		case int(n) == size:
			p.event("pool", "all %d connections up", size)
		}
	}
	pool, err := client.LazyPool(cfg.addr, size, client.Options{
		User:      cfg.user,
		Password:  cfg.password,
		Reconnect: cfg.policy(),
		Handlers: client.Handlers{
			Connected:   func(*client.Client) { gotUp() },
			Reconnected: func(*client.Client, time.Duration) { gotUp() },
			Disconnected: func(_ *client.Client, cause error) {
				if up.Add(-1) == 0 {
					p.event("pool", "tarantool is down: all %d connections lost (%v); answering 503", size, cause)
				}
			},
		},
	})
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer pool.Close()

	srv := &http.Server{
		Handler:           logRequests(newKVHandler(pool, cfg.timeout), p),
		ReadHeaderTimeout: 5 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	p.event("serve", "http://%s/ (set, get, del) on a lazy pool of %d connections to %s", ln.Addr(), size, cfg.addr)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	p.event("serve", "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	p.event("serve", "stopped")
	return nil
}

// kvHandler serves the kv space over HTTP:
//
//	GET /set/<key>=<value>  200 "ok\n"           stores value (a string) under key
//	GET /get/<key>          200 <value>          the value, exactly as stored
//	                        404 "not found\n"
//	GET /del/<key>          200 "ok\n"           whether or not key existed
//
// Key and value are URL-escaped path text: the first unescaped '=' splits
// them, so "%3D" puts a '=' in a key. Errors are plain text ending in a
// newline: 400 for a missing '=', an empty or too long key, a too long
// value or an invalid escape; 503 while Tarantool is unreachable; 504 when
// it does not answer in time; 500 for a Tarantool error; 404 for another
// path; 405 for a method other than GET or HEAD.
type kvHandler struct {
	conn    client.Conn
	timeout time.Duration
}

// newKVHandler returns the handler over conn (a *client.Client or a
// *client.Pool); timeout bounds each Tarantool request (0: none).
func newKVHandler(conn client.Conn, timeout time.Duration) http.Handler {
	return &kvHandler{conn: conn, timeout: timeout}
}

// usage is the body of GET /.
const usage = "GET /set/<key>=<value>, /get/<key>, /del/<key>\n"

// ServeHTTP routes by path prefix.
func (h *kvHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		reply(w, http.StatusMethodNotAllowed, "method not allowed: use GET\n")
		return
	}
	ctx := r.Context()
	if h.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
		defer cancel()
	}
	path := r.URL.EscapedPath()
	switch {
	case path == "/":
		reply(w, http.StatusOK, usage)
	case strings.HasPrefix(path, "/set/"):
		h.set(ctx, w, strings.TrimPrefix(path, "/set/"))
	case strings.HasPrefix(path, "/get/"):
		h.get(ctx, w, strings.TrimPrefix(path, "/get/"))
	case strings.HasPrefix(path, "/del/"):
		h.del(ctx, w, strings.TrimPrefix(path, "/del/"))
	default:
		reply(w, http.StatusNotFound, "no such path: "+usage)
	}
}

// set stores the value of "key=value" (escaped) under key.
func (h *kvHandler) set(ctx context.Context, w http.ResponseWriter, arg string) {
	rawKey, rawValue, found := strings.Cut(arg, "=")
	if !found {
		reply(w, http.StatusBadRequest, "bad request: use /set/<key>=<value>\n")
		return
	}
	key, ok := parseKey(w, rawKey)
	if !ok {
		return
	}
	value, err := url.PathUnescape(rawValue)
	if err != nil {
		reply(w, http.StatusBadRequest, "bad request: invalid URL escape in the value\n")
		return
	}
	if len(value) > maxValueLen {
		reply(w, http.StatusBadRequest, fmt.Sprintf("bad request: value longer than %d bytes\n", maxValueLen))
		return
	}
	if _, err := h.conn.Replace(ctx, "kv", []any{key, value}).Await(ctx); err != nil {
		h.fail(w, err)
		return
	}
	reply(w, http.StatusOK, "ok\n")
}

// get writes the value stored under key.
func (h *kvHandler) get(ctx context.Context, w http.ResponseWriter, arg string) {
	key, ok := parseKey(w, arg)
	if !ok {
		return
	}
	r, err := h.conn.Select(ctx, "kv", "primary", key).Await(ctx)
	if err != nil {
		h.fail(w, err)
		return
	}
	var tuple []any
	found, err := r.First(&tuple)
	if err != nil {
		h.fail(w, err)
		return
	}
	if !found {
		reply(w, http.StatusNotFound, "not found\n")
		return
	}
	reply(w, http.StatusOK, valueText(tuple))
}

// del deletes key.
func (h *kvHandler) del(ctx context.Context, w http.ResponseWriter, arg string) {
	key, ok := parseKey(w, arg)
	if !ok {
		return
	}
	if _, err := h.conn.Delete(ctx, "kv", "primary", key).Await(ctx); err != nil {
		h.fail(w, err)
		return
	}
	reply(w, http.StatusOK, "ok\n")
}

// parseKey unescapes and checks a key, answering 400 if it is bad.
func parseKey(w http.ResponseWriter, raw string) (string, bool) {
	key, err := url.PathUnescape(raw)
	switch {
	case err != nil:
		reply(w, http.StatusBadRequest, "bad request: invalid URL escape in the key\n")
	case key == "":
		reply(w, http.StatusBadRequest, "bad request: empty key\n")
	case len(key) > maxKeyLen:
		reply(w, http.StatusBadRequest, fmt.Sprintf("bad request: key longer than %d bytes\n", maxKeyLen))
	default:
		return key, true
	}
	return "", false
}

// valueText is the body for a stored tuple [key, value]: a string value
// as is, other values (written by other clients) in Go's %v form, and an
// absent or nil value as the empty string.
func valueText(tuple []any) string {
	if len(tuple) < 2 || tuple[1] == nil {
		return ""
	}
	switch v := tuple[1].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	default:
		return fmt.Sprint(v)
	}
}

// fail answers for a failed Tarantool request.
func (h *kvHandler) fail(w http.ResponseWriter, err error) {
	var server *client.ServerError
	switch {
	case errors.Is(err, client.ErrNotConnected):
		unavailable(w, "not connected")
	case errors.Is(err, context.DeadlineExceeded):
		reply(w, http.StatusGatewayTimeout, "tarantool did not answer in time\n")
	case errors.Is(err, client.ErrOutcomeUnknown) && isConnectionError(err):
		unavailable(w, "connection lost, request sent, outcome unknown")
	case isConnectionError(err):
		unavailable(w, "connection lost, request not sent")
	case errors.As(err, &server):
		reply(w, http.StatusInternalServerError, fmt.Sprintf("tarantool error %s: %s\n", server.Code, server.Message))
	case errors.Is(err, context.Canceled):
		// The HTTP client went away; nobody reads this.
		reply(w, http.StatusServiceUnavailable, "request cancelled\n")
	default:
		reply(w, http.StatusInternalServerError, "internal error: "+err.Error()+"\n")
	}
}

// isConnectionError reports whether err is a *client.ConnectionError.
func isConnectionError(err error) bool {
	var conn *client.ConnectionError
	return errors.As(err, &conn)
}

// unavailable answers 503 while Tarantool is unreachable.
func unavailable(w http.ResponseWriter, why string) {
	w.Header().Set("Retry-After", "1")
	reply(w, http.StatusServiceUnavailable, "tarantool unavailable: "+why+"\n")
}

// reply writes a plain-text response.
func reply(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// logRequests prints one line per HTTP request: method, path, status,
// time taken.
func logRequests(next http.Handler, p *printer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		uri := r.URL.RequestURI()
		if len(uri) > maxLoggedURI {
			uri = uri[:maxLoggedURI] + "..."
		}
		p.event("http", "%s %s -> %d in %v", r.Method, uri, sw.status, short(time.Since(start)))
	})
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}
