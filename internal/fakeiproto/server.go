package fakeiproto

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
)

// ErrClosed is returned by the methods of a Conn that were interrupted
// because the Server is closing.
var ErrClosed = errors.New("fakeiproto: server closed")

// Handler scripts one accepted connection. It runs on a goroutine of its
// own; the connection is closed when it returns. Its error is reported by
// Server.Close, unless it only says that the connection ended (see
// Server.Close). A panic in a handler is reported the same way.
type Handler func(c *Conn) error

// Server is a fake Tarantool server listening on a free 127.0.0.1 port.
// The n-th connection it accepts (from 0) runs the n-th handler given to
// Start; connections past the last handler run the last one.
type Server struct {
	ln       net.Listener
	handlers []Handler
	closing  chan struct{} // closed when Close starts
	wg       sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	accepted int
	conns    map[*Conn]struct{}
	errs     []error

	closeOnce sync.Once
	closeErr  error
}

// Start listens on a free loopback port and serves every connection with
// handlers (at least one). Close the server when done.
func Start(handlers ...Handler) (*Server, error) {
	if len(handlers) == 0 {
		return nil, errors.New("fakeiproto: Start needs at least one handler")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		ln:       ln,
		handlers: handlers,
		closing:  make(chan struct{}),
		conns:    make(map[*Conn]struct{}),
	}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr returns the address the server listens on, "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Accepted returns the number of connections accepted so far.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// acceptLoop accepts connections until the listener is closed.
func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		c := newConn(nc, s.accepted, s.closing)
		h := s.handlers[min(s.accepted, len(s.handlers)-1)]
		s.accepted++
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c, h)
	}
}

// serve runs one connection's handler, then closes the connection and
// records the handler's error.
func (s *Server) serve(c *Conn, h Handler) {
	defer s.wg.Done()
	err := runHandler(c, h)
	_ = c.nc.Close()
	if c.board != nil {
		c.board.leave(c)
	}
	s.mu.Lock()
	delete(s.conns, c)
	if err != nil && !connectionEnded(err) {
		s.errs = append(s.errs, fmt.Errorf("fakeiproto: connection %d: %w", c.index, err))
	}
	s.mu.Unlock()
}

// runHandler calls h, turning a panic into an error.
func runHandler(c *Conn, h Handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return h(c)
}

// connectionEnded reports whether err only says that the connection
// ended: closed by the client (EOF, reset, broken pipe) or by the server.
func connectionEnded(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// Close stops listening, closes every connection, waits until the accept
// loop and every handler have returned, and returns the handlers' errors
// joined (nil if none). Errors that only say the connection ended (io.EOF,
// net.ErrClosed, ErrClosed, a connection reset or a broken pipe) are not
// reported. A handler that waits for something other than its Conn (a
// channel of the test, say) must also select on Conn.Done, or Close waits
// for it. Close is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := make([]*Conn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		close(s.closing)
		_ = s.ln.Close()
		for _, c := range conns {
			_ = c.nc.Close()
		}
		s.wg.Wait()
		s.mu.Lock()
		s.closeErr = errors.Join(s.errs...)
		s.mu.Unlock()
	})
	return s.closeErr
}
