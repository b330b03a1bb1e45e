package tlsproxy

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"sync"
	"time"

	"github.com/txtarantool/txtarantool/transport"
)

// handshakeTimeout bounds a client's TLS handshake with the proxy, and the
// proxy's dial of the target.
const handshakeTimeout = 10 * time.Second

// Proxy accepts TLS connections on a loopback port and forwards the
// decrypted bytes of each, both ways, to a plain connection of its own to
// the target. A connection whose handshake fails (an untrusted or missing
// client certificate, a client that does not trust the proxy) is closed
// before the target is dialled. Its methods are safe for concurrent use.
type Proxy struct {
	ln     net.Listener
	target transport.Dialer
	cfg    *tls.Config

	wg sync.WaitGroup // the accept loop and every connection's goroutines

	mu         sync.Mutex
	closed     bool
	conns      map[net.Conn]struct{} // open client and target connections
	handshakes int
	failures   []error
}

// Start listens on 127.0.0.1 (a free port) with TLS configured by cfg (a
// server configuration with a certificate; set ClientAuth and ClientCAs to
// demand client certificates) and forwards to target, any address
// transport.NewDialer accepts. The caller must call Close. Cost: one
// goroutine, plus three per proxied connection.
func Start(target string, cfg *tls.Config) (*Proxy, error) {
	d, err := transport.NewDialer(target, transport.WithConnectTimeout(handshakeTimeout))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: d, cfg: cfg.Clone(), conns: make(map[net.Conn]struct{})}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the "127.0.0.1:port" address the proxy listens on.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Handshakes returns how many client handshakes succeeded so far.
func (p *Proxy) Handshakes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handshakes
}

// HandshakeErrors returns the errors of the client handshakes that failed
// so far, oldest first.
func (p *Proxy) HandshakeErrors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.failures...)
}

// DropConnections closes every open connection, client and target side,
// as a crashed or restarted proxy would; the proxy keeps accepting new
// ones. It returns how many connections it closed.
func (p *Proxy) DropConnections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns)
	for c := range p.conns {
		_ = c.Close()
	}
	return n
}

// Close stops accepting, closes every open connection and waits for all
// of the proxy's goroutines to exit. It is idempotent.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.wg.Wait()
		return nil
	}
	p.closed = true
	err := p.ln.Close()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

// acceptLoop accepts connections until the listener is closed.
func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			_ = c.Close()
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// track registers an open connection; it returns false (and registers
// nothing) once the proxy is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

// untrack closes and forgets a connection.
func (p *Proxy) untrack(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// serve performs the TLS handshake on raw, dials the target and copies
// bytes both ways until either side closes.
func (p *Proxy) serve(raw net.Conn) {
	defer p.wg.Done()
	defer p.untrack(raw)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	tc := tls.Server(raw, p.cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		p.mu.Lock()
		p.failures = append(p.failures, err)
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	p.handshakes++
	p.mu.Unlock()

	backend, err := p.target.Dial(ctx)
	if err != nil {
		return
	}
	if !p.track(backend) {
		_ = backend.Close()
		return
	}
	defer p.untrack(backend)

	// Whichever direction ends first closes both connections, which ends
	// the other.
	pipe := func(dst io.Writer, src io.Reader) {
		_, _ = io.Copy(dst, src)
		_ = raw.Close()
		_ = backend.Close()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		pipe(backend, tc)
	}()
	pipe(tc, backend)
}
