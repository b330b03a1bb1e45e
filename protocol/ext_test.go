package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

func TestUUID(t *testing.T) {
	u, err := ParseUUID("6A6D1F64-4a5b-4ac6-9b3e-0d3c7a1f2e11")
	require.NoError(t, err)
	require.Equal(t, "6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11", u.String())
	require.Equal(t, "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11", hex.EncodeToString(u.AppendMsgpack(nil)))
	require.Equal(t, "00000000-0000-0000-0000-000000000000", UUID{}.String())

	for _, bad := range []string{"", "6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e1", "6a6d1f64x4a5b-4ac6-9b3e-0d3c7a1f2e11",
		"6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e1g", "6a6d1f644a5b4ac69b3e0d3c7a1f2e11"} {
		_, err := ParseUUID(bad)
		var pe *ParseError
		require.ErrorAs(t, err, &pe, bad)
		require.Equal(t, "UUID", pe.Kind)
		require.True(t, strings.HasPrefix(err.Error(), "protocol: invalid UUID "))
	}
}

// decimalVectors were produced by Tarantool 2.6.0:
// require('digest').base64_encode(require('msgpack').encode(require('decimal').new(s))).
var decimalVectors = []struct{ in, str, b64 string }{
	{"-12.34", "-12.34", "1gECASNN"},
	{"12.34", "12.34", "1gECASNM"},
	{"0", "0", "1QEADA=="},
	{"1", "1", "1QEAHA=="},
	{"-1", "-1", "1QEAHQ=="},
	{"100", "100", "xwMBABAM"},
	{"1e10", "10000000000", "1QH2HA=="},
	{"0.001", "0.001", "1QEDHA=="},
	{"1e37", "10000000000000000000000000000000000000", "xwMB0Nsc"},
	{"1e-38", "0.00000000000000000000000000000000000001", "1QEmHA=="},
	{"-0.5", "-0.5", "1QEBXQ=="},
	{"1.10", "1.10", "xwMBAhEM"},
	{"-0", "-0", "1QEADQ=="},
	{"0.000", "0.000", "1QEDDA=="},
	{"99999999999999999999999999999999999999", "99999999999999999999999999999999999999", "xxUBAAmZmZmZmZmZmZmZmZmZmZmZmZmc"},
	{"0.1e-5", "0.000001", "1QEGHA=="},
}

func TestDecimalTarantoolVectors(t *testing.T) {
	for _, v := range decimalVectors {
		t.Run(v.in, func(t *testing.T) {
			d, err := ParseDecimal(v.in)
			require.NoError(t, err)
			require.Equal(t, v.str, d.String())
			want, err := base64.StdEncoding.DecodeString(v.b64)
			require.NoError(t, err)
			require.Equal(t, hex.EncodeToString(want), hex.EncodeToString(d.AppendMsgpack(nil)))

			got, rest, err := DecodeValue(want)
			require.NoError(t, err)
			require.Empty(t, rest)
			require.Equal(t, d, got)
			require.Equal(t, v.str, got.(Decimal).String())
		})
	}
}

func TestDecimalParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+1", "1"}, {".5", "0.5"}, {"5.", "5"}, {"007", "7"}, {"-00.0100", "-0.0100"},
		{"1E+2", "100"}, {"1.5e-3", "0.0015"}, {"12e-1", "1.2"},
	}
	for _, tt := range tests {
		d, err := ParseDecimal(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, d.String(), tt.in)
	}
	for _, bad := range []string{"", "-", ".", "1..2", "1.2.3", "abc", "1e", "1e+", "1ex", "NaN", "inf", " 1",
		"1e9999999", "1e1001", "1e-1001", strings.Repeat("1", 39), "0." + strings.Repeat("1", 39)} {
		_, err := ParseDecimal(bad)
		var pe *ParseError
		require.ErrorAs(t, err, &pe, bad)
		require.Equal(t, "decimal", pe.Kind)
	}
	d, err := ParseDecimal("000" + strings.Repeat("9", 38) + "e-2")
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("9", 36)+".99", d.String())
	require.Panics(t, func() { MustParseDecimal("x") })
}

func TestDecimalAccessors(t *testing.T) {
	d := MustParseDecimal("-12.34")
	require.Equal(t, int32(2), d.Scale())
	require.Equal(t, -1, d.Sign())
	require.Equal(t, big.NewInt(-1234), d.Coefficient())
	require.Equal(t, 0, MustParseDecimal("-0").Sign())
	require.Equal(t, 1, MustParseDecimal("0.1").Sign())
	require.Equal(t, Decimal{}, MustParseDecimal("0"))
	require.Equal(t, "0", Decimal{}.String())

	n, err := NewDecimal(big.NewInt(-1234), 2)
	require.NoError(t, err)
	require.Equal(t, d, n)
	big38, _ := new(big.Int).SetString(strings.Repeat("9", 39), 10)
	_, err = NewDecimal(big38, 0)
	require.Error(t, err)
	_, err = NewDecimal(big.NewInt(1), 5000)
	require.Error(t, err)
}

// Offsets of problems inside an extension payload point at the offending
// byte of the outer buffer, not into the extension header.
func TestExtPayloadErrorOffsets(t *testing.T) {
	for _, tt := range []struct {
		name, hex string
		offset    int
	}{
		// [nil, decimal 12 with a bad digit nibble in its second byte]
		{"decimal digit", "92c0c7030100a20c", 6},
		{"decimal sign nibble", "92c0d5010012", 5},
		{"decimal without digits", "92c0d40100", 5},
		// MP_ERROR whose stack is nil, not an array: at that nil.
		{"error stack", "92c0c7030381" + "00c0", 7},
		// Unknown position (datetime nanoseconds): the extension value.
		{"datetime", "92c0d8040000000000000000ffffffff00000000", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeValue(mustHex(t, tt.hex))
			var me *MalformedError
			require.ErrorAs(t, err, &me)
			require.Equal(t, tt.offset, me.Offset, err.Error())
		})
	}
}

// DecodeValue and Decode(*Decimal) (the msgpack library calling
// DecodeMsgpack) accept the same decimal payloads: at most 29 bytes, even
// when more are only leading zero digits.
func TestDecimalPayloadLimit(t *testing.T) {
	longest := "c71d01d3" + strings.Repeat("00", 8) + "0" + strings.Repeat("9", 38) + "c"
	tooLong := "c71e01" + strings.Repeat("00", 29) + "1c" // 1 with 56 leading zero digits
	b := mustHex(t, longest)
	v, _, err := DecodeValue(b)
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("9", 38), v.(Decimal).String())
	var d Decimal
	require.NoError(t, Decode(b, &d))
	require.Equal(t, v, d)

	b = mustHex(t, tooLong)
	_, _, err = DecodeValue(b)
	var me *MalformedError
	require.ErrorAs(t, err, &me)
	require.Equal(t, 3, me.Offset)
	require.ErrorAs(t, Decode(b, &d), &me)
}

// Nil decodes as the zero UUID and Decimal, whether the msgpack library
// handles it (Decode, msgpack.Unmarshal) or DecodeMsgpack is called
// directly.
func TestExtDecodeNil(t *testing.T) {
	u := UUID{1, 2, 3}
	require.NoError(t, Decode([]byte{0xc0}, &u))
	require.Equal(t, UUID{}, u)
	d := MustParseDecimal("1.5")
	require.NoError(t, Decode([]byte{0xc0}, &d))
	require.Equal(t, Decimal{}, d)

	u = UUID{1, 2, 3}
	require.NoError(t, u.DecodeMsgpack(msgpack.NewDecoder(bytes.NewReader([]byte{0xc0}))))
	require.Equal(t, UUID{}, u)
	d = MustParseDecimal("1.5")
	require.NoError(t, d.DecodeMsgpack(msgpack.NewDecoder(bytes.NewReader([]byte{0xc0}))))
	require.Equal(t, Decimal{}, d)
}
