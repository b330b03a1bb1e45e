// Package fake is an in-memory Tarantool for unit tests that need no
// server: a [Server] speaks IPROTO over in-memory pipes and answers each
// request from a handler the test supplies, and a real *client.Client
// dials it ([Server.Dial]). So the client under test is the real one —
// futures, errors, recycling, reconnection — and only the server is
// fake. It is a unit-test aid: it knows nothing of Lua, SQL or storage;
// what a request returns is what its handler says. For tests against a
// real server, use package tarantooltest.
//
// The fake serves the handshake (a Tarantool 2.6 greeting; any user and
// password are accepted), PING, and the schema the client loads at
// connect, built from the [Space] values given in [Options.Spaces], so
// that spaces and indexes resolve by name. Every other request goes to
// its handler in [Handlers], decoded into a [Request]; a request without
// a handler is answered with ER_UNKNOWN_REQUEST_TYPE naming it.
//
// The package is named fake, under tarantooltest, because it is the other
// half of the test kit: tarantooltest starts real servers, fake stands in
// for one.
package fake

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/transport"
)

// Handler answers one request: data is the response's IPROTO_DATA, each
// element one tuple for box requests (a []any), one result for CALL and
// EVAL. An error from Error(code, message) is answered as that server
// error; any other error as ER_PROC_LUA with its text, as a Lua error()
// would be. A handler runs on the fake's goroutine for the connection,
// one request at a time per connection.
type Handler func(ctx context.Context, req *Request) (data []any, err error)

// Handlers are the fake's answers by request kind. A nil handler answers
// ER_UNKNOWN_REQUEST_TYPE naming the request (and its space or function).
type Handlers struct {
	Select, Insert, Replace, Update, Upsert, Delete Handler
	Call, Eval, Execute                             Handler
	// Other answers every request kind not listed above (PING and the
	// schema load excepted).
	Other Handler
}

// Options configure a Server.
type Options struct {
	// Spaces are the spaces of the fake's schema, which the client loads
	// at connect.
	Spaces []Space
	// Handlers answer the requests.
	Handlers Handlers
}

// Server is an in-memory fake Tarantool. Its zero value is not usable:
// make one with New, and Close it when done.
type Server struct {
	spaces   []Space
	byID     map[uint32]*Space
	handlers Handlers
	pipes    *fakeiproto.Pipes
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu       sync.Mutex
	conns    map[*fakeiproto.Conn]struct{}
	requests []Request
}

// New starts a fake server with opts. It fails with an error wrapping
// ErrBadSpace when two spaces share a name or an id, or a space has no
// name. Cost: one goroutine until Close, plus one per connection.
func New(opts Options) (*Server, error) {
	spaces, err := assignIDs(opts.Spaces)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		spaces: spaces, byID: make(map[uint32]*Space, len(spaces)), handlers: opts.Handlers,
		pipes: fakeiproto.NewPipes(), ctx: ctx, cancel: cancel, conns: map[*fakeiproto.Conn]struct{}{},
	}
	for i := range s.spaces {
		s.byID[s.spaces[i].ID] = &s.spaces[i]
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Dialer returns the transport.Dialer of the fake's in-memory
// connections, for client.Options.Dialer (Dial sets it for you).
func (s *Server) Dialer() transport.Dialer { return s.pipes }

// Addr is the address the clients of the fake report: "pipe".
func (s *Server) Addr() string { return s.pipes.Address() }

// Dial connects a real client to the fake with opts (its Dialer replaced
// by the fake's), as client.Dial does.
func (s *Server) Dial(ctx context.Context, opts client.Options) (*client.Client, error) {
	opts.Dialer = s.pipes
	return client.Dial(ctx, s.Addr(), opts)
}

// Requests returns a copy of the requests the handlers were given so far,
// in the order they arrived (PING and the schema load are not recorded).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Break closes every open connection from the server's side, as a
// crashed server would: the clients' requests in flight fail, and clients
// with a reconnect policy connect again (to the same fake).
func (s *Server) Break() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.Close()
	}
}

// Close closes every connection and waits for the fake's goroutines. A
// client still connected sees its connection break.
func (s *Server) Close() error {
	s.cancel()
	err := s.pipes.Close()
	s.wg.Wait()
	return err
}

// accept serves each new connection on a goroutine of its own.
func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.pipes.Next(s.ctx)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = s.serve(c)
			_ = c.Close()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// serve answers the requests of one connection until it breaks.
func (s *Server) serve(c *fakeiproto.Conn) error {
	for {
		raw, err := c.ReadRequest()
		if err != nil {
			return err
		}
		switch raw.Type {
		case iproto.IPROTO_AUTH, iproto.IPROTO_PING:
			err = c.ReplyOK(raw)
		case iproto.IPROTO_ID:
			err = c.RejectID(raw) // as Tarantool 2.6 does
		default:
			err = s.answer(c, raw)
		}
		if err != nil {
			return err
		}
	}
}

// answer decodes raw, serves the schema views, and otherwise calls the
// request's handler and writes its answer.
func (s *Server) answer(c *fakeiproto.Conn, raw fakeiproto.Request) error {
	req, err := s.decode(raw)
	if err != nil {
		return c.ReplyError(raw, iproto.ER_INVALID_MSGPACK, "fake: "+err.Error())
	}
	if raw.Type == iproto.IPROTO_SELECT {
		switch req.SpaceID {
		case vspaceID:
			return c.ReplyOK(raw, s.vspace()...)
		case vindexID:
			return c.ReplyOK(raw, s.vindex()...)
		}
	}
	if code, msg := s.checkNames(req); code != 0 {
		return c.ReplyError(raw, code, msg)
	}
	s.mu.Lock()
	s.requests = append(s.requests, *req)
	s.mu.Unlock()
	h := s.handler(raw.Type)
	if h == nil {
		return c.ReplyError(raw, iproto.ER_UNKNOWN_REQUEST_TYPE, "fake: no handler for "+req.describe())
	}
	data, err := call(s.ctx, h, req)
	if err != nil {
		var se *serverError
		if errors.As(err, &se) {
			return c.ReplyError(raw, se.code, se.message)
		}
		return c.ReplyError(raw, iproto.ER_PROC_LUA, err.Error())
	}
	return c.ReplyOK(raw, data...)
}

// call runs h, turning a panic into an error answered to the client (the
// test sees it as a *client.ServerError naming the panic), so that a
// faulty handler never takes the test binary down.
func call(ctx context.Context, h Handler, req *Request) (data []any, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("fake: handler for %s panicked: %v", req.describe(), p)
		}
	}()
	return h(ctx, req)
}

// handler returns the handler of a request kind, nil if none.
func (s *Server) handler(t iproto.Type) Handler {
	h := s.handlers
	switch t {
	case iproto.IPROTO_SELECT:
		return h.Select
	case iproto.IPROTO_INSERT:
		return h.Insert
	case iproto.IPROTO_REPLACE:
		return h.Replace
	case iproto.IPROTO_UPDATE:
		return h.Update
	case iproto.IPROTO_UPSERT:
		return h.Upsert
	case iproto.IPROTO_DELETE:
		return h.Delete
	case iproto.IPROTO_CALL, iproto.IPROTO_CALL_16:
		return h.Call
	case iproto.IPROTO_EVAL:
		return h.Eval
	case iproto.IPROTO_EXECUTE:
		return h.Execute
	}
	return h.Other
}

// checkNames answers, as Tarantool does, a request on a space or index
// the schema does not have.
func (s *Server) checkNames(req *Request) (iproto.Error, string) {
	if !req.hasSpace {
		return 0, ""
	}
	sp := s.byID[req.SpaceID]
	if sp == nil {
		return iproto.ER_NO_SUCH_SPACE, fmt.Sprintf("Space '%d' does not exist", req.SpaceID)
	}
	req.Space = sp.Name
	if req.hasIndex {
		if int(req.IndexID) >= len(sp.indexes()) {
			return iproto.ER_NO_SUCH_INDEX_ID, fmt.Sprintf("No index #%d is defined in space '%s'", req.IndexID, sp.Name)
		}
		req.Index = sp.indexes()[req.IndexID]
	}
	return 0, ""
}

// serverError is the error Error makes.
type serverError struct {
	code    iproto.Error
	message string
}

func (e *serverError) Error() string {
	return fmt.Sprintf("fake: server error %d: %s", e.code, e.message)
}

// Error returns an error that a Handler returns to make the fake answer
// the server error code with message: the client's future fails with a
// *client.ServerError of that code (errors.Is(err, client.ErrorCode(code))).
func Error(code iproto.Error, message string) error {
	return &serverError{code: code, message: message}
}
