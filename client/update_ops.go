package client

import "github.com/txtarantool/txtarantool/protocol"

// This file repeats protocol's update operations so that code calling
// Update and Upsert needs to import only this package: client.Op is
// protocol.Op (the same type, so []client.Op is a []protocol.Op), and each
// constructor calls protocol's (inlined: it costs nothing more).

// Op is one update operation of Update or Upsert: protocol.Op. Fields are
// 0-based numbers (negative counts from the end) or names from the space
// format.
type Op = protocol.Op

// OpAssign returns the operation '=': set field to v.
func OpAssign(field, v any) Op { return protocol.OpAssign(field, v) }

// OpAdd returns the operation '+': add the number v to the field.
func OpAdd(field, v any) Op { return protocol.OpAdd(field, v) }

// OpSub returns the operation '-': subtract the number v from the field.
func OpSub(field, v any) Op { return protocol.OpSub(field, v) }

// OpAnd returns the operation '&': bitwise AND with the non-negative
// integer v.
func OpAnd(field, v any) Op { return protocol.OpAnd(field, v) }

// OpOr returns the operation '|': bitwise OR with the non-negative
// integer v.
func OpOr(field, v any) Op { return protocol.OpOr(field, v) }

// OpXor returns the operation '^': bitwise XOR with the non-negative
// integer v.
func OpXor(field, v any) Op { return protocol.OpXor(field, v) }

// OpInsert returns the operation '!': insert v before field (the tuple's
// length, or -1, appends).
func OpInsert(field, v any) Op { return protocol.OpInsert(field, v) }

// OpDelete returns the operation '#': delete count fields from field on.
func OpDelete(field any, count int) Op { return protocol.OpDelete(field, count) }

// OpSplice returns the operation ':': replace length characters of the
// string field at offset (0-based) with value.
func OpSplice(field any, offset, length int, value string) Op {
	return protocol.OpSplice(field, offset, length, value)
}
