package protocol

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

// goldenStateFromFiles rebuilds the capture-time state from the stored
// frames: the greeting salt and the prepared statement ID.
func goldenStateFromFiles(t *testing.T) *goldenState {
	g, err := ParseGreeting(readHexFile(t, "greeting.hex"))
	require.NoError(t, err)
	_, body := splitFrame(t, readHexFile(t, "prepare.response.hex"))
	b, err := DecodeBody(body)
	require.NoError(t, err)
	return &goldenState{salt: g.Salt, stmtID: b.StmtID}
}

func TestGoldenGreeting(t *testing.T) {
	g, err := ParseGreeting(readHexFile(t, "greeting.hex"))
	require.NoError(t, err)
	require.Equal(t, "Tarantool", g.Product)
	require.Equal(t, Version{2, 6, 0}, g.Version)
	require.Equal(t, "Binary", g.Protocol)
	_, err = ParseUUID(g.InstanceUUID)
	require.NoError(t, err)
	require.Len(t, g.Salt, 32)
}

// TestGoldenRequests encodes every golden request and compares the frame
// byte for byte with what was sent to Tarantool 2.6.0.
func TestGoldenRequests(t *testing.T) {
	st := goldenStateFromFiles(t)
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			want := readHexFile(t, c.name+".hex")
			got, err := AppendFrame(nil, c.header, c.build(t, st))
			require.NoError(t, err)
			require.Equal(t, want, got)

			// The same frame appended after existing bytes.
			prefix := []byte{1, 2, 3}
			got, err = AppendFrame(prefix, c.header, c.build(t, st))
			require.NoError(t, err)
			require.Equal(t, append([]byte{1, 2, 3}, want...), got)
		})
	}
}

// TestGoldenResponses checks the generic expectations for every stored
// response: the sync, OK or the expected error code, and a decodable body.
func TestGoldenResponses(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			h, body := splitFrame(t, readHexFile(t, c.name+".response.hex"))
			require.Equal(t, c.header.Sync, h.Sync)
			require.Equal(t, uint64(83), h.SchemaVersion)
			if c.wantErr == ok {
				require.False(t, h.IsError())
				require.Equal(t, uint32(iproto.IPROTO_OK), h.Code)
				_, err := DecodeBody(body)
				require.NoError(t, err)
				return
			}
			require.True(t, h.IsError())
			require.Equal(t, c.wantErr, h.ErrorCode())
			e, err := DecodeErrorBody(h, body)
			require.NoError(t, err)
			require.Equal(t, c.wantErr, e.Code)
			require.NotEmpty(t, e.Message)
			require.NotEmpty(t, e.Stack)
			require.ErrorIs(t, e, ErrorCode(c.wantErr))
		})
	}
}

// goldenOK decodes an OK golden response.
func goldenOK(t *testing.T, name string) Body {
	t.Helper()
	h, body := splitFrame(t, readHexFile(t, name+".response.hex"))
	require.False(t, h.IsError(), name)
	b, err := DecodeBody(body)
	require.NoError(t, err)
	return b
}

// goldenData decodes the IPROTO_DATA of an OK golden response.
func goldenData(t *testing.T, name string) any {
	t.Helper()
	b := goldenOK(t, name)
	require.NotNil(t, b.Data, name)
	v, rest, err := DecodeValue(b.Data)
	require.NoError(t, err)
	require.Empty(t, rest)
	return v
}

// goldenError decodes an error golden response.
func goldenError(t *testing.T, name string) *ServerError {
	t.Helper()
	h, body := splitFrame(t, readHexFile(t, name+".response.hex"))
	require.True(t, h.IsError(), name)
	e, err := DecodeErrorBody(h, body)
	require.NoError(t, err)
	return e
}

func TestGoldenResponseValues(t *testing.T) {
	t.Run("ping", func(t *testing.T) {
		require.Equal(t, Body{}, goldenOK(t, "ping"))
		require.Equal(t, Body{}, goldenOK(t, "auth"))
		require.Equal(t, Body{}, goldenOK(t, "ping_stream"))
	})
	t.Run("dml", func(t *testing.T) {
		orig := []any{int64(1), "hello", int64(10), int64(12), int64(5), int64(7), int64(9), int64(6), "tail"}
		require.Equal(t, []any{orig}, goldenData(t, "insert"))
		require.Equal(t, []any{orig}, goldenData(t, "select"))
		b := []any{int64(2), "b", int64(20)}
		require.Equal(t, []any{b}, goldenData(t, "replace"))
		require.Equal(t, []any{b}, goldenData(t, "select_secondary"))
		require.Equal(t, []any{b}, goldenData(t, "delete"))
		require.Equal(t, []any{}, goldenData(t, "upsert"))
		require.Equal(t, []any{}, goldenData(t, "upsert_existing"))
	})
	t.Run("update applies every op kind", func(t *testing.T) {
		updated := []any{int64(1), "heipp", int64(100), int64(17), int64(3), int64(3), int64(15), int64(5), "new"}
		require.Equal(t, []any{updated}, goldenData(t, "update"))
		require.Equal(t, []any{updated, []any{int64(3), "c", int64(31)}}, goldenData(t, "select_all"))
	})
	t.Run("typed decode", func(t *testing.T) {
		type row struct {
			//lint:ignore U1000 the msgpack library reads this field's as_array tag
			_msgpack struct{} `msgpack:",as_array"`
			ID       uint64
			Name     string
			V        int
		}
		var rows []row
		require.NoError(t, Decode(goldenOK(t, "select_secondary").Data, &rows))
		require.Equal(t, []row{{ID: 2, Name: "b", V: 20}}, rows)

		var generic any
		require.NoError(t, Decode(goldenOK(t, "select_secondary").Data, &generic))
		require.Equal(t, []any{[]any{int64(2), "b", int64(20)}}, generic)
	})
	t.Run("call", func(t *testing.T) {
		require.Equal(t, []any{int64(1), "x"}, goldenData(t, "call"))
		require.Equal(t, []any{[]any{int64(1), "x"}}, goldenData(t, "call16"))
	})
	t.Run("eval", func(t *testing.T) {
		want := []any{int64(1), int64(-2), "three", 4.5, true, nil, []any{}, map[string]any{"k": "v"},
			"\xde\xad", float64(0.25), uint64(math.MaxUint64), int64(math.MinInt64)}
		require.Equal(t, want, goldenData(t, "eval"))
	})
	t.Run("eval ext", func(t *testing.T) {
		d := MustParseDecimal("-12.34")
		u := mustUUID(t, goldenUUIDStr)
		require.Equal(t, []any{d, u, d, u, true}, goldenData(t, "eval_ext"))
	})
	t.Run("eval decimals", func(t *testing.T) {
		v := goldenData(t, "eval_decimals").([]any)
		var got []string
		for _, x := range v {
			got = append(got, x.(Decimal).String())
		}
		require.Equal(t, []string{"0", "10000000000", "0.001", "-0.5", "1.10",
			"99999999999999999999999999999999999999", "-0", "123.4500"}, got)
	})
	t.Run("eval error ext", func(t *testing.T) {
		v := goldenData(t, "eval_error_ext").([]any)
		require.Len(t, v, 1)
		e := v[0].(*ServerError)
		require.Equal(t, iproto.ER_TUPLE_FOUND, e.Code)
		require.Equal(t, "boom", e.Message)
		require.Len(t, e.Stack, 1)
		require.Equal(t, "ClientError", e.Stack[0].Type)
		require.Equal(t, uint64(3), e.Stack[0].Code)
	})
	t.Run("insert_dup", func(t *testing.T) {
		e := goldenError(t, "insert_dup")
		require.Equal(t, iproto.ER_TUPLE_FOUND, e.Code)
		require.Equal(t, "Duplicate key exists in unique index 'primary' in space 'golden'", e.Message)
		require.Equal(t, `tarantool: Duplicate key exists in unique index 'primary' in space 'golden' (ER_TUPLE_FOUND, code 3)`, e.Error())
		require.Equal(t, []ErrorFrame{{
			Type: "ClientError", File: "./src/box/memtx_tree.c", Line: 577,
			Message: "Duplicate key exists in unique index 'primary' in space 'golden'", Code: 3,
		}}, e.Stack)
	})
	t.Run("eval_raise chained custom errors", func(t *testing.T) {
		e := goldenError(t, "eval_raise")
		require.Equal(t, iproto.Error(777), e.Code)
		require.Equal(t, "outer", e.Message)
		require.Equal(t, "tarantool: outer (code 777)", e.Error())
		require.Equal(t, []ErrorFrame{
			{Type: "CustomError", File: "eval", Line: 1, Message: "outer", Code: 777,
				Fields: map[string]any{"custom_type": "OuterError"}},
			{Type: "CustomError", File: "eval", Line: 1, Message: "inner", Code: 0,
				Fields: map[string]any{"custom_type": "InnerError"}},
		}, e.Stack)
	})
	t.Run("errors of other requests", func(t *testing.T) {
		e := goldenError(t, "id")
		require.Equal(t, iproto.ER_UNKNOWN_REQUEST_TYPE, e.Code)
		require.Equal(t, "Unknown request type 73", e.Message)
		e = goldenError(t, "select_wrong_schema")
		require.Equal(t, iproto.ER_WRONG_SCHEMA_VERSION, e.Code)
	})
	t.Run("sql", func(t *testing.T) {
		b := goldenOK(t, "execute_insert")
		require.Nil(t, b.Data)
		require.Equal(t, &SQLInfo{RowCount: 2, AutoIncrementIDs: []int64{1, 2}}, b.SQLInfo)

		cols := []ColumnMeta{{Name: "ID", Type: "integer"}, {Name: "V", Type: "string"}}
		rows := []any{[]any{int64(1), "x"}, []any{int64(2), "y"}}
		b = goldenOK(t, "execute_select")
		require.Equal(t, cols, b.Metadata)
		v, _, err := DecodeValue(b.Data)
		require.NoError(t, err)
		require.Equal(t, rows, v)

		b = goldenOK(t, "prepare")
		require.NotZero(t, b.StmtID)
		require.Equal(t, uint64(1), b.BindCount)
		require.Equal(t, []ColumnMeta{{Name: "?", Type: "ANY"}}, b.BindMetadata)
		require.Equal(t, cols, b.Metadata)

		b = goldenOK(t, "execute_stmt")
		require.Equal(t, cols, b.Metadata)
		v, _, err = DecodeValue(b.Data)
		require.NoError(t, err)
		require.Equal(t, rows, v)

		require.Equal(t, Body{}, goldenOK(t, "unprepare"))
	})
}

// TestGoldenAuthScramble checks the captured auth frame against an
// independent computation of the scramble from the captured greeting.
func TestGoldenAuthScramble(t *testing.T) {
	g, err := ParseGreeting(readHexFile(t, "greeting.hex"))
	require.NoError(t, err)
	s, err := Scramble(g.Salt, goldenPassword)
	require.NoError(t, err)
	frame := readHexFile(t, "auth.hex")
	require.Equal(t, s, frame[len(frame)-ScrambleSize:])
}
