package protocol

import "unsafe"

// valueArena serves the allocations of one DecodeValue: the arrays' element
// slices, the strings' bytes and the interface boxes of strings and of
// integers outside the runtime's preallocated 0..255 come from shared
// chunks instead of one allocation each (the interface box of an array
// too). A result of 1,000 tuples of eight
// fields then costs a few dozen allocations instead of about 11,000.
//
// Every chunk is sized from the bytes left in the value (each element
// takes at least one byte), capped at arenaChunk entries, so a small value
// gets small chunks and no chunk is much larger than the value. Nothing
// is written to a chunk's entry once handed out: the values are as
// immutable as separately allocated ones, and an array's slice has its
// capacity capped at its length, so appending to it copies. Keeping one
// value alive keeps its chunk alive (at most arenaChunk entries, or
// arenaBlock bytes of string data).
type valueArena struct {
	anys  []any
	heads [][]any // the arrays' slice headers, boxed
	strs  []string
	ints  []int64
	uints []uint64
	bytes strArena
}

// arenaChunk is the most entries one chunk of a valueArena holds.
const arenaChunk = 256

// eface is the memory layout of an interface value of type any: its
// dynamic type and a pointer to its data (for the string and integer
// types the arena boxes). The arena builds boxes pointing into its chunks
// with it, exactly as the runtime's own conversions point into one
// allocation each.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	stringType = typeWord("")
	int64Type  = typeWord(int64(0))
	uint64Type = typeWord(uint64(0))
	arrayType  = typeWord([]any(nil))
)

// box returns the interface value of dynamic type typ whose data is at p.
func box(typ, p unsafe.Pointer) any {
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, p
	return v
}

// chunkLen is the length of a new chunk when n entries are needed and
// rest bytes of the value are left.
func chunkLen(n, rest int) int { return max(n, min(arenaChunk, rest)) }

// array returns a zeroed []any of length and capacity n.
func (a *valueArena) array(n, rest int) []any {
	if n == 0 {
		return []any{} // not nil; costs no allocation
	}
	if n > arenaChunk {
		return make([]any, n)
	}
	if len(a.anys) < n {
		a.anys = make([]any, chunkLen(n, rest))
	}
	out := a.anys[:n:n]
	a.anys = a.anys[n:]
	return out
}

// boxArray returns the array s in an interface value.
func (a *valueArena) boxArray(s []any, rest int) any { return boxIn(&a.heads, s, arrayType, rest) }

// str returns data as a string in an interface value.
func (a *valueArena) str(data []byte, rest int) any {
	return boxIn(&a.strs, a.bytes.str(data, rest), stringType, rest)
}

// int64 returns v in an interface value.
func (a *valueArena) int64(v int64, rest int) any {
	if uint64(v) < 256 {
		return v // the runtime boxes these without allocating
	}
	return boxIn(&a.ints, v, int64Type, rest)
}

// uint64 returns v in an interface value.
func (a *valueArena) uint64(v uint64, rest int) any { return boxIn(&a.uints, v, uint64Type, rest) }

// boxIn stores v in the next free entry of *chunk (a new chunk when it is
// used up) and returns the interface value of type typ (v's) pointing at it.
func boxIn[T any](chunk *[]T, v T, typ unsafe.Pointer, rest int) any {
	if len(*chunk) == 0 {
		*chunk = make([]T, chunkLen(1, rest))
	}
	p := &(*chunk)[0]
	*chunk = (*chunk)[1:]
	*p = v
	return box(typ, unsafe.Pointer(p))
}

// arena returns the reader's arena, made on first use (so a value without
// strings, arrays or large integers costs none).
func (r *reader) arena() *valueArena {
	if r.va == nil {
		r.va = &valueArena{bytes: strArena{blocks: true}}
	}
	return r.va
}
