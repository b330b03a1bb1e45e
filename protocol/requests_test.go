package protocol

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

func bodyHex(t *testing.T, r Request) string {
	t.Helper()
	b, err := r.AppendBody(nil)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func TestRequestTypes(t *testing.T) {
	tests := []struct {
		r    Request
		want iproto.Type
	}{
		{Ping{}, iproto.IPROTO_PING}, {Auth{}, iproto.IPROTO_AUTH}, {Select{}, iproto.IPROTO_SELECT},
		{Insert{}, iproto.IPROTO_INSERT}, {Replace{}, iproto.IPROTO_REPLACE}, {Update{}, iproto.IPROTO_UPDATE},
		{Upsert{}, iproto.IPROTO_UPSERT}, {Delete{}, iproto.IPROTO_DELETE}, {Call{}, iproto.IPROTO_CALL},
		{Call16{}, iproto.IPROTO_CALL_16}, {Eval{}, iproto.IPROTO_EVAL}, {Execute{}, iproto.IPROTO_EXECUTE},
		{Prepare{}, iproto.IPROTO_PREPARE}, {ID{}, iproto.IPROTO_ID},
		// Pointers work too (value receivers).
		{&Select{}, iproto.IPROTO_SELECT}, {&Ping{}, iproto.IPROTO_PING},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.r.Type())
	}
}

func TestRequestBodies(t *testing.T) {
	tests := []struct {
		name string
		r    Request
		want string
	}{
		{"ping", Ping{}, ""},
		{"select nil key", Select{Space: 600, Limit: 1}, "86" + "10cd0258" + "1100" + "1400" + "1300" + "1201" + "2090"},
		{"select uint64 key is compact", Select{Space: 1, Index: 2, Iterator: iproto.ITER_GE, Offset: 3, Limit: 4,
			Key: []any{uint64(7)}}, "86" + "1001" + "1102" + "1405" + "1303" + "1204" + "209107"},
		{"select fetch position", Select{Space: 600, Limit: 1, FetchPosition: true},
			"87" + "10cd0258" + "1100" + "1400" + "1300" + "1201" + "2090" + "1fc3"},
		{"select after position", Select{Space: 600, Limit: 1, After: []byte{0xde, 0xad}, FetchPosition: true},
			"88" + "10cd0258" + "1100" + "1400" + "1300" + "1201" + "2090" + "2ea2dead" + "1fc3"},
		{"select after empty position", Select{Space: 600, Limit: 1, After: []byte{}},
			"87" + "10cd0258" + "1100" + "1400" + "1300" + "1201" + "2090" + "2ea0"},
		{"select after tuple", Select{Space: 600, Limit: 1, AfterTuple: []any{uint64(7), "x"}},
			"87" + "10cd0258" + "1100" + "1400" + "1300" + "1201" + "2090" + "2f9207a178"},
		{"insert", Insert{Space: 1, Tuple: []any{1, "a"}}, "82" + "1001" + "219201a161"},
		// Names (IPROTO_SPACE_NAME 0x5e, IPROTO_INDEX_NAME 0x5f, MP_STR)
		// replace the ids they are set for.
		{"select by names", Select{Space: 9, Index: 9, SpaceName: "s", IndexName: "pk", Limit: 1},
			"86" + "5ea173" + "5fa2706b" + "1400" + "1300" + "1201" + "2090"},
		{"select space name, index id", Select{SpaceName: "s", Index: 2, Limit: 1},
			"86" + "5ea173" + "1102" + "1400" + "1300" + "1201" + "2090"},
		{"select space id, index name", Select{Space: 1, IndexName: "pk", Limit: 1},
			"86" + "1001" + "5fa2706b" + "1400" + "1300" + "1201" + "2090"},
		{"insert by name", Insert{SpaceName: "s", Tuple: []any{1}}, "82" + "5ea173" + "219101"},
		{"replace by name", Replace{SpaceName: "s", Tuple: []any{1}}, "82" + "5ea173" + "219101"},
		{"delete by names", Delete{SpaceName: "s", IndexName: "pk", Key: []any{1}}, "83" + "5ea173" + "5fa2706b" + "209101"},
		{"update by names", Update{SpaceName: "s", IndexName: "pk", Key: []any{1}, Ops: []Op{OpAssign(1, "x")}},
			"84" + "5ea173" + "5fa2706b" + "209101" + "21" + "91" + "93a13d01a178"},
		{"upsert by name", Upsert{SpaceName: "s", Tuple: []any{1}, Ops: []Op{OpAdd("f", 1)}},
			"83" + "5ea173" + "219101" + "28" + "91" + "93a12ba16601"},
		{"replace empty tuple", Replace{Space: 1, Tuple: []any{}}, "82" + "1001" + "2190"},
		{"delete", Delete{Space: 1, Index: 1, Key: []any{"k"}}, "83" + "1001" + "1101" + "2091a16b"},
		{"update", Update{Space: 1, Key: []any{1}, Ops: []Op{OpAssign(1, "x")}},
			"84" + "1001" + "1100" + "209101" + "21" + "91" + "93a13d01a178"},
		{"upsert", Upsert{Space: 1, Tuple: []any{1}, Ops: []Op{OpAdd("f", 1)}},
			"83" + "1001" + "219101" + "28" + "91" + "93a12ba16601"},
		{"call nil args", Call{Function: "f"}, "82" + "22a166" + "2190"},
		{"call16", Call16{Function: "f", Args: []any{1}}, "82" + "22a166" + "219101"},
		{"eval", Eval{Expr: "return 1", Args: []any{}}, "82" + "27a872657475726e2031" + "2190"},
		{"execute sql", Execute{SQL: "S", Args: []any{1, map[string]any{":a": 2}}},
			"83" + "40a153" + "41" + "920181a23a6102" + "2b90"},
		{"execute stmt", Execute{StmtID: 5}, "83" + "4305" + "4190" + "2b90"},
		{"execute empty", Execute{}, "83" + "40a0" + "4190" + "2b90"},
		{"prepare", Prepare{SQL: "S"}, "81" + "40a153"},
		{"unprepare", Prepare{StmtID: 5}, "81" + "4305"},
		{"id", ID{Version: 3, Features: []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_WATCHERS}},
			"82" + "5403" + "55920003"},
		{"id with auth type", ID{Version: 1, AuthType: "chap-sha1"}, "83" + "5401" + "5590" + "5ba9636861702d73686131"},
		{"auth", Auth{User: "u", Scramble: []byte{1, 2}}, "82" + "23a175" + "21" + "92a9636861702d73686131" + "a20102"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, bodyHex(t, tt.r))
			// Pointer receivers through the interface give the same bytes.
			frame1, err := AppendFrame(nil, Header{Sync: 1}, tt.r)
			require.NoError(t, err)
			require.Equal(t, tt.want, hex.EncodeToString(frame1[5+5:]))
		})
	}
}

func TestUpdateOpsEncoding(t *testing.T) {
	tests := []struct {
		op   Op
		want string
	}{
		{OpAssign(0, nil), "93a13d00c0"},
		{OpAssign("name", "v"), "93a13da46e616d65a176"},
		{OpAdd(-1, 1.5), "93a12bffcb3ff8000000000000"},
		{OpAdd(2, MustParseDecimal("1")), "93a12b02d501001c"},
		{OpSub(2, int8(-3)), "93a12d02fd"},
		{OpAnd(2, uint64(0)), "93a12602" + "00"},
		{OpOr(2, 255), "93a17c02ccff"},
		{OpXor(2, uint16(1)), "93a15e0201"},
		{OpInsert(-1, []any{1}), "93a121ff9101"},
		{OpDelete(3, 2), "93a1230302"},
		{OpSplice(1, -2, 0, "ab"), "95a13a01fe00a26162"},
		{Op{Code: '+', Field: 1, Arg: RawMsgpack{0x01}}, "93a12b0101"},
		{Op{Code: '&', Field: uint8(1), Arg: RawMsgpack{0xff}}, "93a12601ff"},
	}
	for _, tt := range tests {
		b, err := appendOps(nil, []Op{tt.op})
		require.NoError(t, err, "%+v", tt.op)
		require.Equal(t, "91"+tt.want, hex.EncodeToString(b), "%+v", tt.op)
	}
}

func TestInvalidOps(t *testing.T) {
	tests := []struct {
		op     Op
		reason string
	}{
		{Op{Code: '?', Field: 1, Arg: 1}, "unknown operation code"},
		{Op{Code: 0, Field: 1}, "unknown operation code"},
		{OpAnd(1, -1), "non-negative integer"},
		{OpOr(1, 1.5), "non-negative integer"},
		{OpXor(1, "x"), "non-negative integer"},
		{OpAnd(1, nil), "non-negative integer"},
		{OpAdd(1, "x"), "number or Decimal"},
		{OpSub(1, []any{}), "number or Decimal"},
		{OpDelete(1, 0), "positive integer"},
		{OpDelete(1, -1), "positive integer"},
		{Op{Code: '#', Field: 1, Arg: "1"}, "positive integer"},
		{OpAssign(1.5, 1), "field must be"},
		{OpAssign(nil, 1), "field must be"},
		{OpAssign([]int{1}, 1), "field must be"},
	}
	for _, tt := range tests {
		ops := []Op{OpAssign(0, 1), tt.op}
		for _, r := range []Request{Update{Space: 1, Key: []any{1}, Ops: ops}, Upsert{Space: 1, Tuple: []any{1}, Ops: ops}} {
			dst := []byte{0xaa}
			out, err := r.AppendBody(dst)
			var oe *InvalidOpError
			require.ErrorAs(t, err, &oe, "%+v", tt.op)
			require.Equal(t, 1, oe.Index)
			require.Equal(t, tt.op.Code, oe.Code)
			require.Contains(t, err.Error(), tt.reason)
			require.Contains(t, err.Error(), "protocol: invalid update operation #1")
			require.Equal(t, []byte{0xaa}, out)
		}
	}
}

// TestSelectPaginationErrors: both After and AfterTuple, or an after tuple
// that is not an array, fail without writing anything.
func TestSelectPaginationErrors(t *testing.T) {
	dst := []byte{1}
	out, err := Select{Space: 1, After: []byte{1}, AfterTuple: []any{1}}.AppendBody(dst)
	require.ErrorIs(t, err, ErrAfterBoth)
	require.Equal(t, dst, out)
	out, err = Select{Space: 1, AfterTuple: 5}.AppendBody(dst)
	var notArray *NotArrayError
	require.ErrorAs(t, err, &notArray)
	require.Equal(t, dst, out)
	require.False(t, Select{}.Paginated())
	require.True(t, Select{FetchPosition: true}.Paginated())
	require.True(t, Select{After: []byte{}}.Paginated())
	require.True(t, Select{AfterTuple: []any{1}}.Paginated())
}

// TestDecodeBodyPosition: IPROTO_POSITION comes back as a sub-slice of the
// body, without allocating; absent, it is nil; empty, it is empty, not nil.
func TestDecodeBodyPosition(t *testing.T) {
	body, err := hex.DecodeString("82" + "30" + "9191" + "01" + "35" + "a3616263")
	require.NoError(t, err)
	b, err := DecodeBody(body)
	require.NoError(t, err)
	require.Equal(t, []byte("abc"), b.Position)
	require.Equal(t, []byte{0x91, 0x91, 0x01}, b.Data)
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = DecodeBody(body) }))

	b, err = DecodeBody([]byte{0x81, 0x30, 0x90})
	require.NoError(t, err)
	require.Nil(t, b.Position)
	b, err = DecodeBody([]byte{0x82, 0x30, 0x90, 0x35, 0xa0})
	require.NoError(t, err)
	require.NotNil(t, b.Position)
	require.Empty(t, b.Position)
	_, err = DecodeBody([]byte{0x82, 0x30, 0x90, 0x35, 0x01})
	var malformed *MalformedError
	require.ErrorAs(t, err, &malformed)
}

// TestSelectPaginationAllocs: encoding a paginated select allocates nothing.
func TestSelectPaginationAllocs(t *testing.T) {
	s := Select{Space: 600, Limit: 10, Key: uint64(1), After: []byte("position"), FetchPosition: true}
	buf := make([]byte, 0, 256)
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = s.AppendBody(buf[:0]) }))
	s = Select{Space: 600, Limit: 10, AfterTuple: []any{uint64(1), "x"}, FetchPosition: true}
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = s.AppendBody(buf[:0]) }))
}
