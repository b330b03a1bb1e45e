package protocol

// SizeAtLeast returns a lower bound on the size of r's encoded body, read
// from its values without encoding them: the lengths of its strings and
// binaries and one byte for every other value. known reports whether every
// value is of a kind the bound walks into (nil, booleans, numbers,
// strings, []byte, RawMsgpack, []any, *[]any, map[string]any, map[any]any,
// update operations); for any other (a struct, a typed slice, anything the
// msgpack library encodes) the bound leaves it out and known is false.
//
// It lets a caller refuse a request too large for a frame before encoding
// any of it, and encode the ones of unknown size where a slow encoding
// stalls nobody. Cost: one pass over the values (a type switch each), no
// allocation.
func SizeAtLeast(r Request) (n int, known bool) {
	switch r := r.(type) {
	case Ping, *Ping, Commit, *Commit, Rollback, *Rollback, *Begin, Begin:
		return 0, true
	case *Select:
		n, known = valueSize(r.Key, 0)
		return n + len(r.After), known && r.AfterTuple == nil
	case *Insert:
		return valueSize(r.Tuple, 0)
	case *Replace:
		return valueSize(r.Tuple, 0)
	case *Delete:
		return valueSize(r.Key, 0)
	case *Update:
		n, known = valueSize(r.Key, 0)
		m, opsKnown := opsSize(r.Ops)
		return n + m, known && opsKnown
	case *Upsert:
		n, known = valueSize(r.Tuple, 0)
		m, opsKnown := opsSize(r.Ops)
		return n + m, known && opsKnown
	case *Call:
		n, known = valueSize(r.Args, 0)
		return n + len(r.Function), known
	case *Eval:
		n, known = valueSize(r.Args, 0)
		return n + len(r.Expr), known
	case *Execute:
		n, known = valueSize(r.Args, 0)
		return n + len(r.SQL), known
	case *Prepare:
		return len(r.SQL), true
	}
	return 0, false
}

// sizeDepth bounds how deep SizeAtLeast walks into nested values; deeper
// ones count as unknown.
const sizeDepth = 16

func valueSize(v any, depth int) (int, bool) {
	if depth > sizeDepth {
		return 0, false
	}
	switch v := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return 1, true
	case string:
		return len(v) + 1, true
	case []byte:
		return len(v) + 1, true
	case RawMsgpack:
		return len(v), true
	case *[]any:
		if v == nil {
			return 1, true
		}
		return valueSize(*v, depth)
	case []any:
		n, known := 1, true
		for _, e := range v {
			m, k := valueSize(e, depth+1)
			n, known = n+m, known && k
		}
		return n, known
	case map[string]any:
		n, known := 1, true
		for k, e := range v {
			m, ok := valueSize(e, depth+1)
			n, known = n+len(k)+1+m, known && ok
		}
		return n, known
	case map[any]any:
		n, known := 1, true
		for k, e := range v {
			a, ok1 := valueSize(k, depth+1)
			b, ok2 := valueSize(e, depth+1)
			n, known = n+a+b, known && ok1 && ok2
		}
		return n, known
	}
	return 0, false
}

func opsSize(ops []Op) (int, bool) {
	n, known := 1, true
	for _, op := range ops {
		a, ok1 := valueSize(op.Field, 1)
		b, ok2 := valueSize(op.Arg, 1)
		n, known = n+2+a+b+len(op.SpliceValue), known && ok1 && ok2
	}
	return n, known
}
