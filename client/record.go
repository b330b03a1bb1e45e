package client

import (
	"sync"

	"github.com/txtarantool/txtarantool/protocol"
)

// callWith is a call with its request and the names it is bound by stored
// alongside: the space commands make one allocation for the call, its
// future, its response and the request.
type callWith[R any] struct {
	call
	req    R
	target bindTarget
}

// bindTarget is the space and index a request names, as the caller gave
// them (names or numbers); they are resolved before every send.
type bindTarget struct{ space, index any }

// argCall is a call with its request and a copy of its arguments stored
// alongside: up to len(argBuf) arguments cost no allocation beyond the
// call's own, and the caller's variadic slice does not escape.
type argCall[R any] struct {
	call
	req    R
	args   []any
	argBuf [4]any
}

// keep copies args into the call and returns them as the request's Args
// (a pointer, so that no slice header is boxed). No arguments send an
// empty array.
func (cr *argCall[R]) keep(args []any) *[]any {
	cr.args = append(cr.argBuf[:0], args...)
	return &cr.args
}

// argsOf turns variadic arguments into the array sent on the wire.
func argsOf(args []any) any {
	if args == nil {
		return []any{}
	}
	return args
}

// A request record is the one allocation a command makes: its call, with
// the future, the response and usually the request stored alongside (see
// callWith and argCall). Response.Release hands a record back for reuse;
// these pools keep them, one per record type. They are caches shared by
// every client of the process, like the buffer pools of encoding/json:
// what is in them is never observable.
var (
	plainRecords   recordPool[call]
	selectRecords  recordPool[callWith[protocol.Select]]
	insertRecords  recordPool[callWith[protocol.Insert]]
	replaceRecords recordPool[callWith[protocol.Replace]]
	updateRecords  recordPool[callWith[protocol.Update]]
	upsertRecords  recordPool[callWith[protocol.Upsert]]
	deleteRecords  recordPool[callWith[protocol.Delete]]
	callRecords    recordPool[argCall[protocol.Call]]
	call16Records  recordPool[argCall[protocol.Call16]]
	evalRecords    recordPool[argCall[protocol.Eval]]
)

// recordPool is a pool of request records of type T.
type recordPool[T any] struct{ pool sync.Pool }

// record is what every request record type has: its call.
type record interface{ record() *call }

// record returns the call itself; records embedding a call inherit it.
func (cl *call) record() *call { return cl }

// getRecord returns a zeroed record from rp, or a new one. A new record
// gets, once for its whole life, the hook that zeroes it and puts it back
// in rp (one closure per record, not per request).
func getRecord[T any, PT interface {
	*T
	record
}](rp *recordPool[T]) PT {
	if r, ok := rp.pool.Get().(PT); ok {
		return r
	}
	r := PT(new(T))
	var recycle func()
	recycle = func() {
		*r = *new(T)
		r.record().recycle = recycle
		rp.pool.Put(r)
	}
	r.record().recycle = recycle
	return r
}

// Release hands the memory of this response's request (its future, this
// Response and the request record, allocated together) back for reuse by
// later requests, sparing them their allocation and the garbage collector
// the work of collecting it: the client's counterpart of go-tarantool's
// Future.Release. Call it once, when done with both the Response and the
// future that delivered it, and only if nothing else uses that future;
// afterwards neither may be touched again, not even to call Release a
// second time (by then the memory may serve another request).
//
// It does nothing, leaving the memory to the garbage collector, when the
// future was used beyond Await and Peek (Then, Catch, Finally, Tuples, One,
// a combinator, a Done channel taken while pending, a cancellation; see
// future.Promise.Recyclable), when the request's context watcher may still
// run, and on a Response the client did not make. Cost: two atomic loads
// and zeroing the record.
func (r *Response) Release() {
	cl := r.owner
	if cl == nil {
		return
	}
	if cl.recycle == nil || cl.watched || !cl.promise.Recyclable() {
		return
	}
	cl.recycle()
}
