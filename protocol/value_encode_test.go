package protocol

import (
	"encoding/hex"
	"math"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func appendValueHex(t testing.TB, v any) string {
	t.Helper()
	b, err := AppendValue(nil, v)
	require.NoError(t, err, "%T %v", v, v)
	return hex.EncodeToString(b)
}

type namedInt int64
type namedUint uint16

// intBoundaries lists every boundary of the compact integer encoding with
// the exact bytes expected. neg values are given as int64, others as uint64.
var intBoundaries = []struct {
	neg  bool
	i    int64
	u    uint64
	want string
}{
	{u: 0, want: "00"},
	{u: 127, want: "7f"},
	{u: 128, want: "cc80"},
	{u: 255, want: "ccff"},
	{u: 256, want: "cd0100"},
	{u: 32767, want: "cd7fff"},
	{u: 65535, want: "cdffff"},
	{u: 65536, want: "ce00010000"},
	{u: math.MaxInt32, want: "ce7fffffff"},
	{u: 1<<32 - 1, want: "ceffffffff"},
	{u: 1 << 32, want: "cf0000000100000000"},
	{u: math.MaxInt64, want: "cf7fffffffffffffff"},
	{u: math.MaxUint64, want: "cfffffffffffffffff"},
	{neg: true, i: -1, want: "ff"},
	{neg: true, i: -32, want: "e0"},
	{neg: true, i: -33, want: "d0df"},
	{neg: true, i: -128, want: "d080"},
	{neg: true, i: -129, want: "d1ff7f"},
	{neg: true, i: -32768, want: "d18000"},
	{neg: true, i: -32769, want: "d2ffff7fff"},
	{neg: true, i: math.MinInt32, want: "d280000000"},
	{neg: true, i: math.MinInt32 - 1, want: "d3ffffffff7fffffff"},
	{neg: true, i: math.MinInt64, want: "d38000000000000000"},
}

// asIntTypes returns the value converted to every Go integer type that can
// represent it.
func asIntTypes(neg bool, i int64, u uint64) []any {
	var out []any
	if neg {
		if i >= math.MinInt8 {
			out = append(out, int8(i))
		}
		if i >= math.MinInt16 {
			out = append(out, int16(i))
		}
		if i >= math.MinInt32 {
			out = append(out, int32(i))
		}
		return append(out, int(i), i, namedInt(i))
	}
	if u <= math.MaxInt8 {
		out = append(out, int8(u))
	}
	if u <= math.MaxInt16 {
		out = append(out, int16(u))
	}
	if u <= math.MaxInt32 {
		out = append(out, int32(u))
	}
	if u <= math.MaxInt64 {
		out = append(out, int(u), int64(u), namedInt(u))
	}
	if u <= math.MaxUint8 {
		out = append(out, uint8(u))
	}
	if u <= math.MaxUint16 {
		out = append(out, uint16(u), namedUint(u))
	}
	if u <= math.MaxUint32 {
		out = append(out, uint32(u))
	}
	return append(out, uint(u), u, uintptr(u))
}

func TestAppendValueCompactInts(t *testing.T) {
	for _, c := range intBoundaries {
		for _, v := range asIntTypes(c.neg, c.i, c.u) {
			require.Equal(t, c.want, appendValueHex(t, v), "%T(%v)", v, v)
			// Same inside an array and through the struct fallback.
			require.Equal(t, "91"+c.want, appendValueHex(t, []any{v}), "%T(%v) in []any", v, v)
			if _, ok := v.(uintptr); ok {
				continue // the msgpack library cannot encode uintptr fields
			}
			sv := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "V", Type: reflect.TypeOf(v)}})).Elem()
			sv.Field(0).Set(reflect.ValueOf(v))
			require.Equal(t, "81a156"+c.want, appendValueHex(t, sv.Interface()), "%T(%v) in struct", v, v)
		}
		if c.neg {
			require.Equal(t, c.want, hex.EncodeToString(AppendInt(nil, c.i)))
			require.Equal(t, len(c.want)/2, intSize(c.i))
			require.Equal(t, "91"+c.want, appendValueHex(t, []int64{c.i}))
			require.Equal(t, "91"+c.want, appendValueHex(t, []int{int(c.i)}))
		} else {
			require.Equal(t, c.want, hex.EncodeToString(AppendUint(nil, c.u)))
			require.Equal(t, "91"+c.want, appendValueHex(t, []uint64{c.u}))
			if c.u <= math.MaxInt64 {
				require.Equal(t, c.want, hex.EncodeToString(AppendInt(nil, int64(c.u))))
				require.Equal(t, len(c.want)/2, intSize(int64(c.u)))
			}
		}
	}
}

type asArray struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Tags     []string
	U        UUID
	D        Decimal
	Ptr      *int
}

type customEnc struct{}

func (customEnc) EncodeMsgpack(enc *msgpack.Encoder) error { return enc.EncodeString("custom") }

type textish int

func (textish) MarshalText() ([]byte, error) { return []byte("text"), nil }

func TestAppendValueTypes(t *testing.T) {
	u, err := ParseUUID("6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11")
	require.NoError(t, err)
	seven := 7
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, "c0"},
		{"true", true, "c3"},
		{"false", false, "c2"},
		{"named bool", reflect.ValueOf(true).Convert(reflect.TypeOf(namedBool(false))).Interface(), "c3"},
		{"float32", float32(1.5), "ca3fc00000"},
		{"float64", 1.5, "cb3ff8000000000000"},
		{"float64 integral stays float", 2.0, "cb4000000000000000"},
		{"empty string", "", "a0"},
		{"fixstr", "abc", "a3616263"},
		{"str8", string(make([]byte, 32)), "d920" + hex.EncodeToString(make([]byte, 32))},
		{"named string", namedString("ab"), "a26162"},
		{"bin", []byte{1, 2}, "c4020102"},
		{"empty bin", []byte{}, "c400"},
		{"raw", RawMsgpack{0x92, 0x01, 0x02}, "920102"},
		{"msgpack raw", msgpack.RawMessage{0xc0}, "c0"},
		{"[]any", []any{1, "a", nil}, "9301a161c0"},
		{"nil []any", []any(nil), "90"},
		{"[]string", []string{"a", "b"}, "92a161a162"},
		{"[]int", []int{1, -1}, "9201ff"},
		{"[]int64", []int64{300}, "91cd012c"},
		{"[]uint64", []uint64{7}, "9107"},
		{"map[string]any", map[string]any{"a": 1}, "81a16101"},
		{"map[any]any", map[any]any{1: "a"}, "8101a161"},
		{"nil map", map[string]any(nil), "80"},
		{"uuid", u, "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11"},
		{"decimal", MustParseDecimal("-12.34"), "d6010201234d"},
		{"datetime utc", time.Unix(1, 0).UTC(), "d7040100000000000000"},
		{"datetime nsec+offset", time.Unix(1, 5).In(time.FixedZone("", 3*3600)),
			"d804010000000000000005000000b4000000"},
		{"16-element array", make([]any, 16), "dc0010" + repeatHex("c0", 16)},
		{"16-entry map header", AppendMapHeader(nil, 16), "c4" + "03" + "de0010"},
		{"struct as_array", asArray{ID: 7, Name: "x", Tags: []string{"t"}, U: u, D: MustParseDecimal("1")},
			"96" + "07" + "a178" + "91a174" + "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11" + "d501001c" + "c0"},
		{"pointer", &seven, "07"},
		{"nil pointer", (*int)(nil), "c0"},
		{"map[string]int via fallback", map[string]int{"a": 300}, "81a161cd012c"},
		{"[]uint32 via fallback", []uint32{1, 70000}, "9201ce00011170"},
		{"custom encoder", customEnc{}, "a6637573746f6d"},
		{"text marshaler (as bin, like the msgpack library)", textish(1), "c40474657874"},
		{"struct map", struct{ A int }{A: 1}, "81a14101"},
		{"uuid in map", map[string]any{"u": u}, "81a175d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, appendValueHex(t, tt.v))
		})
	}
}

type namedBool bool
type namedString string

func repeatHex(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestAppendPrimitivesLengths(t *testing.T) {
	for _, n := range []int{0, 15, 16, 31, 32, 255, 256, 65535, 65536} {
		s := string(make([]byte, n))
		b := AppendString(nil, s)
		v, rest, err := DecodeValue(b)
		require.NoError(t, err)
		require.Empty(t, rest)
		require.Equal(t, s, v)

		bin := make([]byte, n)
		b = AppendBinary(nil, bin)
		v, _, err = DecodeValue(b)
		require.NoError(t, err)
		require.Equal(t, bin, v)

		b = AppendArrayHeader(nil, uint32(n))
		for i := 0; i < n; i++ {
			b = AppendNil(b)
		}
		v, _, err = DecodeValue(b)
		require.NoError(t, err)
		require.Len(t, v, n)

		b = AppendExtHeader(nil, 42, uint32(n))
		b = append(b, make([]byte, n)...)
		v, _, err = DecodeValue(b)
		require.NoError(t, err)
		require.Equal(t, RawExt{Type: 42, Data: make([]byte, n)}, v)
	}
	m := AppendMapHeader(nil, 65536)
	for i := 0; i < 65536; i++ {
		m = AppendInt(m, int64(i))
		m = AppendNil(m)
	}
	v, _, err := DecodeValue(m)
	require.NoError(t, err)
	require.Len(t, v, 65536)
	require.Equal(t, "ca3f800000", hex.EncodeToString(AppendFloat32(nil, 1)))
	require.Equal(t, "cb3ff0000000000000", hex.EncodeToString(AppendFloat64(nil, 1)))
}

func TestAppendValueUnsupported(t *testing.T) {
	dst := []byte{0xaa}
	for _, v := range []any{
		make(chan int), func() {}, complex(1, 2), complex64(1), unsafe.Pointer(&dst),
		[]any{1, make(chan int)}, map[string]any{"f": func() {}},
		struct{ C chan int }{}, []complex128{1},
	} {
		out, err := AppendValue(dst, v)
		var ute *UnsupportedTypeError
		require.ErrorAs(t, err, &ute, "%T", v)
		require.NotNil(t, ute.Type)
		require.Contains(t, err.Error(), "protocol: cannot encode value of type")
		require.Equal(t, []byte{0xaa}, out, "dst unchanged for %T", v)
	}
}

func TestAppendValueTooDeep(t *testing.T) {
	var v any = []any{}
	for i := 0; i < MaxDepth+1; i++ {
		v = []any{v}
	}
	_, err := AppendValue(nil, v)
	require.ErrorIs(t, err, ErrTooDeep)

	var m any = map[string]any{}
	for i := 0; i < MaxDepth-1; i++ {
		m = map[string]any{"a": m}
	}
	_, err = AppendValue(nil, m)
	require.NoError(t, err)
}

func TestAppendValueFallbackReuse(t *testing.T) {
	// The pooled encoder must not keep a reference to the caller's buffer or
	// leak state between calls.
	buf := make([]byte, 0, 64)
	b1, err := AppendValue(buf, asArray{ID: 1})
	require.NoError(t, err)
	b2, err := AppendValue(nil, asArray{ID: 2})
	require.NoError(t, err)
	require.Equal(t, byte(1), b1[1])
	require.Equal(t, byte(2), b2[1])
}

func TestAppendValueOneElementArray(t *testing.T) {
	got, err := AppendValue(nil, [1]any{uint64(300)})
	require.NoError(t, err)
	want, err := AppendValue(nil, []any{uint64(300)})
	require.NoError(t, err)
	require.Equal(t, want, got)
	_, err = AppendValue(nil, [1]any{make(chan int)})
	var unsupported *UnsupportedTypeError
	require.ErrorAs(t, err, &unsupported)
}
