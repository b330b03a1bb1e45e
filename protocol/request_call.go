package protocol

import "github.com/tarantool/go-iproto"

// Call is an IPROTO_CALL request (Tarantool 1.7+): call the stored or
// global Lua function Function with Args, which must encode to an array
// (nil sends an empty one). Results come back as an array of the function's
// return values.
type Call struct {
	// Function is the name of the function to call, sent as
	// IPROTO_FUNCTION_NAME.
	Function string
	// Args are the call's arguments, sent as IPROTO_TUPLE; they must
	// encode to an array, and nil sends an empty one.
	Args any
}

// Type returns iproto.IPROTO_CALL.
func (Call) Type() iproto.Type { return iproto.IPROTO_CALL }

// AppendBody appends {FUNCTION_NAME, TUPLE: args}. On error dst is returned
// unchanged.
func (r Call) AppendBody(dst []byte) ([]byte, error) {
	return appendNameArgs(dst, iproto.IPROTO_FUNCTION_NAME, r.Function, r.Args)
}

// Call16 is an IPROTO_CALL_16 request: like Call, but with the 1.6 result
// convention (every return value converted to a tuple).
type Call16 struct {
	// Function is the name of the function to call, sent as
	// IPROTO_FUNCTION_NAME.
	Function string
	// Args are the call's arguments, sent as IPROTO_TUPLE; they must
	// encode to an array, and nil sends an empty one.
	Args any
}

// Type returns iproto.IPROTO_CALL_16.
func (Call16) Type() iproto.Type { return iproto.IPROTO_CALL_16 }

// AppendBody appends {FUNCTION_NAME, TUPLE: args}. On error dst is returned
// unchanged.
func (r Call16) AppendBody(dst []byte) ([]byte, error) {
	return appendNameArgs(dst, iproto.IPROTO_FUNCTION_NAME, r.Function, r.Args)
}

// Eval is an IPROTO_EVAL request: evaluate the Lua chunk Expr with Args
// (available as ... in the chunk; nil sends an empty array).
type Eval struct {
	// Expr is the Lua chunk to evaluate, sent as IPROTO_EXPR.
	Expr string
	// Args are the chunk's arguments (its ...), sent as IPROTO_TUPLE; they
	// must encode to an array, and nil sends an empty one.
	Args any
}

// Type returns iproto.IPROTO_EVAL.
func (Eval) Type() iproto.Type { return iproto.IPROTO_EVAL }

// AppendBody appends {EXPR, TUPLE: args}. On error dst is returned
// unchanged.
func (r Eval) AppendBody(dst []byte) ([]byte, error) {
	return appendNameArgs(dst, iproto.IPROTO_EXPR, r.Expr, r.Args)
}

func appendNameArgs(dst []byte, key iproto.Key, name string, args any) ([]byte, error) {
	if uint64(len(name)) > 1<<32-1 {
		return dst, &UnsupportedTypeError{Err: errTooLong}
	}
	out := AppendMapHeader(dst, 2)
	out = appendStrKV(out, key, name)
	out, err := appendKV(out, iproto.IPROTO_TUPLE, args)
	if err != nil {
		return dst, err
	}
	return out, nil
}
