package protocol

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// Tests of schema evolution for array-encoded structs: an array shorter
// than the struct decodes as if padded with nil, a longer one as if cut to
// the field count, on the fast path and on the library path alike; a
// struct marked strict gets a *FieldCountError instead. The oracle is the
// msgpack library itself, run on arrays the test pads or cuts.

type evInner struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	A        int
	B        string
}

// evKinds has a field of every kind the library path handles; it is not
// fast-pathed (nested structs, pointers, ...).
type evKinds struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	U        uint64
	I        int8
	F        float64
	S        string
	Bs       []byte
	B        bool
	In       evInner
	Ins      []evInner
	M        map[string]evInner
	P        *evInner
	D        Decimal
	ID       UUID
	T        time.Time
	X        any
	Arr      [2]evInner
}

// evFlat is fast-pathed.
type evFlat struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	On       bool
	Blob     []byte
	F        float32
}

type evStrict struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array,strict"`
	ID       uint64
	Name     string
}

type evBase struct {
	ID uint64
}

// evEmbedded has an embedded struct: its field count comes from the
// library.
type evEmbedded struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	evBase
	Name string
}

// evTree is recursive.
type evTree struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	V        int
	Kids     []evTree
}

// evHolder holds a strict struct inside a map, on the library path.
type evHolder struct {
	M map[string][]*evStrict
}

// evKindsValues returns one value per field of evKinds, as a tuple would
// hold them (nested structs as arrays).
func evKindsValues(t *testing.T) []any {
	u, err := ParseUUID("6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11")
	require.NoError(t, err)
	return []any{
		uint64(1 << 40), -5, 2.5, "str", []byte{1, 2}, true,
		[]any{7, "in"},
		[]any{[]any{1, "a"}, []any{2, "b"}},
		map[string]any{"k": []any{3, "c"}},
		[]any{4, "p"},
		MustParseDecimal("12.34"), u,
		libraryRaw(t, time.Unix(1700000000, 5).UTC()), // the library's own ext -1
		[]any{1, "x"},
		[]any{[]any{5, "e"}, []any{6, "f"}},
	}
}

// libraryRaw encodes v with the msgpack library.
func libraryRaw(t *testing.T, v any) RawMsgpack {
	b, err := msgpack.Marshal(v)
	require.NoError(t, err)
	return b
}

// zeroFrom sets the fields of the struct v from the i-th on (in the
// library's order, embedded structs' fields inlined) to their zero values.
func zeroFrom(v reflect.Value, i int) {
	for _, f := range reflect.VisibleFields(v.Type()) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		if i--; i < 0 {
			fv := v.FieldByIndex(f.Index)
			fv.SetZero()
		}
	}
}

// libraryDecode is the msgpack library alone, the oracle.
func libraryDecode(t *testing.T, vals []any, v any) {
	t.Helper()
	b, err := AppendValue(nil, vals)
	require.NoError(t, err)
	require.NoError(t, msgpack.Unmarshal(b, v))
}

// evolveCase decodes arrays shorter and longer than the struct S (whose
// field values are vals) and compares Decode, the library path and the
// fast path with the library on the padded or cut array.
func evolveCase[S any](t *testing.T, vals []any) {
	t.Helper()
	extras := []any{nil, 9, "extra", []any{1, []any{2}}, map[string]any{"a": []byte{1}}, MustParseDecimal("1.5")}
	for k := 1; k <= len(vals)+len(extras); k++ {
		// The oracle: the library on the whole tuple, then the fields
		// without an element set to zero.
		in := vals[:min(k, len(vals))]
		if k > len(vals) {
			in = append(append([]any(nil), vals...), extras[:k-len(vals)]...)
		}
		b, err := AppendValue(nil, in)
		require.NoError(t, err)
		var want S
		libraryDecode(t, vals, &want)
		zeroFrom(reflect.ValueOf(&want).Elem(), k)

		var got, lib S
		require.NoError(t, Decode(b, &got), "%d elements", k)
		require.Equal(t, want, got, "%d elements", k)
		require.NoError(t, decodeLibraryOnly(b, &lib), "%d elements", k)
		require.Equal(t, want, lib, "%d elements, library path", k)
		var fast S
		if decodeStructFast(b, &fast, false) {
			require.Equal(t, want, fast, "%d elements, fast path", k)
		}

		// In a slice, after an element of the right length, and into
		// prefilled elements: missing fields are reset, as nil does.
		rows := []any{vals, in}
		b, err = AppendValue(nil, rows)
		require.NoError(t, err)
		var wantRows []S
		libraryDecode(t, []any{vals, vals}, &wantRows)
		zeroFrom(reflect.ValueOf(&wantRows[1]).Elem(), k)
		gotRows := make([]S, 2)
		prefill(reflect.ValueOf(&gotRows[1]).Elem())
		require.NoError(t, Decode(b, &gotRows))
		require.Equal(t, wantRows, gotRows, "%d elements in a slice", k)
		var ptrs []*S
		require.NoError(t, Decode(b, &ptrs))
		require.Len(t, ptrs, 2)
		require.Equal(t, wantRows[1], *ptrs[1], "%d elements, []*S", k)
	}
}

func TestDecodeStructEvolution(t *testing.T) {
	t.Run("kinds", func(t *testing.T) { evolveCase[evKinds](t, evKindsValues(t)) })
	t.Run("flat", func(t *testing.T) {
		evolveCase[evFlat](t, []any{uint64(7), "name", true, []byte("blob"), float32(1.5)})
	})
	t.Run("embedded", func(t *testing.T) { evolveCase[evEmbedded](t, []any{uint64(3), "emb"}) })
	t.Run("inner", func(t *testing.T) { evolveCase[evInner](t, []any{1, "x"}) })
}

// TestDecodeStructEvolutionNested resizes arrays at every level: a short
// nested struct inside a long outer one, in a slice, a map and a pointer.
func TestDecodeStructEvolutionNested(t *testing.T) {
	vals := evKindsValues(t)
	vals[6] = []any{7}                                 // In: short
	vals[7] = []any{[]any{1, "a", "x"}, []any{2}}      // Ins: long, short
	vals[8] = map[string]any{"k": []any{3, "c", 4, 5}} // M: long
	vals[9] = []any{4}                                 // P: short
	vals[14] = []any{[]any{5, "e", "x"}, []any{}}      // Arr: long, empty
	in := append(append([]any(nil), vals...), "extra") // outer: long
	b, err := AppendValue(nil, in)
	require.NoError(t, err)
	var got evKinds
	require.NoError(t, Decode(b, &got))
	require.Equal(t, evInner{A: 7}, got.In)
	require.Equal(t, []evInner{{A: 1, B: "a"}, {A: 2}}, got.Ins)
	require.Equal(t, map[string]evInner{"k": {A: 3, B: "c"}}, got.M)
	require.Equal(t, &evInner{A: 4}, got.P)
	require.Equal(t, [2]evInner{{A: 5, B: "e"}, {}}, got.Arr)
	require.Equal(t, "str", got.S)

	// A recursive type, resized at depth.
	b, err = AppendValue(nil, []any{1, []any{[]any{2}, []any{3, []any{[]any{4, nil, "x"}}, "y"}}})
	require.NoError(t, err)
	var tree evTree
	require.NoError(t, Decode(b, &tree))
	require.Equal(t, evTree{V: 1, Kids: []evTree{{V: 2}, {V: 3, Kids: []evTree{{V: 4}}}}}, tree)
}

// TestDecodeStructStrict checks that a struct marked strict keeps the exact
// count, with an error naming both counts, on both paths and nested.
func TestDecodeStructStrict(t *testing.T) {
	for _, in := range [][]any{{1}, {1, "a", 2}} {
		b, err := AppendValue(nil, in)
		require.NoError(t, err)
		var s evStrict
		require.False(t, decodeStructFast(b, &s, false))
		for _, decode := range []func([]byte, any) error{Decode, decodeLibraryOnly} {
			err := decode(b, &s)
			var fc *FieldCountError
			require.ErrorAs(t, err, &fc)
			require.Equal(t, reflect.TypeFor[evStrict](), fc.Type)
			require.Equal(t, 2, fc.Fields)
			require.Equal(t, len(in), fc.Elements)
			var ue *UnmarshalError
			require.ErrorAs(t, err, &ue)
			require.Contains(t, err.Error(), "evStrict has 2 fields, the array has "+string(rune('0'+len(in)))+" elements")
		}
		b, err = AppendValue(nil, map[string]any{"M": map[string]any{"k": []any{[]any{1, "a"}, in}}})
		require.NoError(t, err)
		var h evHolder
		var fc *FieldCountError
		require.ErrorAs(t, Decode(b, &h), &fc)
	}
	// The exact count, nil and the empty array are fine.
	b, err := AppendValue(nil, []any{[]any{1, "a"}, nil, []any{}})
	require.NoError(t, err)
	var rows []evStrict
	require.NoError(t, Decode(b, &rows))
	require.Equal(t, []evStrict{{ID: 1, Name: "a"}, {}, {}}, rows)
	require.True(t, buildStructPlan(reflect.TypeFor[evStrict]()).strict)
	require.False(t, buildStructPlan(reflect.TypeFor[evFlat]()).strict)
}

func TestLibraryFieldCount(t *testing.T) {
	count := func(t reflect.Type) int { _, at := libraryZeroStruct(t); return len(at) - 1 }
	require.Equal(t, 2, count(reflect.TypeFor[evEmbedded]()))
	require.Equal(t, 15, count(reflect.TypeFor[evKinds]()))
	require.Equal(t, -1, count(reflect.TypeFor[time.Time]()))
	n := evolveNodeFor(reflect.TypeFor[*evEmbedded]())
	require.True(t, n.holds)
	require.Equal(t, 2, n.elem.count)
	require.Nil(t, n.elem.fields)
	require.False(t, evolveNodeFor(reflect.TypeFor[*[]map[string]any]()).holds)
	require.False(t, evolveNodeFor(reflect.TypeFor[*Decimal]()).holds)
	require.True(t, evolveNodeFor(reflect.TypeFor[*evTree]()).holds)
}

// FuzzEvolveArrays checks the library path's rewriting on arbitrary
// input: it never panics, its output is one well-formed value, rewriting
// the output changes nothing more (every struct array has its count), and
// Decode agrees with the library on the output. For fast-pathed shapes,
// FuzzDecodeStruct compares the fast path with this path.
func FuzzEvolveArrays(f *testing.F) {
	for _, v := range []any{
		[]any{1, []any{2}, []any{[]any{1, "a", 3}}, map[string]any{"k": []any{1}}, []any{1, "p", "x"}},
		[]any{1, []any{[]any{2}, []any{3, []any{[]any{4, nil, "x"}}, "y"}}},
		map[string]any{"M": map[string]any{"k": []any{[]any{1, "a"}, []any{1}}}},
		[]any{[]any{1, "a", 2}, []any{}, nil},
	} {
		b, err := AppendValue(nil, v)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := reader{buf: b}
		if r.validate(0) != nil {
			return
		}
		b = b[:r.off] // the first value: Decode ignores what follows
		for _, newV := range []func() any{
			func() any { return new(evKinds) }, func() any { return new(evTree) }, func() any { return new(evEmbedded) },
			func() any { return new([]*evInner) }, func() any { return new(map[string][]evInner) }, func() any { return new(evHolder) },
		} {
			out, buf, err := evolveArrays(b, newV())
			if err != nil {
				var fc *FieldCountError
				require.ErrorAs(t, err, &fc)
				continue
			}
			out = append([]byte(nil), out...)
			if buf != nil {
				evolveBuffers.Put(buf)
			}
			rest, err := SkipValue(out)
			require.NoError(t, err, "%x -> %x", b, out)
			require.Empty(t, rest, "%x -> %x: one value", b, out)
			again, buf2, err := evolveArrays(out, newV())
			require.NoError(t, err)
			require.Nil(t, buf2, "%x -> %x -> %x: a second rewrite", b, out, again)
			v1, v2 := newV(), newV()
			err1, err2 := Decode(b, v1), decodeWithLibrary(out, v2)
			require.Equal(t, errText(err1), errText(err2))
			if err1 == nil {
				require.Equal(t, v2, v1)
			}
		}
	})
}
