package protocol

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// Struct shapes the fast path handles.

type sdAll struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	B        bool
	I        int
	I8       int8
	I16      int16
	I32      int32
	I64      int64
	U        uint
	U8       uint8
	U16      uint16
	U32      uint32
	U64      uint64
	F32      float32
	F64      float64
	S        string
	Bs       []byte
}

type sdTagged struct {
	ID   uint64 `msgpack:"id"`
	Name string `msgpack:" name ,omitempty"`
	Skip int    `msgpack:"-"`
	//lint:ignore U1000 an unexported field the decoders must skip
	hidden int
	Score  int64
	Blob   []byte `msgpack:"blob,omitempty"`
	Empty  string `msgpack:","`
}

type (
	sdInt   int16
	sdStr   string
	sdBytes []byte
)

type sdNamed struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	N        sdInt
	S        sdStr
	B        sdBytes
}

type sdTuple struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Count    uint64
}

// sdWide has more fields than byNameThreshold, so map keys are looked up in
// the plan's name index.
type sdWide struct {
	A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16, A17 int32
}

// Struct shapes the fast path leaves to the library.

type sdNested struct {
	A int
	T sdTuple
}

type sdPtr struct {
	A int
	P *int
}

type sdIface struct {
	A int
	X any
}

type sdEmbedded struct {
	sdTuple
	X int
}

type sdIntern struct {
	S string `msgpack:",intern"`
}

type sdAlias struct {
	S string `msgpack:"s,alias:t"`
}

type sdWithUUID struct {
	A int
	U UUID
}

type sdArray struct {
	A [2]int
}

type sdDup struct {
	A int
	B int `msgpack:"A"`
}

// sdTextInt decodes itself from text, so the library does not treat it as
// an integer.
type sdTextInt int

func (p *sdTextInt) UnmarshalText(b []byte) error {
	*p = sdTextInt(len(b))
	return nil
}

type sdText struct {
	A sdTextInt
}

// sdSelf decodes itself.
type sdSelf struct {
	A int
}

func (s *sdSelf) DecodeMsgpack(d *msgpack.Decoder) error {
	n, err := d.DecodeInt()
	s.A = n + 1000
	return err
}

// sdRows is a slice type that decodes itself.
type sdRows []sdTuple

func (r *sdRows) UnmarshalMsgpack(b []byte) error {
	*r = sdRows{{ID: uint64(len(b))}}
	return nil
}

func TestStructPlan(t *testing.T) {
	plan := buildStructPlan(reflect.TypeFor[sdTagged]())
	require.NotNil(t, plan)
	var names []string
	for _, f := range plan.fields {
		names = append(names, f.name)
	}
	require.Equal(t, []string{"id", "name", "Score", "blob", "Empty"}, names)
	require.Len(t, buildStructPlan(reflect.TypeFor[sdAll]()).fields, 15)
	require.NotNil(t, buildStructPlan(reflect.TypeFor[sdWide]()).byName)

	for _, typ := range []reflect.Type{
		reflect.TypeFor[sdNested](), reflect.TypeFor[sdPtr](), reflect.TypeFor[sdIface](),
		reflect.TypeFor[sdEmbedded](), reflect.TypeFor[sdIntern](), reflect.TypeFor[sdAlias](),
		reflect.TypeFor[sdWithUUID](), reflect.TypeFor[sdArray](), reflect.TypeFor[sdDup](),
		reflect.TypeFor[sdText](), reflect.TypeFor[sdSelf](),
	} {
		require.Nil(t, buildStructPlan(typ), typ.String())
	}
	require.Nil(t, fastTargetFor(reflect.TypeFor[*sdRows]()))
	require.Nil(t, fastTargetFor(reflect.TypeFor[*[]*sdTuple]()))
	require.Nil(t, fastTargetFor(reflect.TypeFor[*int]()))
	require.NotNil(t, fastTargetFor(reflect.TypeFor[*[]sdTuple]()))
	require.NotNil(t, fastTargetFor(reflect.TypeFor[*sdTuple]()))
}

func TestParseMsgpackTag(t *testing.T) {
	for _, tc := range []struct {
		tag, name string
		opts      []string
		ok        bool
	}{
		{"", "", nil, true},
		{"a", "a", nil, true},
		{" a , omitempty", "a", []string{"omitempty"}, true},
		{",as_array", "", []string{"as_array"}, true},
		{"-", "-", nil, true},
		{"a,alias:b", "", nil, false},
		{"'a'", "", nil, false},
	} {
		name, opts, ok := parseMsgpackTag(tc.tag)
		require.Equal(t, tc.ok, ok, tc.tag)
		if ok {
			require.Equal(t, tc.name, name, tc.tag)
			require.Equal(t, len(tc.opts), len(opts), tc.tag)
		}
	}
}

// mustHexBytes decodes hex, ignoring spaces.
func mustHexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// describe renders v, which must be addressable, for comparison: every field (unexported ones too),
// floats as bits, and for every slice its nil-ness, length, capacity, the
// index of the original array it still uses (orig, from arrays) and its
// elements up to its capacity.
func describe(v reflect.Value, orig map[unsafe.Pointer]int) string {
	var sb strings.Builder
	describeTo(&sb, v, orig, 0)
	return sb.String()
}

func describeTo(sb *strings.Builder, v reflect.Value, orig map[unsafe.Pointer]int, depth int) {
	if depth > 20 {
		sb.WriteString("…")
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		sb.WriteString("{")
		for i := range v.NumField() {
			fmt.Fprintf(sb, "%s:", v.Type().Field(i).Name)
			describeTo(sb, v.Field(i), orig, depth+1)
			sb.WriteString(" ")
		}
		sb.WriteString("}")
	case reflect.Slice:
		idx, ok := orig[v.UnsafePointer()]
		if !ok {
			idx = -1
		}
		fmt.Fprintf(sb, "slice(nil=%v len=%d cap=%d orig=%d)[", v.IsNil(), v.Len(), v.Cap(), idx)
		full := v.Slice3(0, v.Cap(), v.Cap())
		for i := range full.Len() {
			if i == v.Len() {
				sb.WriteString("| ")
			}
			describeTo(sb, full.Index(i), orig, depth+1)
			sb.WriteString(" ")
		}
		sb.WriteString("]")
	case reflect.Pointer:
		if v.IsNil() {
			sb.WriteString("nil")
		} else {
			sb.WriteString("&")
			describeTo(sb, v.Elem(), orig, depth+1)
		}
	case reflect.Interface:
		if v.IsNil() {
			sb.WriteString("nil")
		} else {
			fmt.Fprintf(sb, "%s:", v.Elem().Type())
			describeTo(sb, v.Elem(), orig, depth+1)
		}
	case reflect.Float32:
		// Read the bits in place where possible: v.Float() converts to
		// float64, which would quiet a signalling NaN.
		f := float32(v.Float())
		if v.CanAddr() {
			f = *(*float32)(unsafe.Pointer(v.UnsafeAddr()))
		}
		fmt.Fprintf(sb, "f32:%08x", math.Float32bits(f))
	case reflect.Float64:
		fmt.Fprintf(sb, "f64:%016x", math.Float64bits(v.Float()))
	case reflect.Bool:
		fmt.Fprint(sb, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprint(sb, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		fmt.Fprint(sb, v.Uint())
	case reflect.String:
		fmt.Fprintf(sb, "%q", v.String())
	case reflect.Array:
		sb.WriteString("[")
		for i := range v.Len() {
			describeTo(sb, v.Index(i), orig, depth+1)
			sb.WriteString(" ")
		}
		sb.WriteString("]")
	default:
		fmt.Fprintf(sb, "?%s", v.Kind())
	}
}

// arrays indexes the arrays of the non-empty slices reachable from v.
func arrays(v reflect.Value, m map[unsafe.Pointer]int) map[unsafe.Pointer]int {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			arrays(v.Field(i), m)
		}
	case reflect.Slice:
		if v.Cap() > 0 {
			m[v.UnsafePointer()] = len(m)
			full := v.Slice3(0, v.Cap(), v.Cap())
			for i := range full.Len() {
				arrays(full.Index(i), m)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			arrays(v.Elem(), m)
		}
	}
	return m
}

// decodeLibraryOnly is Decode without the fast path: the library, on the
// value with its struct arrays resized to the field counts.
func decodeLibraryOnly(b []byte, v any) error {
	r := reader{buf: b}
	if err := r.validate(0); err != nil {
		return err
	}
	return decodeEvolved(b, v)
}

// errText renders an error for comparison.
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%T: %v", err, err)
}

// diffDecode decodes b into a fresh init() three ways: Decode, the library
// alone and the fast path alone. Decode must match the library exactly
// (error text, every field, slice lengths, capacities and which arrays are
// reused); when the fast path alone accepts b, the library must accept it
// and produce the same. It reports whether the fast path alone accepted b.
func diffDecode[T any](t testing.TB, b []byte, init func() T) bool {
	t.Helper()
	got, want := init(), init()
	gotOrig := arrays(reflect.ValueOf(&got).Elem(), map[unsafe.Pointer]int{})
	wantOrig := arrays(reflect.ValueOf(&want).Elem(), map[unsafe.Pointer]int{})
	gotErr := Decode(b, &got)
	wantErr := decodeLibraryOnly(b, &want)
	wantDesc := describe(reflect.ValueOf(&want).Elem(), wantOrig)
	if errText(gotErr) != errText(wantErr) {
		t.Fatalf("%T from %x: Decode error %s, library %s", got, b, errText(gotErr), errText(wantErr))
	}
	// After malformed input the fast path may have written part of the
	// value before finding the damage; the library never ran.
	var malformed *MalformedError
	if gotDesc := describe(reflect.ValueOf(&got).Elem(), gotOrig); gotDesc != wantDesc && !errors.As(gotErr, &malformed) {
		t.Fatalf("%T from %x (error %v):\nDecode  %s\nlibrary %s", got, b, gotErr, gotDesc, wantDesc)
	}

	// The fast path runs on unvalidated input: it must give up on
	// whatever the validation rejects.
	fast := init()
	fastOrig := arrays(reflect.ValueOf(&fast).Elem(), map[unsafe.Pointer]int{})
	if !decodeStructFast(b, &fast, false) {
		return false
	}
	if r := (reader{buf: b}); r.validate(0) != nil {
		t.Fatalf("%T from %x: the fast path accepted malformed input", fast, b)
	}
	if wantErr != nil {
		t.Fatalf("%T from %x: the fast path accepted what the library rejects: %v", fast, b, wantErr)
	}
	if fastDesc := describe(reflect.ValueOf(&fast).Elem(), fastOrig); fastDesc != wantDesc {
		t.Fatalf("%T from %x:\nfast    %s\nlibrary %s", fast, b, fastDesc, wantDesc)
	}
	return true
}

// prefill sets every field of the struct v (unexported ones too) that has
// a scalar, string or []byte kind to a non-zero value; each []byte gets its
// own array with spare capacity.
func prefill(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(7)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.SetUint(9)
		case reflect.Float32, reflect.Float64:
			f.SetFloat(1.25)
		case reflect.String:
			f.SetString("old")
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.Uint8 {
				b := make([]byte, 3, 4)
				copy(b, "old")
				f.SetBytes(b)
			}
		case reflect.Struct:
			prefill(f)
		}
	}
}

// initStates returns constructors of the initial values decoded into: a
// zero S, a prefilled S, and slices of S that are nil, empty with spare
// prefilled capacity, shorter than their capacity, and full.
func initStates[S any]() (structs []func() S, slices []func() []S) {
	filled := func() S {
		var s S
		prefill(reflect.ValueOf(&s).Elem())
		return s
	}
	filledSlice := func(n, c int) func() []S {
		return func() []S {
			s := make([]S, c)
			for i := range s {
				s[i] = filled()
			}
			return s[:n]
		}
	}
	return []func() S{func() S { var s S; return s }, filled},
		[]func() []S{func() []S { return nil }, filledSlice(0, 3), filledSlice(1, 2), filledSlice(2, 2)}
}

// wireValues are single MessagePack values in every encoding of each type.
var wireValues = []string{
	"c0", "c2", "c3",
	"00", "01", "7f", "ff", "e0",
	"cc80", "ccff", "cd0100", "cd012c", "cdffff", "ce00010000", "ceffffffff",
	"cf0000000000000001", "cfffffffffffffffff", "cf7fffffffffffffff", "cf8000000000000000",
	"d080", "d001", "d0ff", "d1ff7f", "d18000", "d1007f", "d280000000", "d200000005", "d2ffffffff",
	"d38000000000000000", "d3ffffffffffffffff", "d30000000100000000",
	"cf1000001000000001", // 2^60+2^36+1: float32(int64) and float32(float64(int64)) differ
	"ca3fc00000", "ca7fc00000", "ca7f800001", "ca80000000", "ca7f800000", "ca4f000000",
	"cb4002000000000000", "cb7ff8000000000000", "cb7ff0000000000001", "cbc3e0000000000000",
	"a0", "a3616263", "d903616263", "da0003616263", "db00000003616263",
	"c400", "c4020102", "c500020102", "c6000000020102", "c4050102030405",
	"90", "9101", "80", "81a16101", "dc0000", "de0000",
	"d40100", "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11", "c70005",
}

// wireFor returns a well-formed value for a field of kind k.
func wireFor(k fieldKind) string {
	switch k {
	case fieldBool:
		return "c3"
	case fieldFloat32:
		return "ca3fc00000"
	case fieldFloat64:
		return "cb4002000000000000"
	case fieldString:
		return "a3616263"
	case fieldBytes:
		return "c4020102"
	}
	return "05"
}

// strHex encodes s as a MessagePack str, in hex.
func strHex(s string) string {
	return hex.EncodeToString(AppendString(nil, s))
}

// structInputs returns encodings of struct values for a struct with the
// given field names, each field's good value taken from good: array and map
// forms, every field replaced by every wire value, missing, extra, unknown,
// duplicate and odd keys, wrong lengths and non-container values.
func structInputs(t testing.TB, names, good []string) [][]byte {
	n := len(names)
	arr := func(vals []string) string {
		return hex.EncodeToString(AppendArrayHeader(nil, uint32(len(vals)))) + strings.Join(vals, "")
	}
	mp := func(pairs []string) string {
		return hex.EncodeToString(AppendMapHeader(nil, uint32(len(pairs)/2))) + strings.Join(pairs, "")
	}
	pairs := func(vals []string) []string {
		var p []string
		for i, v := range vals {
			p = append(p, strHex(names[i]), v)
		}
		return p
	}
	var ins []string
	ins = append(ins, arr(good), mp(pairs(good)))
	for i := range n {
		for _, w := range wireValues {
			vals := append([]string(nil), good...)
			vals[i] = w
			ins = append(ins, arr(vals), mp(pairs(vals)))
		}
		missing := append(append([]string(nil), pairs(good)[:2*i]...), pairs(good)[2*i+2:]...)
		ins = append(ins, mp(missing))
	}
	for _, w := range wireValues {
		ins = append(ins, mp(append(pairs(good), strHex("zz"), w)))
		ins = append(ins, mp(append([]string{w, "01"}, pairs(good)...))) // odd keys
	}
	if n > 0 {
		ins = append(ins,
			arr(good[:n-1]), arr(append(append([]string(nil), good...), "01")),
			mp(append(pairs(good), pairs(good)[:2]...)),                         // duplicate key
			mp(append(pairs(good), "c4"+strHex(names[0])[2:], good[0])),         // bin key (short names)
			mp(append(pairs(good), "c0", good[0])),                              // nil key
			mp(append(pairs(good), strHex("zz"), "9291a10182a162c0c3a0d40100"))) // nested unknown
		var rev []string
		for i := n - 1; i >= 0; i-- {
			rev = append(rev, strHex(names[i]), good[i])
		}
		ins = append(ins, mp(rev))
	}
	ins = append(ins, "c0", "90", "80", "dc0000", "de0000", "dd00000000", "df00000000", "01", "a161", "c3", "ca3f800000")
	out := make([][]byte, len(ins))
	for i, s := range ins {
		out[i] = mustHexBytes(t, s)
	}
	return out
}

// planInputs returns structInputs for the struct type S, from its plan when
// it has one, else from its exported field names.
func planInputs[S any](t testing.TB) [][]byte {
	typ := reflect.TypeFor[S]()
	var names, good []string
	if plan := buildStructPlan(typ); plan != nil {
		for _, f := range plan.fields {
			names = append(names, f.name)
			good = append(good, wireFor(f.kind))
		}
	} else {
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				names = append(names, f.Name)
				good = append(good, "05")
			}
		}
	}
	return structInputs(t, names, good)
}

// diffShape compares Decode with the library for S and []S over the
// inputs from planInputs, from every initial state, and returns how many
// decodes the fast path accepted.
func diffShape[S any](t *testing.T) (accepted int) {
	inputs := planInputs[S](t)
	structs, slices := initStates[S]()
	for _, in := range inputs {
		for _, init := range structs {
			if diffDecode(t, in, init) {
				accepted++
			}
		}
	}
	good := inputs[0]
	var sliceInputs [][]byte
	for i, in := range inputs {
		// One wrapping per input, in turn: the input alone, second of two
		// (so a failure comes after a decoded element) and first of four
		// (more than any initial capacity).
		switch i % 3 {
		case 0:
			sliceInputs = append(sliceInputs, append([]byte{0x91}, in...))
		case 1:
			sliceInputs = append(sliceInputs, append(append([]byte{0x92}, good...), in...))
		default:
			sliceInputs = append(sliceInputs, append(append(append(append([]byte{0x94}, in...), good...), good...), good...))
		}
	}
	sliceInputs = append(sliceInputs, []byte{0xc0}, []byte{0x90}, []byte{0x80}, []byte{0x01})
	for _, in := range sliceInputs {
		for _, init := range slices {
			if diffDecode(t, in, init) {
				accepted++
			}
		}
	}
	return accepted
}

func TestDecodeStructMatchesLibrary(t *testing.T) {
	for name, run := range map[string]func(*testing.T) int{
		"all":    diffShape[sdAll],
		"tagged": diffShape[sdTagged],
		"named":  diffShape[sdNamed],
		"tuple":  diffShape[sdTuple],
		"wide":   diffShape[sdWide],
	} {
		t.Run(name, func(t *testing.T) {
			require.Greater(t, run(t), 100, "the fast path must take most well-formed inputs")
		})
	}
	for name, run := range map[string]func(*testing.T) int{
		"nested":   diffShape[sdNested],
		"ptr":      diffShape[sdPtr],
		"iface":    diffShape[sdIface],
		"embedded": diffShape[sdEmbedded],
		"intern":   diffShape[sdIntern],
		"alias":    diffShape[sdAlias],
		"uuid":     diffShape[sdWithUUID],
		"array":    diffShape[sdArray],
		"text":     diffShape[sdText],
		"self":     diffShape[sdSelf],
	} {
		t.Run(name, func(t *testing.T) {
			require.Zero(t, run(t), "unsupported shapes must take the library path")
		})
	}
}

// TestDecodeStructCases pins the fast path's decisions on typical inputs:
// which it takes and what they decode to.
func TestDecodeStructCases(t *testing.T) {
	enc := func(v any) []byte {
		b, err := AppendValue(nil, v)
		require.NoError(t, err)
		return b
	}
	lib := func(v any) []byte {
		b, err := msgpack.Marshal(v)
		require.NoError(t, err)
		return b
	}
	zeroTuple := func() sdTuple { return sdTuple{} }
	oldTuple := func() sdTuple { return sdTuple{ID: 1, Name: "old", Count: 2} }
	for _, tc := range []struct {
		name string
		in   []byte
		init func() sdTuple
		fast bool
		want sdTuple
		err  string
	}{
		{"as_array", enc(&sdTuple{ID: 7, Name: "hello", Count: 9}), zeroTuple, true, sdTuple{ID: 7, Name: "hello", Count: 9}, ""},
		{"library as_array", lib(&sdTuple{ID: math.MaxUint64, Name: "x", Count: 1 << 40}), zeroTuple, true, sdTuple{ID: math.MaxUint64, Name: "x", Count: 1 << 40}, ""},
		{"map", enc(map[string]any{"Count": 3, "ID": 1}), oldTuple, true, sdTuple{ID: 1, Name: "old", Count: 3}, ""},
		{"unknown key skipped", enc(map[string]any{"ID": 4, "x": []any{1, map[string]any{"a": nil}}}), zeroTuple, true, sdTuple{ID: 4}, ""},
		{"nil", []byte{0xc0}, oldTuple, true, sdTuple{}, ""},
		{"empty array", []byte{0x90}, oldTuple, true, sdTuple{}, ""},
		{"nil fields", enc([]any{nil, nil, nil}), oldTuple, true, sdTuple{}, ""},
		{"negative into uint", enc([]any{-1, "", 300}), zeroTuple, true, sdTuple{ID: math.MaxUint64, Count: 300}, ""},
		{"bin into string", enc([]any{1, []byte("b"), 2}), zeroTuple, true, sdTuple{ID: 1, Name: "b", Count: 2}, ""},
		{"short array", enc([]any{1, "a"}), oldTuple, true, sdTuple{ID: 1, Name: "a"}, ""},
		{"long array", enc([]any{1, "a", 2, []any{3, map[string]any{"x": nil}}}), zeroTuple, true, sdTuple{ID: 1, Name: "a", Count: 2}, ""},
		{"short array, bad field", enc([]any{1.5}), zeroTuple, false, sdTuple{}, "msgpack: invalid code=cb decoding uint64"},
		{"string into uint", enc([]any{"1", "a", 2}), zeroTuple, false, sdTuple{}, "msgpack: invalid code=a1 decoding uint64"},
		{"float into uint", enc([]any{1.5, "a", 2}), zeroTuple, false, sdTuple{}, "msgpack: invalid code=cb decoding uint64"},
		{"int key", enc(map[any]any{1: 2}), zeroTuple, false, sdTuple{}, "msgpack: invalid code=1 decoding string/bytes length"},
		{"integer", enc(5), zeroTuple, false, sdTuple{}, "msgpack: unexpected code=5 decoding map length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.init()
			require.Equal(t, tc.fast, decodeStructFast(tc.in, &got, false))
			got = tc.init()
			err := Decode(tc.in, &got)
			if tc.err != "" {
				var ue *UnmarshalError
				require.ErrorAs(t, err, &ue)
				require.Contains(t, err.Error(), tc.err)
			} else {
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
			}
			diffDecode(t, tc.in, tc.init)
		})
	}
}

func TestDecodeStructAllKinds(t *testing.T) {
	in := sdAll{B: true, I: -1, I8: -8, I16: -16, I32: -32, I64: math.MinInt64, U: 1, U8: 8, U16: 16, U32: 32,
		U64: math.MaxUint64, F32: 1.5, F64: -2.25, S: "s", Bs: []byte{1, 2}}
	b, err := AppendValue(nil, &in)
	require.NoError(t, err)
	var got sdAll
	require.True(t, decodeStructFast(b, &got, false))
	require.Equal(t, in, got)
	require.True(t, diffDecode(t, b, func() sdAll { return sdAll{} }))

	// Integers keep their low bits, as the library's reflect.Value.SetInt
	// and SetUint do.
	b, err = AppendValue(nil, []any{false, 0, 300, 70000, int64(1) << 40, 0, 0, -1, -1, -1, 0, 0, 0, "", nil})
	require.NoError(t, err)
	got = sdAll{}
	require.True(t, decodeStructFast(b, &got, false))
	require.Equal(t, sdAll{I8: 44, I16: 4464, I32: 0, U8: 255, U16: 65535, U32: math.MaxUint32}, got)
}

func TestDecodeStructBytes(t *testing.T) {
	// The library copies bin into the field's own array when it is large
	// enough; the fast path does the same and never aliases the input.
	in, err := AppendValue(nil, map[string]any{"blob": []byte{1, 2, 3}})
	require.NoError(t, err)
	own := make([]byte, 0, 8)
	got := sdTagged{Blob: own}
	require.NoError(t, Decode(in, &got))
	require.Equal(t, []byte{1, 2, 3}, got.Blob)
	require.Equal(t, unsafe.SliceData(own), unsafe.SliceData(got.Blob))
	got.Blob[0] = 9
	require.Equal(t, byte(1), in[len(in)-3], "decoded bytes must not alias the input")

	// An empty value into a nil field gives a non-nil empty slice.
	in, err = AppendValue(nil, map[string]any{"blob": []byte{}})
	require.NoError(t, err)
	got = sdTagged{}
	require.True(t, decodeStructFast(in, &got, false))
	require.NotNil(t, got.Blob)
	require.Empty(t, got.Blob)
}

func TestDecodeStructSlice(t *testing.T) {
	in, err := AppendValue(nil, []any{[]any{1, "a", 2}, map[string]any{"Count": 5}})
	require.NoError(t, err)

	// Reused capacity: the slice is resliced from index 0, and the map-form
	// element keeps the old fields of the struct that was there.
	rows := make([]sdTuple, 3)
	rows[1] = sdTuple{ID: 8, Name: "old", Count: 1}
	rows = rows[:1]
	require.True(t, decodeStructFast(in, &rows, false))
	require.Equal(t, []sdTuple{{ID: 1, Name: "a", Count: 2}, {ID: 8, Name: "old", Count: 5}}, rows)

	// Growing keeps old elements up to the old capacity.
	rows = []sdTuple{{ID: 9}}
	require.True(t, decodeStructFast(in, &rows, false))
	require.Equal(t, []sdTuple{{ID: 1, Name: "a", Count: 2}, {Count: 5}}, rows)

	// On a fallback the slice header is restored before the library runs.
	bad, err := AppendValue(nil, []any{[]any{1, "a", 2}, []any{1.5, "b", 3}})
	require.NoError(t, err)
	rows = make([]sdTuple, 0, 1)
	require.False(t, decodeStructFast(bad, &rows, false))
	require.Len(t, rows, 0)
	require.Equal(t, 1, cap(rows))

	var empty []sdTuple
	require.True(t, decodeStructFast([]byte{0x90}, &empty, false))
	require.NotNil(t, empty)
	require.True(t, decodeStructFast([]byte{0xc0}, &empty, false))
	require.Nil(t, empty)
}

// TestDecodeStructNilTarget checks that nil pointers are left to the library
// (which reports them).
func TestDecodeStructNilTarget(t *testing.T) {
	var p *sdTuple
	require.False(t, decodeStructFast([]byte{0x90}, p, false))
	err := Decode([]byte{0x90}, p)
	var ue *UnmarshalError
	require.True(t, errors.As(err, &ue), "%v", err)
}

func FuzzDecodeStruct(f *testing.F) {
	for _, v := range []any{
		&sdTuple{ID: 7, Name: "hello", Count: 1},
		&sdAll{B: true, I: -1, U64: math.MaxUint64, F32: 1.5, F64: 2.5, S: "s", Bs: []byte{1}},
		map[string]any{"id": 1, "name": "n", "Score": -3, "blob": []byte{1}, "zz": []any{1}},
		[]any{[]any{1, "a", 2}, map[string]any{"Count": 5}, nil, []any{}},
		[]any{300, "s", []byte("b")},
	} {
		b, err := AppendValue(nil, v)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzShape[sdTuple](t, b)
		fuzzShape[sdAll](t, b)
		fuzzShape[sdTagged](t, b)
		fuzzShape[sdNamed](t, b)
	})
}

// fuzzShape compares Decode with the library on b for S and []S from every
// initial state.
func fuzzShape[S any](t *testing.T, b []byte) {
	structs, slices := initStates[S]()
	for _, init := range structs {
		diffDecode(t, b, init)
	}
	for _, init := range slices {
		diffDecode(t, b, init)
	}
}

// TestDecodeStructTruncatedInput checks the fast path on input it meets
// unvalidated: every proper prefix of a valid value is malformed, so the
// fast path must give up on it (without panicking) and Decode report a
// *MalformedError; a declared length beyond the data must not size a
// slice.
func TestDecodeStructTruncatedInput(t *testing.T) {
	for _, in := range planInputs[sdAll](t) {
		for _, whole := range [][]byte{in, append([]byte{0x91}, in...)} {
			rest, err := SkipValue(whole)
			if err != nil {
				continue // already malformed
			}
			for n := range len(whole) - len(rest) { // an input may have trailing bytes
				prefix := whole[:n:n]
				var one sdAll
				require.False(t, decodeStructFast(prefix, &one, false), "%x", prefix)
				var many []sdAll
				require.False(t, decodeStructFast(prefix, &many, false), "%x", prefix)
				var malformed *MalformedError
				require.ErrorAs(t, Decode(prefix, &many), &malformed, "%x", prefix)
			}
		}
	}

	// 2^20 elements declared, one present: sizing the slice from the
	// header would allocate 2^20 elements.
	huge := []byte{0xdd, 0x00, 0x10, 0x00, 0x00, 0x93, 0x01, 0xa1, 0x61, 0x02}
	var rows []sdTuple
	var fast bool
	requireAllocatesLittle(t, func() { fast = decodeStructFast(huge, &rows, false) }, "a hostile length sized the slice")
	require.False(t, fast)
	require.Nil(t, rows)
	var malformed *MalformedError
	require.ErrorAs(t, Decode(huge, &rows), &malformed)
}
