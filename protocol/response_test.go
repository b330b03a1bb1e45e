package protocol

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

func TestDecodeResponseHeader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ResponseHeader
		body string
	}{
		{"ok", "83" + "0000" + "0107" + "0553" + "80", ResponseHeader{Code: 0, Sync: 7, SchemaVersion: 83}, "80"},
		{"error", "83" + "00cd8003" + "010a" + "0553", ResponseHeader{Code: 0x8003, Sync: 10, SchemaVersion: 83}, ""},
		{"stream and unknown keys", "85" + "0000" + "01cf0000010000000000" + "0a05" + "09a178" + "2092c0c0" + "c3",
			ResponseHeader{Sync: 1 << 40, StreamID: 5}, "c3"},
		{"chunk", "82" + "00cc80" + "0101", ResponseHeader{Code: uint32(iproto.IPROTO_CHUNK), Sync: 1}, ""},
		{"int-encoded sync", "82" + "00d000" + "01d105dc", ResponseHeader{Sync: 1500}, ""},
		// Tarantool's own layout (the fast path), and near misses of it
		// that only the general decoder reads.
		{"fixed layout", "83" + "00ce00008003" + "01cf0000000100000002" + "05ce00000053" + "c0",
			ResponseHeader{Code: 0x8003, Sync: 1<<32 + 2, SchemaVersion: 83}, "c0"},
		{"fixed layout, sync as uint32", "83" + "00ce00000000" + "01ce00000002" + "05ce00000053" + "c0c0c0c0",
			ResponseHeader{Sync: 2, SchemaVersion: 83}, "c0c0c0c0"},
		{"fixed layout, keys reordered", "83" + "01cf0000000000000002" + "00ce00000000" + "05ce00000053",
			ResponseHeader{Sync: 2, SchemaVersion: 83}, ""},
		{"fixed layout, stream id instead of schema", "83" + "00ce00000000" + "01cf0000000000000002" + "0ace00000009",
			ResponseHeader{Sync: 2, StreamID: 9}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body, err := DecodeResponseHeader(mustHex(t, tt.in))
			require.NoError(t, err)
			require.Equal(t, tt.want, h)
			require.Equal(t, tt.body, hex.EncodeToString(body))
		})
	}
}

func TestDecodeResponseHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		what string
	}{
		{"empty", "", "unexpected end"},
		{"not a map", "90", "expected a map"},
		{"no sync", "81" + "0000", "no IPROTO_SYNC"},
		{"no type", "81" + "0107", "no IPROTO_REQUEST_TYPE"},
		{"string sync", "82" + "0000" + "01a131", "expected an integer"},
		{"negative sync", "82" + "0000" + "01ff", "negative"},
		{"string key", "82" + "a13000" + "0101", "expected an integer"},
		{"code overflow", "82" + "00cf0000000100000000" + "0101", "overflows uint32"},
		{"truncated", "83" + "0000" + "0107", "map length exceeds"},
		{"truncated value", "83" + "0000" + "0107" + "05cd", "unexpected end"},
		{"bad unknown value", "83" + "0000" + "0107" + "09c1", "0xc1"},
		{"nil type", "82" + "00c0" + "0101", "expected an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeResponseHeader(mustHex(t, tt.in))
			var me *MalformedError
			require.ErrorAs(t, err, &me)
			require.Contains(t, err.Error(), tt.what)
		})
	}
}

func TestResponseHeaderError(t *testing.T) {
	h := ResponseHeader{Code: uint32(iproto.IPROTO_TYPE_ERROR) | uint32(iproto.ER_TUPLE_FOUND)}
	require.True(t, h.IsError())
	require.Equal(t, iproto.ER_TUPLE_FOUND, h.ErrorCode())
	require.False(t, ResponseHeader{}.IsError())
	require.False(t, ResponseHeader{Code: uint32(iproto.IPROTO_CHUNK)}.IsError())
}

func TestDecodeBody(t *testing.T) {
	b, err := DecodeBody(mustHex(t, "81"+"30"+"92"+"01a161"))
	require.NoError(t, err)
	require.Equal(t, Body{Data: mustHex(t, "9201a161")}, b)

	b, err = DecodeBody(nil)
	require.NoError(t, err)
	require.Equal(t, Body{}, b)

	// Every SQL key, plus unknown keys and nil optional strings.
	in := "87" +
		"30" + "90" +
		"32" + "91" + "86" + "00a141" + "01a7696e7465676572" + "02a162" + "03c3" + "04c3" + "05c0" +
		"33" + "91" + "82" + "00a13f" + "01a3414e59" +
		"34" + "01" +
		"43" + "ce10dbbb1f" +
		"42" + "82" + "0002" + "01" + "9201ff" +
		"7f" + "93c0c0c0"
	b, err = DecodeBody(mustHex(t, in))
	require.NoError(t, err)
	require.Equal(t, Body{
		Data:         []byte{0x90},
		Metadata:     []ColumnMeta{{Name: "A", Type: "integer", Collation: "b", Nullable: true, Autoincrement: true}},
		BindMetadata: []ColumnMeta{{Name: "?", Type: "ANY"}},
		BindCount:    1,
		StmtID:       0x10dbbb1f,
		SQLInfo:      &SQLInfo{RowCount: 2, AutoIncrementIDs: []int64{1, -1}},
	}, b)

	for _, bad := range []string{
		"91", "81", "8130", "813092", "8132" + "91" + "81" + "00" + "01", "8132" + "91" + "81" + "03" + "01",
		"8142" + "81" + "01" + "91" + "cf8000000000000000", "8134" + "ff", "81a130" + "90",
		"8132" + "dd7fffffff", "8132" + "91" + "81" + "07" + "c1",
	} {
		_, err := DecodeBody(mustHex(t, bad))
		var me *MalformedError
		require.ErrorAs(t, err, &me, bad)
	}
}

func TestDecodeErrorBody(t *testing.T) {
	h := ResponseHeader{Code: 0x8003, Sync: 1}
	// Only IPROTO_ERROR_24, as servers before 2.4.1 send.
	e, err := DecodeErrorBody(h, mustHex(t, "81"+"31"+"a3647570"))
	require.NoError(t, err)
	require.Equal(t, &ServerError{Code: iproto.ER_TUPLE_FOUND, Message: "dup"}, e)

	// Only IPROTO_ERROR: the message comes from the stack.
	e, err = DecodeErrorBody(h, mustHex(t, "81"+"52"+"81"+"00"+"91"+"82"+"03a178"+"0503"))
	require.NoError(t, err)
	require.Equal(t, &ServerError{Code: iproto.ER_TUPLE_FOUND, Message: "x", Stack: []ErrorFrame{{Message: "x", Code: 3}}}, e)

	// Empty body.
	e, err = DecodeErrorBody(h, nil)
	require.NoError(t, err)
	require.Equal(t, iproto.ER_TUPLE_FOUND, e.Code)

	for _, bad := range []string{"90", "81", "8131", "813101", "8152" + "90", "8152" + "81" + "00" + "92"} {
		_, err := DecodeErrorBody(h, mustHex(t, bad))
		var me *MalformedError
		require.ErrorAs(t, err, &me, bad)
	}
}

func TestServerError(t *testing.T) {
	e := &ServerError{Code: iproto.ER_TUPLE_FOUND, Message: `Duplicate key exists in unique index "primary" in space "test"`}
	require.Equal(t, `tarantool: Duplicate key exists in unique index "primary" in space "test" (ER_TUPLE_FOUND, code 3)`, e.Error())
	require.ErrorIs(t, e, ErrorCode(iproto.ER_TUPLE_FOUND))
	require.NotErrorIs(t, e, ErrorCode(iproto.ER_NO_SUCH_SPACE))
	require.ErrorIs(t, e, &ServerError{Code: iproto.ER_TUPLE_FOUND})
	require.NotErrorIs(t, e, &ServerError{Code: iproto.ER_UNKNOWN})
	require.NotErrorIs(t, e, errors.New("x"))

	wrapped := fmt.Errorf("insert: %w", e)
	require.ErrorIs(t, wrapped, ErrorCode(iproto.ER_TUPLE_FOUND))
	var se *ServerError
	require.ErrorAs(t, wrapped, &se)
	require.Equal(t, e, se)

	require.Equal(t, "ER_TUPLE_FOUND", ErrorCode(iproto.ER_TUPLE_FOUND).Error())
	require.Equal(t, "tarantool: custom (code 777)", (&ServerError{Code: 777, Message: "custom"}).Error())
	require.False(t, (*ServerError)(nil).Is(ErrorCode(0)))
}

func TestDecodeError(t *testing.T) {
	in := "82" + "00" + "92" +
		"87" + "00ab437573746f6d4572726f72" + "01a46576616c" + "0201" + "03a56f75746572" + "0400" + "05cd0309" +
		"06" + "81" + "ab637573746f6d5f74797065" + "aa4f757465724572726f72" +
		"83" + "03a5696e6e6572" + "0502" + "10c0" +
		"0101" // unknown top-level key
	e, err := DecodeError(mustHex(t, in))
	require.NoError(t, err)
	require.Equal(t, &ServerError{Code: 777, Message: "outer", Stack: []ErrorFrame{
		{Type: "CustomError", File: "eval", Line: 1, Message: "outer", Code: 777, Fields: map[string]any{"custom_type": "OuterError"}},
		{Message: "inner", Code: 2},
	}}, e)

	for _, bad := range []string{
		"", "90", "8100", "810091", "81009101", "8100918100", "810091810001", "81009181" + "06" + "8101c0",
		"81009181" + "02" + "ff", "81a100" + "90", "81009181cd0100c1",
	} {
		_, err := DecodeError(mustHex(t, bad))
		var me *MalformedError
		require.ErrorAs(t, err, &me, bad)
		require.True(t, strings.HasPrefix(err.Error(), "protocol: malformed input"), err.Error())
	}
}

// TestGoldenResponsesTakeFixedLayout checks that every response Tarantool
// 2.6.0 sent for the golden files has the fixed header layout that
// DecodeResponseHeader reads without its general map loop.
func TestGoldenResponsesTakeFixedLayout(t *testing.T) {
	for _, name := range []string{"ping", "select_all", "call", "eval_raise", "insert"} {
		frame := readHexFile(t, name+".response.hex")[FramePrefixSize:]
		h, ok := decodeFixedResponseHeader(frame)
		require.True(t, ok, name)
		hm, body, err := decodeResponseHeaderMap(frame)
		require.NoError(t, err, name)
		require.Equal(t, hm, h, name)
		require.Equal(t, len(frame)-fixedResponseHeaderSize, len(body), name)
	}
}
