package client

import (
	"context"
	"math"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// Conn is what a *Client and a *Pool both do: the box commands, each
// returning a future, and Close. Code written against Conn switches
// between one connection and a pool with no other change.
type Conn interface {
	// The box commands, documented on Client.
	Ping(ctx context.Context) *future.Future[*Response]
	// Select is [Client.Select].
	Select(ctx context.Context, space, index, key any, opts ...SelectOption) *future.Future[*Response]
	// Insert is [Client.Insert].
	Insert(ctx context.Context, space, tuple any) *future.Future[*Response]
	// Replace is [Client.Replace].
	Replace(ctx context.Context, space, tuple any) *future.Future[*Response]
	// ReplaceExisting is [Client.ReplaceExisting].
	ReplaceExisting(ctx context.Context, space, tuple any) *future.Future[*Response]
	// Update is [Client.Update].
	Update(ctx context.Context, space, index, key any, ops []protocol.Op) *future.Future[*Response]
	// Upsert is [Client.Upsert].
	Upsert(ctx context.Context, space, tuple any, ops []protocol.Op) *future.Future[*Response]
	// Delete is [Client.Delete].
	Delete(ctx context.Context, space, index, key any) *future.Future[*Response]
	// Call is [Client.Call].
	Call(ctx context.Context, function string, args ...any) *future.Future[*Response]
	// CallWithPush is [Client.CallWithPush].
	CallWithPush(ctx context.Context, onPush func(*Push), function string, args ...any) *future.Future[*Response]
	// EvalWithPush is [Client.EvalWithPush].
	EvalWithPush(ctx context.Context, onPush func(*Push), expr string, args ...any) *future.Future[*Response]
	// Call16 is [Client.Call16].
	Call16(ctx context.Context, function string, args ...any) *future.Future[*Response]
	// Eval is [Client.Eval].
	Eval(ctx context.Context, expr string, args ...any) *future.Future[*Response]
	// Execute is [Client.Execute].
	Execute(ctx context.Context, sql string, args ...any) *future.Future[*Response]
	// Prepare is [Client.Prepare].
	Prepare(ctx context.Context, sql string) *future.Future[*Prepared]
	// Do is [Client.Do]: any protocol.Request.
	Do(ctx context.Context, req protocol.Request) *future.Future[*Response]
	// Connected reports whether at least one connection is up.
	Connected() bool
	// WaitConnected blocks until at least one connection is up, ctx ends,
	// or the connection(s) will never come up (closed, reconnecting
	// stopped); documented on Client and Pool.
	WaitConnected(ctx context.Context) error
	// Close stops reconnecting, fails pending requests and returns when
	// every goroutine of the connection(s) has exited.
	Close() error
}

var (
	_ Conn = (*Client)(nil)
	_ Conn = (*Pool)(nil)
)

// Every command below returns at once; the future settles with the
// server's response, or with an error: *ServerError (a server error with
// its code), *ConnectionError (the connection broke; says whether the
// request was sent), *ContextError (ctx ended first), *EncodeError or
// *SchemaError (bad input; nothing sent), *ArgumentError (a nil ctx; the
// future is already failed when the command returns).
//
// A tuple (Insert, Replace, ReplaceExisting, Upsert) must encode to a
// MessagePack array: a slice, an array, an as_array struct or pre-encoded
// msgpack. A nil tuple fails at once; any other value fails, when the
// request is encoded (at once if connected), with an *EncodeError over
// protocol.ErrNilTuple or *protocol.NotArrayError, instead of reaching the
// server; the check reads the first encoded byte and costs nothing more.
//
// Spaces and indexes are given by name (string) or number (any Go integer);
// a nil index means the primary index. A key may be a single scalar (it is
// sent as a one-part key) or a slice/array/as_array struct for multi-part
// keys. Tuples, keys and arguments are encoded as compact msgpack.
//
// Cost of a command: one allocation for the future, the request and its
// response record together (none when an earlier record was handed back
// with Response.Release) and, if ctx can be cancelled, one
// context.AfterFunc registration; the request bytes are encoded into the
// connection's shared write buffer. Go itself allocates to box arguments
// passed as any (numbers of 256 and above, strings) and a variadic slice
// that is kept (Call's arguments).

// commands is the set of box commands, written once here and embedded in
// Client, Pool and Stream, whose method sets therefore all carry every
// command (a new command is added here and to Conn, nothing else). Each
// command starts its request on the sender target returns: a Client's own,
// in a Pool the live member with the fewest requests in flight, in a
// Stream the stream's client, with the stream's id.
type commands struct {
	client *Client // in a Client: the client itself; in a Stream: its client
	pool   *Pool   // in a Pool: the pool, whose pick chooses a member
	stream *Stream // in a Stream: the stream, whose id the requests carry
}

// sender is where a command starts its request: a client and, for a
// stream's request, the stream.
type sender struct {
	c      *Client
	stream *Stream
}

// target returns the sender a command starts its request on. Cost: a nil
// check, plus Pool.pick's in a pool.
func (c *commands) target() sender {
	if c.pool != nil {
		return sender{c: c.pool.pick()}
	}
	return sender{c: c.client, stream: c.stream}
}

// The sender's methods are the Client's, after marking the call with the
// stream (nil for a request outside one). Cost: one store.
func (s sender) do(ctx context.Context, req protocol.Request) *future.Future[*Response] {
	return s.doNeeding(ctx, req, 0)
}

// doNeeding is do for a request that needs a feature (see call.needs).
func (s sender) doNeeding(ctx context.Context, req protocol.Request, needs uint8) *future.Future[*Response] {
	cl := getRecord(&plainRecords)
	cl.stream, cl.needs = s.stream, needs
	return s.c.start(ctx, cl, s.c.exec, req, nil, false)
}

func (s sender) launch(ctx context.Context, cl *call, req protocol.Request) *future.Future[*Response] {
	cl.stream = s.stream
	return s.c.launch(ctx, cl, req)
}

func (s sender) launchBound(ctx context.Context, cl *call, req protocol.Request, target *bindTarget, space, index any) *future.Future[*Response] {
	cl.stream = s.stream
	return s.c.launchBound(ctx, cl, req, target, space, index)
}

func (s sender) launchTuple(ctx context.Context, cl *call, req protocol.Request, target *bindTarget, space, tuple any) *future.Future[*Response] {
	cl.stream = s.stream
	return s.c.launchTuple(ctx, cl, req, target, space, tuple)
}

func (s sender) rejected(ctx context.Context, cl *call, err error) *future.Future[*Response] {
	cl.stream = s.stream
	return s.c.rejected(ctx, cl, err)
}

// Ping checks that the server answers (on a Pool: one of its connections).
func (c *commands) Ping(ctx context.Context) *future.Future[*Response] {
	return c.target().do(ctx, protocol.Ping{})
}

// SelectOption adjusts a Select: Limit, Offset or Iterator.
type SelectOption interface {
	applySelect(*protocol.Select)
}

type selectLimit uint32
type selectOffset uint32
type selectIterator iproto.Iterator

func (o selectLimit) applySelect(s *protocol.Select)    { s.Limit = uint32(o) }
func (o selectOffset) applySelect(s *protocol.Select)   { s.Offset = uint32(o) }
func (o selectIterator) applySelect(s *protocol.Select) { s.Iterator = iproto.Iterator(o) }

// Limit returns at most n tuples (default: all).
func Limit(n uint32) SelectOption { return selectLimit(n) }

// Offset skips the first n matching tuples (default 0).
func Offset(n uint32) SelectOption { return selectOffset(n) }

// Iterator selects the iterator type (default iproto.ITER_EQ; with an
// empty key EQ returns every tuple, like ITER_ALL).
func Iterator(it iproto.Iterator) SelectOption { return selectIterator(it) }

type selectAfter []byte
type selectAfterTuple struct{ tuple any }
type selectFetchPos struct{}

func (o selectAfter) applySelect(s *protocol.Select) { s.After, s.AfterTuple = []byte(o), nil }
func (o selectAfterTuple) applySelect(s *protocol.Select) {
	s.After, s.AfterTuple = nil, o.tuple
}
func (selectFetchPos) applySelect(s *protocol.Select) { s.FetchPosition = true }

// After resumes the select after pos, a position the server returned for
// an earlier page (Response.Position of a select made with FetchPos). A
// nil pos starts from the beginning (no option). It replaces an AfterTuple
// given before it. Tarantool 2.10+ (IPROTO_FEATURE_PAGINATION); on an
// older server the select fails at once with a *FeatureError (nothing
// sent). Cost: the option's interface conversion allocates the slice
// header (24 bytes).
func After(pos []byte) SelectOption { return selectAfter(pos) }

// AfterTuple resumes the select after tuple (an array of its fields, or at
// least of the index's key parts), as After does after a position. A nil
// tuple starts from the beginning. It replaces an After given before it.
// Tarantool 2.10+, as After.
func AfterTuple(tuple any) SelectOption { return selectAfterTuple{tuple} }

// FetchPos asks the server for the position of the last tuple returned,
// read with Response.Position and passed to After for the next page.
// Tarantool 2.10+, as After.
func FetchPos() SelectOption { return selectFetchPos{} }

// Select finds tuples in space by index and key. The response data is an
// array of tuples; decode it with Response.Decode or Tuples[T]. With
// After, AfterTuple or FetchPos (Tarantool 2.10+) it pages; see Pages.
func (c *commands) Select(ctx context.Context, space, index, key any, opts ...SelectOption) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&selectRecords)
	cr.req = protocol.Select{Iterator: iproto.ITER_EQ, Limit: math.MaxUint32, Key: key}
	for _, o := range opts {
		o.applySelect(&cr.req)
	}
	cr.call.needs = need(cr.req.Paginated(), iproto.IPROTO_FEATURE_PAGINATION)
	return on.launchBound(ctx, &cr.call, &cr.req, &cr.target, space, index)
}

// Insert adds a tuple; a duplicate primary key fails with
// ER_TUPLE_FOUND. The response carries the inserted tuple.
func (c *commands) Insert(ctx context.Context, space, tuple any) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&insertRecords)
	cr.req = protocol.Insert{Tuple: tuple}
	return on.launchTuple(ctx, &cr.call, &cr.req, &cr.target, space, tuple)
}

// Replace inserts a tuple or replaces the one with the same primary key.
// The response carries the new tuple.
func (c *commands) Replace(ctx context.Context, space, tuple any) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&replaceRecords)
	cr.req = protocol.Replace{Tuple: tuple}
	return on.launchTuple(ctx, &cr.call, &cr.req, &cr.target, space, tuple)
}

// replaceExistingLua replaces a tuple only if its primary key exists, as
// one transaction; otherwise it raises ER_TUPLE_NOT_FOUND. It raises errors
// with the table form box.error{code = ..., reason = ...}, which 2.6 through
// 3.x accept alike: 3.x rejects box.error(box.error.TUPLE_NOT_FOUND, index,
// space) with "box.error(): bad arguments" (ER_ILLEGAL_PARAMS).
const replaceExistingLua = `local space, tuple = ...
local s = box.space[space]
if s == nil then
    box.error{code = box.error.NO_SUCH_SPACE, reason = string.format("Space '%s' does not exist", tostring(space))}
end
local pk = s.index[0]
if pk == nil then
    box.error{code = box.error.NO_SUCH_INDEX_ID, reason = string.format("No index #0 is defined in space '%s'", s.name)}
end
return box.atomic(function()
    local key = {}
    for i, part in ipairs(pk.parts) do key[i] = tuple[part.fieldno] end
    if pk:get(key) == nil then
        -- 3.1+ no longer names code 4 (unused by the server): give the number.
        box.error{code = box.error.TUPLE_NOT_FOUND or 4,
            reason = string.format("Tuple doesn't exist in index '%s' in space '%s'", pk.name, s.name)}
    end
    return s:replace(tuple)
end)`

// ReplaceExisting replaces a tuple only if a tuple with the same primary
// key already exists, atomically; otherwise the future fails with a
// *ServerError of code ER_TUPLE_NOT_FOUND. The response carries the new
// tuple. It runs as a small Lua EVAL on the server, so the user needs the
// execute privilege on the universe as well as read/write on the space.
func (c *commands) ReplaceExisting(ctx context.Context, space, tuple any) *future.Future[*Response] {
	if tuple == nil {
		cl := getRecord(&plainRecords)
		cl.req = &protocol.Eval{Expr: replaceExistingLua} // for the tracer
		return c.target().rejected(ctx, cl, &EncodeError{Err: protocol.ErrNilTuple})
	}
	return c.Eval(ctx, replaceExistingLua, space, protocol.CheckedTuple{Value: tuple})
}

// Update applies ops (built with protocol.OpAssign, OpAdd, OpSplice, ...)
// to the tuple with key in index. The response carries the updated tuple,
// or no tuple if the key does not exist.
func (c *commands) Update(ctx context.Context, space, index, key any, ops []protocol.Op) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&updateRecords)
	cr.req = protocol.Update{Key: key, Ops: ops}
	return on.launchBound(ctx, &cr.call, &cr.req, &cr.target, space, index)
}

// Upsert inserts tuple if its primary key is new, or else applies ops to
// the existing tuple. The response carries no tuple.
func (c *commands) Upsert(ctx context.Context, space, tuple any, ops []protocol.Op) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&upsertRecords)
	cr.req = protocol.Upsert{Tuple: tuple, Ops: ops}
	return on.launchTuple(ctx, &cr.call, &cr.req, &cr.target, space, tuple)
}

// Delete removes the tuple with key in index (a unique index). The
// response carries the deleted tuple, or none if there was none.
func (c *commands) Delete(ctx context.Context, space, index, key any) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&deleteRecords)
	cr.req = protocol.Delete{Key: key}
	return on.launchBound(ctx, &cr.call, &cr.req, &cr.target, space, index)
}

// Call calls a stored or global Lua function with the IPROTO_CALL request
// of Tarantool 1.7+: the response data is the array of returned values,
// as they are (a returned tuple is one value).
func (c *commands) Call(ctx context.Context, function string, args ...any) *future.Future[*Response] {
	return c.CallWithPush(ctx, nil, function, args...)
}

// CallWithPush is Call with a listener for the function's box.session.push
// messages (IPROTO_CHUNK): the request's progress. onPush runs on the
// client's executor (like Then callbacks, one at a time), once per push, in
// the order the server sent them, and every push sent before the final
// response is handed to onPush before the future settles, so Await and
// Then see them all done. Once the future has settled (a context ended or
// the future was cancelled first), onPush is never called again and later
// pushes are dropped. A nil onPush is Call. Pushes to requests made
// without a listener (Call, Eval, ...) are dropped, as always.
//
// The listener is an argument of its own rather than a context value:
// visible at the call site, never inherited by requests made with a
// derived context, and free for every other request (no context lookup).
// A panic in onPush is handled like one in any function run on a
// future.Serial (re-raised by default, see future.NewSerial).
//
// Because the pushes run on the executor, a request whose pushes have not
// all been handed over when its final response arrives settles there,
// behind them: awaiting it on the executor (inside a callback or a
// listener) then ends only with the Await's context; chain with Then
// instead. One that pushed nothing settles at once, like Call.
//
// Cost: one allocation for the listener, and per push two (the Push and
// the function queued on the executor) plus the body's copy; the final
// response then goes through the executor too, one hop later than Call's.
func (c *commands) CallWithPush(ctx context.Context, onPush func(*Push), function string, args ...any) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&callRecords)
	cr.req = protocol.Call{Function: function}
	cr.req.Args = cr.keep(args)
	if onPush != nil {
		cr.push = &pushListener{fn: onPush, exec: on.c.exec}
	}
	return on.launch(ctx, &cr.call, &cr.req)
}

// EvalWithPush is Eval with a listener for the chunk's box.session.push
// messages, delivered as CallWithPush describes.
func (c *commands) EvalWithPush(ctx context.Context, onPush func(*Push), expr string, args ...any) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&evalRecords)
	cr.req = protocol.Eval{Expr: expr}
	cr.req.Args = cr.keep(args)
	if onPush != nil {
		cr.push = &pushListener{fn: onPush, exec: on.c.exec}
	}
	return on.launch(ctx, &cr.call, &cr.req)
}

// Call16 calls a function with the old IPROTO_CALL_16 request: every
// returned value is converted to a tuple, so the data is an array of
// tuples (a scalar 5 comes back as [5]).
func (c *commands) Call16(ctx context.Context, function string, args ...any) *future.Future[*Response] {
	on := c.target()
	cr := getRecord(&call16Records)
	cr.req = protocol.Call16{Function: function}
	cr.req.Args = cr.keep(args)
	return on.launch(ctx, &cr.call, &cr.req)
}

// Eval evaluates a Lua chunk with args available as "...". The response
// data is the array of returned values. The user needs the execute
// privilege on the universe.
func (c *commands) Eval(ctx context.Context, expr string, args ...any) *future.Future[*Response] {
	return c.EvalWithPush(ctx, nil, expr, args...)
}

// Execute runs an SQL statement with positional bind parameters (or named
// ones, as map[string]any{":name": value}). Response.Body gives the rows
// (Data), the column metadata and the SQL info (row count, autoincrement
// ids).
func (c *commands) Execute(ctx context.Context, sql string, args ...any) *future.Future[*Response] {
	return c.target().do(ctx, protocol.Execute{SQL: sql, Args: argsOf(args)})
}

// Prepare compiles an SQL statement on the server for repeated Execute.
// A prepared statement belongs to the connection (the server's session) it
// was prepared on: on a Pool, one connection, on which the Prepared then
// always executes.
func (c *commands) Prepare(ctx context.Context, sql string) *future.Future[*Prepared] {
	on := c.target()
	resp := on.do(ctx, protocol.Prepare{SQL: sql})
	return future.Map(resp, func(r *Response) (*Prepared, error) {
		body, err := r.Body()
		if err != nil {
			return nil, err
		}
		return &Prepared{
			StmtID:     body.StmtID,
			ParamCount: body.BindCount,
			Params:     body.BindMetadata,
			Columns:    body.Metadata,
			client:     on.c,
		}, nil
	})
}
