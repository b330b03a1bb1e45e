package fakeiproto

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
)

// Pipes is a dialer of in-memory connections (net.Pipe) to fake servers
// driven by the test itself, not by a Handler: it has the methods of
// transport.Dialer, so a client dials it through Options.Dialer, and the
// test takes the server end of each connection with Next. Every
// connection gets a valid greeting (Greeting) as soon as it is dialed.
//
// net.Pipe is synchronous: a client's Write returns only once the test has
// read all its bytes, so the test decides exactly when the client's
// writes complete (see Conn.TakeByte). Close the Pipes when done.
type Pipes struct {
	conns   chan *Conn    // server ends, greeted, not yet taken by Next
	closing chan struct{} // closed when Close starts
	wg      sync.WaitGroup

	mu     sync.Mutex
	closed bool
	dialed int
	ends   []net.Conn

	closeOnce sync.Once
}

// NewPipes returns a Pipes dialer with no connection yet.
func NewPipes() *Pipes {
	return &Pipes{conns: make(chan *Conn, 16), closing: make(chan struct{})}
}

// Address returns "pipe", the address a client reports for these
// connections.
func (p *Pipes) Address() string { return "pipe" }

// Dial returns the client end of a new pipe. A goroutine of the Pipes
// writes the greeting to it and then hands the server end to Next. Dial
// fails once the Pipes are closed.
func (p *Pipes) Dial(ctx context.Context) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	clientEnd, serverEnd := net.Pipe()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	c := newConn(serverEnd, p.dialed, p.closing)
	p.dialed++
	p.ends = append(p.ends, serverEnd)
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		if c.WriteGreeting() != nil {
			return // the client or Close closed the pipe
		}
		select {
		case p.conns <- c:
		case <-p.closing:
		}
	}()
	return clientEnd, nil
}

// Next returns the server end of the next connection, once its greeting
// was read by the client, waiting for a Dial if need be. It fails when ctx
// ends or the Pipes close.
func (p *Pipes) Next(ctx context.Context) (*Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.closing:
		return nil, ErrClosed
	}
}

// Close closes the server end of every connection and waits for the
// goroutines writing greetings. Dial fails afterwards. Close is idempotent
// and returns nil.
func (p *Pipes) Close() error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		ends := p.ends
		p.mu.Unlock()
		close(p.closing)
		for _, nc := range ends {
			_ = nc.Close()
		}
		p.wg.Wait()
	})
	return nil
}

// Close closes the connection: the client sees it break.
func (c *Conn) Close() error { return c.nc.Close() }

// TakeByte reads exactly one byte of what the client writes next, straight
// from the connection, and keeps it for the next ReadRequest. On a Pipes
// connection the client's Write then stays blocked with the rest of its
// bytes until they are read, so the client's writer is held inside that
// one Write and every later request stays queued in the client. It fails
// if bytes the client wrote earlier are still buffered unread.
func (c *Conn) TakeByte() error {
	if c.br.Buffered() > 0 {
		return errors.New("fakeiproto: TakeByte with unread request bytes buffered")
	}
	var b [1]byte
	if _, err := io.ReadFull(c.nc, b[:]); err != nil {
		return err
	}
	c.br = bufio.NewReader(io.MultiReader(bytes.NewReader(b[:]), c.nc))
	return nil
}
