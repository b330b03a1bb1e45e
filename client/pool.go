package client

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/txtarantool/txtarantool/future"
)

// DefaultPoolSize is the number of connections of a pool made with a size
// of 0. A negative size is an error (*ArgumentError).
const DefaultPoolSize = 10

// Pool is a fixed set of connections to one server, each a Client with its
// own reconnection. Each request goes to the live connection with the
// fewest requests in flight (round robin among equals), skipping dead
// ones; every connection still pipelines. All members share one callback
// executor, so callbacks of a pool never run two at a time either.
// It satisfies Conn, like Client.
type Pool struct {
	commands // the box commands (see commands.go), each on pick()

	members []*Client
	exec    *future.Serial
	next    atomic.Uint32
	changes changeSignal // notified by every member's (see WaitConnected)
}

// DialPool opens size connections (DefaultPoolSize if size is 0) and
// blocks until all are up, or fails (closing those that opened) as Dial
// does. A nil ctx or a negative size fails at once with an
// *ArgumentError. Cost: size times a Client's, plus one shared executor.
func DialPool(ctx context.Context, addr string, size int, opts Options) (*Pool, error) {
	if ctx == nil {
		return nil, nilContextError()
	}
	p, err := newPool(addr, size, opts)
	if err != nil {
		return nil, err
	}
	dials := make([]*future.Future[struct{}], len(p.members))
	for i, m := range p.members {
		dials[i] = future.Go(func() (struct{}, error) { return struct{}{}, m.dialFirst(ctx) })
	}
	results, _ := future.Settled(dials...).Await(context.Background())
	var errs []error
	for i, r := range results {
		if r.Err != nil {
			p.members[i].abort()
			errs = append(errs, r.Err)
		}
	}
	if len(errs) > 0 {
		for i, r := range results {
			if r.Err == nil {
				_ = p.members[i].Close()
			}
		}
		p.exec.Close()
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// ConnectPool is DialPool returning a future that fires with the pool when
// all connections are up, or fails as DialPool does. Cancelling the future
// abandons the attempt; connections that come up afterwards are closed.
// A nil ctx or a negative size fails the future at once. Cost: as
// DialPool, plus one goroutine while connecting.
func ConnectPool(ctx context.Context, addr string, size int, opts Options) *future.Future[*Pool] {
	if ctx == nil {
		return future.Rejected[*Pool](nilContextError())
	}
	if size < 0 {
		return future.Rejected[*Pool](poolSizeError(size))
	}
	return connectAsync(ctx, func(ctx context.Context) (*Pool, error) { return DialPool(ctx, addr, size, opts) })
}

// LazyPool returns a pool at once whose connections connect in the
// background, each as Lazy does: it fails only for an invalid address, and
// until a connection is up commands fail fast with ErrNotConnected, or
// wait if opts.WaitForReconnect is set; WaitConnected waits for one. A negative size fails with an
// *ArgumentError. Cost: as DialPool, without blocking.
func LazyPool(addr string, size int, opts Options) (*Pool, error) {
	p, err := newPool(addr, size, opts)
	if err != nil {
		return nil, err
	}
	for _, m := range p.members {
		m.startSupervisor(nil)
	}
	return p, nil
}

// newPool makes size unconnected members sharing one executor.
func newPool(addr string, size int, opts Options) (*Pool, error) {
	if size < 0 {
		return nil, poolSizeError(size)
	}
	if size == 0 {
		size = DefaultPoolSize
	}
	p := &Pool{exec: newExecutor(opts), members: make([]*Client, size)}
	p.commands.pool = p
	for i := range p.members {
		m, err := newClient(addr, opts, p.exec)
		if err != nil {
			p.exec.Close()
			return nil, err
		}
		m.changes.next = &p.changes
		p.members[i] = m
	}
	return p, nil
}

// Members returns the pool's clients, e.g. to read their state. Do not
// close them: close the pool.
func (p *Pool) Members() []*Client { return p.members }

// Connected reports whether at least one connection is up.
func (p *Pool) Connected() bool {
	for _, m := range p.members {
		if m.Connected() {
			return true
		}
	}
	return false
}

// InFlight returns the number of requests awaiting a response on all
// connections.
func (p *Pool) InFlight() int {
	n := 0
	for _, m := range p.members {
		n += m.InFlight()
	}
	return n
}

// pick returns the live member with the fewest requests in flight,
// starting the scan at a rotating position so that equals take turns. If
// none is live it returns the next member in turn, whose request then
// fails fast or waits (Options.WaitForReconnect). Cost: one atomic load
// per member.
func (p *Pool) pick() *Client {
	n := len(p.members)
	start := int(p.next.Add(1) % uint32(n))
	var best *Client
	bestLoad := 0
	for i := 0; i < n; i++ {
		m := p.members[(start+i)%n]
		ln := m.link.Load()
		if ln == nil {
			continue
		}
		if load := ln.inFlight(); best == nil || load < bestLoad {
			best, bestLoad = m, load
		}
	}
	if best == nil {
		return p.members[start]
	}
	return best
}

// Close closes every connection (see Client.Close) and the shared
// executor, and returns when all their goroutines have exited.
func (p *Pool) Close() error {
	for _, m := range p.members {
		_ = m.Close()
	}
	p.exec.Close()
	return nil
}

// poolSizeError is the error of a negative pool size.
func poolSizeError(size int) error {
	return &ArgumentError{Arg: "size", Err: fmt.Errorf("negative pool size %d (0 means DefaultPoolSize)", size)}
}
