package protocol

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDecodeValue(t *testing.T) {
	u, err := ParseUUID("6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11")
	require.NoError(t, err)
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"nil", "c0", nil},
		{"true", "c3", true},
		{"false", "c2", false},
		{"fixint", "05", int64(5)},
		{"negative fixint", "e0", int64(-32)},
		{"uint8", "ccff", int64(255)},
		{"uint16", "cd0100", int64(256)},
		{"uint32", "ceffffffff", int64(math.MaxUint32)},
		{"uint64 fits int64", "cf7fffffffffffffff", int64(math.MaxInt64)},
		{"uint64 above int64", "cf8000000000000000", uint64(1 << 63)},
		{"int8", "d080", int64(-128)},
		{"int8 positive", "d005", int64(5)},
		{"int16", "d18000", int64(-32768)},
		{"int32", "d280000000", int64(math.MinInt32)},
		{"int64", "d38000000000000000", int64(math.MinInt64)},
		{"float32", "ca3fc00000", float32(1.5)},
		{"float64", "cb3ff8000000000000", 1.5},
		{"fixstr", "a3616263", "abc"},
		{"str8", "d903616263", "abc"},
		{"str16", "da0003616263", "abc"},
		{"str32", "db00000003616263", "abc"},
		{"bin8", "c4020102", []byte{1, 2}},
		{"bin16", "c500020102", []byte{1, 2}},
		{"bin32", "c6000000020102", []byte{1, 2}},
		{"fixarray", "920102", []any{int64(1), int64(2)}},
		{"array16", "dc0001c0", []any{nil}},
		{"array32", "dd00000001c0", []any{nil}},
		{"empty map", "80", map[string]any{}},
		{"string-keyed map", "82a16101a16202", map[string]any{"a": int64(1), "b": int64(2)}},
		{"int-keyed map", "8201a16102a162", map[any]any{int64(1): "a", int64(2): "b"}},
		{"mixed keys", "82a1610102a162", map[any]any{"a": int64(1), int64(2): "b"}},
		{"map16", "de0001a16101", map[string]any{"a": int64(1)}},
		{"map32", "df00000001a16101", map[string]any{"a": int64(1)}},
		{"nil key", "81c001", map[any]any{nil: int64(1)}},
		{"uuid", "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11", u},
		{"decimal", "d6010201234d", MustParseDecimal("-12.34")},
		{"decimal ext8", "c7030100100c", MustParseDecimal("100")},
		{"datetime", "d7040100000000000000", time.Unix(1, 0).UTC()},
		{"unknown ext", "d4630a", RawExt{Type: 99, Data: []byte{0x0a}}},
		{"negative ext type", "d5ff0102", RawExt{Type: -1, Data: []byte{1, 2}}},
		{"ext32", "c9000000012a07", RawExt{Type: 42, Data: []byte{7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(t, tt.in)
			v, rest, err := DecodeValue(append(in, 0xc3))
			require.NoError(t, err)
			require.Equal(t, tt.want, v)
			require.Equal(t, []byte{0xc3}, rest)

			rest, err = SkipValue(append(in, 0xc3))
			require.NoError(t, err)
			require.Equal(t, []byte{0xc3}, rest)

			// Every strict prefix is truncated input: an error, never a
			// panic.
			for i := 0; i < len(in); i++ {
				_, _, err := DecodeValue(in[:i])
				var me *MalformedError
				require.ErrorAs(t, err, &me, "prefix %d", i)
				_, err = SkipValue(in[:i])
				require.ErrorAs(t, err, &me, "skip prefix %d", i)
			}
		})
	}
}

func TestDecodeValueDatetimeZone(t *testing.T) {
	in := time.Date(2024, 5, 6, 7, 8, 9, 10, time.FixedZone("", -90*60))
	b, err := AppendValue(nil, in)
	require.NoError(t, err)
	v, _, err := DecodeValue(b)
	require.NoError(t, err)
	got := v.(time.Time)
	require.True(t, in.Equal(got))
	_, off := got.Zone()
	require.Equal(t, -90*60, off)
}

func TestDecodeValueMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   string
		what string
	}{
		{"empty", "", "unexpected end"},
		{"c1", "c1", "0xc1"},
		{"huge array", "dd7fffffff", "array length exceeds"},
		{"huge map", "df7fffffff", "map length exceeds"},
		{"map larger than data", "8f01", "map length exceeds"},
		{"huge string", "db7fffffff", "string length exceeds"},
		{"huge bin", "c67fffffff", "binary length exceeds"},
		{"huge ext", "c97fffffff01", "extension length exceeds"},
		{"array key", "819001", "Go maps cannot hold"},
		{"map key", "818001", "Go maps cannot hold"},
		{"bin key", "81c40001", "Go maps cannot hold"},
		{"non-string key after string key", "82a16101900102", "Go maps cannot hold"},
		{"short uuid", "d5020102", "UUID"},
		{"bad decimal digit", "d50100fc", "decimal digit"},
		{"bad decimal sign", "d5010011", "sign"},
		{"decimal without digits", "d40100", "no digits"},
		{"decimal scale too large", "d701cd2710000000001c", "scale out of range"},
		{"decimal too many digits", "c7160100" + strings.Repeat("11", 20) + "1c", "more than 38"},
		{"decimal scale not int", "d501c01c", "expected an integer"},
		{"bad datetime size", "d60401020304", "datetime"},
		{"bad datetime nsec", "d80401000000000000000000ca9a0000000000", "nanoseconds"},
		{"error ext not a map", "d40301", "expected a map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeValue(mustHex(t, tt.in))
			var me *MalformedError
			require.ErrorAs(t, err, &me)
			require.Contains(t, err.Error(), tt.what)
			require.True(t, strings.HasPrefix(err.Error(), "protocol: "))
		})
	}
}

func TestDecodeValueDepth(t *testing.T) {
	deep := func(n int, hdr byte) []byte {
		b := make([]byte, 0, n+1)
		for i := 0; i < n; i++ {
			b = append(b, hdr)
		}
		return append(b, 0x90)
	}
	_, _, err := DecodeValue(deep(MaxDepth-1, 0x91))
	require.NoError(t, err)
	_, _, err = DecodeValue(deep(MaxDepth+1, 0x91))
	require.ErrorIs(t, err, ErrTooDeep)
	var me *MalformedError
	require.ErrorAs(t, err, &me)

	// A million nested arrays: DecodeValue stops at MaxDepth, SkipValue
	// walks it without recursion.
	huge := deep(1_000_000, 0x91)
	_, _, err = DecodeValue(huge)
	require.ErrorIs(t, err, ErrTooDeep)
	rest, err := SkipValue(huge)
	require.NoError(t, err)
	require.Empty(t, rest)

	// Nested maps as values.
	m := make([]byte, 0)
	for i := 0; i < MaxDepth+1; i++ {
		m = append(m, 0x81, 0x01)
	}
	m = append(m, 0xc0)
	_, _, err = DecodeValue(m)
	require.ErrorIs(t, err, ErrTooDeep)
}

func TestSkipValue(t *testing.T) {
	b := mustHex(t, "93"+"a3616263"+"82a16101a162c0"+"d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11"+"07")
	rest, err := SkipValue(b)
	require.NoError(t, err)
	require.Equal(t, []byte{0x07}, rest)

	_, err = SkipValue(mustHex(t, "dc0005c0"))
	require.Error(t, err)
	_, err = SkipValue(mustHex(t, "c1"))
	require.Error(t, err)
	_, err = SkipValue(mustHex(t, "dfffffffff"))
	require.Error(t, err)
}

type decRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	U        UUID
	D        Decimal
}

func TestDecodeTyped(t *testing.T) {
	u, err := ParseUUID("6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11")
	require.NoError(t, err)
	in := []any{[]any{1, "a", u, MustParseDecimal("-12.34")}, []any{uint64(1 << 40), "b", u, MustParseDecimal("0")}}
	b, err := AppendValue(nil, in)
	require.NoError(t, err)

	var rows []decRow
	require.NoError(t, Decode(b, &rows))
	require.Equal(t, []decRow{
		{ID: 1, Name: "a", U: u, D: MustParseDecimal("-12.34")},
		{ID: 1 << 40, Name: "b", U: u, D: MustParseDecimal("0")},
	}, rows)

	// Round trip through the fallback encoder.
	b2, err := AppendValue(nil, rows)
	require.NoError(t, err)
	require.Equal(t, b, b2)

	var generic any
	require.NoError(t, Decode(b, &generic))
	require.Equal(t, []any{
		[]any{int64(1), "a", u, MustParseDecimal("-12.34")},
		[]any{int64(1 << 40), "b", u, MustParseDecimal("0")},
	}, generic)

	var m map[string]int
	require.NoError(t, Decode(mustHex(t, "81a161cd012c"), &m))
	require.Equal(t, map[string]int{"a": 300}, m)

	// Errors.
	var s string
	err = Decode(mustHex(t, "01"), &s)
	var ue *UnmarshalError
	require.ErrorAs(t, err, &ue)
	require.Contains(t, err.Error(), "protocol: cannot decode into *string")
	require.Error(t, Decode(nil, &rows))
	require.Error(t, Decode(mustHex(t, "92"), &rows))
	require.Error(t, Decode(mustHex(t, "c1"), &generic))
	require.Error(t, Decode(mustHex(t, "01"), rows)) // not a pointer

	var uu UUID
	require.Error(t, Decode(mustHex(t, "d501001c"), &uu))
	var dd Decimal
	require.Error(t, Decode(mustHex(t, "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11"), &dd))
	require.Error(t, Decode(mustHex(t, "c9000010000100"), &dd))
	require.NoError(t, Decode(mustHex(t, "c0"), &dd))
	require.NoError(t, Decode(mustHex(t, "c0"), &uu))
}

func TestDecodeArrayHeader(t *testing.T) {
	b, err := AppendValue(nil, []any{1, "a", nil})
	require.NoError(t, err)
	n, rest, err := DecodeArrayHeader(b)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, b[1:], rest)

	_, _, err = DecodeArrayHeader([]byte{0xdc, 0xff, 0xff}) // array16 of 65535 elements, no data
	var malformed *MalformedError
	require.ErrorAs(t, err, &malformed)
	_, _, err = DecodeArrayHeader([]byte{0xa1, 'x'}) // a string, not an array
	require.ErrorAs(t, err, &malformed)
	_, _, err = DecodeArrayHeader(nil)
	require.ErrorAs(t, err, &malformed)
}

func TestDecodeGenericShapesKeepExtensions(t *testing.T) {
	u, err := ParseUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	require.NoError(t, err)
	d := MustParseDecimal("-12.34")
	b, err := AppendValue(nil, []any{[]any{uint64(1), u, d}, []any{"x"}})
	require.NoError(t, err)

	var rows [][]any
	require.NoError(t, Decode(b, &rows))
	require.Equal(t, [][]any{{int64(1), u, d}, {"x"}}, rows)

	var list []any
	require.NoError(t, Decode(b, &list))
	require.Len(t, list, 2)
	require.Equal(t, []any{int64(1), u, d}, list[0])

	m, err := AppendValue(nil, map[string]any{"id": u})
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, Decode(m, &got))
	require.Equal(t, map[string]any{"id": u}, got)

	var wrong []any
	var uerr *UnmarshalError
	require.ErrorAs(t, Decode(m, &wrong), &uerr)
	nilValue, err := AppendValue(nil, nil)
	require.NoError(t, err)
	list = []any{1}
	require.NoError(t, Decode(nilValue, &list))
	require.Nil(t, list)
}
