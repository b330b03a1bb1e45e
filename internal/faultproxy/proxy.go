package faultproxy

import (
	"context"
	"errors"
	"net"
	"sort"
	"sync"
	"time"

	"github.com/txtarantool/txtarantool/transport"
)

// dialTimeout bounds the proxy's dial of the upstream for one accepted
// connection.
const dialTimeout = 5 * time.Second

// ErrClosed is returned by [Proxy.WaitConns] when the proxy is closed
// while it waits.
var ErrClosed = errors.New("faultproxy: proxy closed")

// Proxy accepts TCP connections on a loopback port and forwards each, both
// ways, to a connection of its own to the upstream, applying the faults set
// on it. Its methods are safe for concurrent use.
type Proxy struct {
	ln       net.Listener
	upstream transport.Dialer
	ctx      context.Context // cancelled by Close: ends upstream dials
	cancel   context.CancelFunc

	wg sync.WaitGroup // the accept loop and every connection's goroutines

	mu       sync.Mutex
	closed   bool
	conns    map[*Conn]struct{} // open connections
	changed  chan struct{}      // closed and replaced when conns changes
	nextID   int
	accepted int
	refuse   bool
	defaults [2]fault // faults every new connection starts with
}

// Start listens on 127.0.0.1 (a free port) and forwards every accepted
// connection to upstream, any address transport.NewDialer accepts
// ("host:port", "unix/:path", ...). The caller must call Close. Cost: one
// goroutine, plus two per proxied connection.
func Start(upstream string) (*Proxy, error) {
	d, err := transport.NewDialer(upstream, transport.WithConnectTimeout(dialTimeout))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		ln:       ln,
		upstream: d,
		ctx:      ctx,
		cancel:   cancel,
		conns:    make(map[*Conn]struct{}),
		changed:  make(chan struct{}),
		defaults: [2]fault{healthy(), healthy()},
	}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the "127.0.0.1:port" address the proxy listens on.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Accepted returns how many connections the proxy has accepted so far,
// including refused ones and ones whose upstream dial failed.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Conns returns the open proxied connections, oldest first. Cost: one
// slice allocation and a sort.
func (p *Proxy) Conns() []*Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connsLocked()
}

func (p *Proxy) connsLocked() []*Conn {
	out := make([]*Conn, 0, len(p.conns))
	for c := range p.conns {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// WaitConns waits until at least n proxied connections are open and
// returns them, oldest first. It returns ctx's error when ctx ends first,
// ErrClosed when the proxy is closed.
func (p *Proxy) WaitConns(ctx context.Context, n int) ([]*Conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		if len(p.conns) >= n {
			out := p.connsLocked()
			p.mu.Unlock()
			return out, nil
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// each sets a fault on the defaults for new connections (when set is not
// nil for them) and on every open connection, under p.mu so that a
// connection being accepted gets either the old defaults and the change,
// or the new defaults.
func (p *Proxy) each(dir Dir, set func(*fault)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, i := range dir.indexes() {
		set(&p.defaults[i])
	}
	for c := range p.conns {
		c.update(dir, set)
	}
}

// BlackHole stops forwarding in dir on every open connection and on every
// new one, keeping the sockets open; see [Conn.BlackHole]. Heal undoes it.
func (p *Proxy) BlackHole(dir Dir) { p.each(dir, func(f *fault) { f.mode = modeHole }) }

// Drop reads and discards what arrives in dir on every open connection and
// on every new one; see [Conn.Drop]. Heal undoes it.
func (p *Proxy) Drop(dir Dir) { p.each(dir, func(f *fault) { f.mode = modeDrop }) }

// Latency delays every chunk, in both directions, by d on every open
// connection and on every new one; d <= 0 removes the delay.
func (p *Proxy) Latency(d time.Duration) { p.each(Both, func(f *fault) { f.latency = d }) }

// Trickle makes every open connection and every new one forward at most n
// bytes per interval every, in both directions; n <= 0 removes the limit.
func (p *Proxy) Trickle(n int, every time.Duration) {
	p.each(Both, func(f *fault) { f.trickleN, f.trickleEvery = n, every })
}

// CutAfter makes every open connection close (both sockets) after n more
// bytes in dir, and every new one after its first n bytes in dir; with
// Both, whichever direction reaches n first. n < 0 removes the cut.
func (p *Proxy) CutAfter(dir Dir, n int64) {
	if n < 0 {
		n = -1
	}
	p.each(dir, func(f *fault) { f.cut = n })
}

// RefuseNew makes the proxy reset (RST) every new connection as soon as it
// is accepted, without dialling the upstream, while on; open connections
// are not affected. Heal turns it off too.
func (p *Proxy) RefuseNew(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
}

// Heal removes every fault: on open connections (black-holed bytes flow
// again), for new ones, and RefuseNew.
func (p *Proxy) Heal() {
	p.mu.Lock()
	p.refuse = false
	p.mu.Unlock()
	p.each(Both, func(f *fault) { *f = healthy() })
}

// ResetAll resets (RST) every open connection, client and upstream side;
// new connections pass. It returns how many it reset.
func (p *Proxy) ResetAll() int {
	conns := p.Conns()
	for _, c := range conns {
		c.Reset()
	}
	return len(conns)
}

// KillAll closes (FIN) every open connection, client and upstream side;
// new connections pass. It returns how many it closed.
func (p *Proxy) KillAll() int {
	conns := p.Conns()
	for _, c := range conns {
		_ = c.Close()
	}
	return len(conns)
}

// Close stops accepting, closes every open connection and waits for every
// goroutine of the proxy to exit. It is idempotent.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.wg.Wait()
		return nil
	}
	p.closed = true
	p.cancel()
	err := p.ln.Close()
	conns := p.connsLocked()
	p.notifyLocked()
	p.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	p.wg.Wait()
	return err
}

func (p *Proxy) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// acceptLoop accepts connections until the listener is closed.
func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		raw, err := p.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		p.mu.Lock()
		p.accepted++
		closed, refuse := p.closed, p.refuse
		p.mu.Unlock()
		if closed || refuse {
			reset(raw)
			if closed {
				return
			}
			continue
		}
		p.wg.Add(1)
		go p.serve(raw)
	}
}

// serve dials the upstream for one accepted connection and forwards both
// ways until the connection is closed.
func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	ctx, cancel := context.WithTimeout(p.ctx, dialTimeout)
	up, err := p.upstream.Dial(ctx)
	cancel()
	if err != nil {
		_ = client.Close()
		return
	}
	c := &Conn{
		client:   client,
		upstream: up,
		changed:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = client.Close()
		_ = up.Close()
		return
	}
	p.nextID++
	c.id = p.nextID
	c.faults = p.defaults
	p.conns[c] = struct{}{}
	p.notifyLocked()
	p.mu.Unlock()

	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		c.pump(ToServer, client, up)
	}()
	c.pump(ToClient, up, client)
	<-c.done
	p.mu.Lock()
	delete(p.conns, c)
	p.notifyLocked()
	p.mu.Unlock()
}
