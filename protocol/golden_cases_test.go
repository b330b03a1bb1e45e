package protocol

import (
	"bytes"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"
)

// goldenDir holds the golden frames captured from a real Tarantool 2.6.0
// (see ../testdata/golden/README.md and TestCaptureGolden).
const goldenDir = "../testdata/golden"

// Constants shared by the golden cases and the capture script.
const (
	goldenSpace    = 600
	goldenUser     = "golden"
	goldenPassword = "secret"
	goldenUUIDStr  = "6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11"
)

// goldenState carries values that later golden requests depend on.
type goldenState struct {
	salt   []byte // from greeting.hex
	stmtID uint64 // from prepare.response.hex
}

// goldenCase is one request/response pair. Cases run in order on one
// connection, so later cases see the effects of earlier ones.
type goldenCase struct {
	name   string
	header Header
	build  func(t testing.TB, st *goldenState) Request
	// wantErr is the expected error code of the response, or -1 for OK.
	wantErr iproto.Error
}

func req(r Request) func(testing.TB, *goldenState) Request {
	return func(testing.TB, *goldenState) Request { return r }
}

func mustUUID(t testing.TB, s string) UUID {
	u, err := ParseUUID(s)
	require.NoError(t, err)
	return u
}

const ok = iproto.Error(-1)

// Lua source evaluated by the error cases.
const (
	evalErrorExt = "box.session.settings.error_marshaling_enabled = true " +
		"return box.error.new({code = 3, reason = 'boom'})"
	evalRaiseChain = "local inner = box.error.new({type = 'InnerError', reason = 'inner'}) " +
		"local outer = box.error.new({type = 'OuterError', reason = 'outer', code = 777}) " +
		"outer:set_prev(inner) outer:raise()"
	evalExt = "local d, u = ... " +
		"return d, u, require('decimal').new('-12.34'), " +
		"require('uuid').fromstr('" + goldenUUIDStr + "'), " +
		"d == require('decimal').new('-12.34') and u == require('uuid').fromstr('" + goldenUUIDStr + "')"
	evalDecimals = "local d = require('decimal') " +
		"return d.new('0'), d.new('1e10'), d.new('0.001'), d.new('-0.5'), d.new('1.10'), " +
		"d.new('99999999999999999999999999999999999999'), ..."
)

var goldenCases = []goldenCase{
	{name: "ping", header: Header{Sync: 7}, build: req(Ping{}), wantErr: ok},
	{name: "auth", header: Header{Sync: 8}, build: func(t testing.TB, st *goldenState) Request {
		s, err := Scramble(st.salt, goldenPassword)
		require.NoError(t, err)
		return Auth{User: goldenUser, Scramble: s}
	}, wantErr: ok},
	{name: "insert", header: Header{Sync: 9}, build: req(Insert{Space: goldenSpace,
		Tuple: []any{uint64(1), "hello", 10, 12, 5, 7, 9, 6, "tail"}}), wantErr: ok},
	{name: "insert_dup", header: Header{Sync: 10}, build: req(Insert{Space: goldenSpace,
		Tuple: []any{uint64(1), "dup", 0}}), wantErr: iproto.ER_TUPLE_FOUND},
	{name: "replace", header: Header{Sync: 11}, build: req(Replace{Space: goldenSpace,
		Tuple: []any{2, "b", 20}}), wantErr: ok},
	{name: "select", header: Header{Sync: 12}, build: req(Select{Space: goldenSpace, Index: 0,
		Iterator: iproto.ITER_EQ, Limit: 10, Key: []any{uint64(1)}}), wantErr: ok},
	{name: "select_secondary", header: Header{Sync: 13}, build: req(Select{Space: goldenSpace, Index: 1,
		Iterator: iproto.ITER_EQ, Limit: 10, Key: []string{"b"}}), wantErr: ok},
	{name: "update", header: Header{Sync: 14}, build: req(Update{Space: goldenSpace, Index: 0,
		Key: []uint64{1}, Ops: []Op{
			OpAssign("v", 100),
			OpAdd(3, 5),
			OpSub(4, 2),
			OpAnd(5, uint8(3)),
			OpOr(6, 6),
			OpXor(7, 3),
			OpSplice(1, 2, 3, "ipp"),
			OpDelete(8, 1),
			OpInsert(-1, "new"),
		}}), wantErr: ok},
	{name: "upsert", header: Header{Sync: 15}, build: req(Upsert{Space: goldenSpace,
		Tuple: []any{3, "c", 30}, Ops: []Op{OpAdd(2, 1)}}), wantErr: ok},
	{name: "upsert_existing", header: Header{Sync: 16}, build: req(Upsert{Space: goldenSpace,
		Tuple: []any{3, "c", 30}, Ops: []Op{OpAdd(2, 1)}}), wantErr: ok},
	{name: "delete", header: Header{Sync: 17}, build: req(Delete{Space: goldenSpace, Index: 0,
		Key: []int{2}}), wantErr: ok},
	{name: "select_all", header: Header{Sync: 18}, build: req(Select{Space: goldenSpace, Index: 0,
		Iterator: iproto.ITER_ALL, Limit: math.MaxUint32}), wantErr: ok},
	{name: "call", header: Header{Sync: 19}, build: req(Call{Function: "golden_echo",
		Args: []any{1, "x"}}), wantErr: ok},
	{name: "call16", header: Header{Sync: 20}, build: req(Call16{Function: "golden_echo",
		Args: []any{[]any{1, "x"}}}), wantErr: ok},
	{name: "eval", header: Header{Sync: 21}, build: req(Eval{Expr: "return ...",
		Args: []any{1, -2, "three", 4.5, true, nil, []any{}, map[string]any{"k": "v"}, []byte{0xde, 0xad},
			float32(0.25), uint64(math.MaxUint64), int64(math.MinInt64)}}), wantErr: ok},
	{name: "eval_ext", header: Header{Sync: 22}, build: func(t testing.TB, _ *goldenState) Request {
		return Eval{Expr: evalExt, Args: []any{MustParseDecimal("-12.34"), mustUUID(t, goldenUUIDStr)}}
	}, wantErr: ok},
	{name: "eval_decimals", header: Header{Sync: 23}, build: req(Eval{Expr: evalDecimals,
		Args: []any{MustParseDecimal("-0"), MustParseDecimal("123.4500")}}), wantErr: ok},
	{name: "eval_error_ext", header: Header{Sync: 24}, build: req(Eval{Expr: evalErrorExt}), wantErr: ok},
	{name: "eval_raise", header: Header{Sync: 25}, build: req(Eval{Expr: evalRaiseChain}), wantErr: iproto.Error(777)},
	{name: "execute_insert", header: Header{Sync: 26}, build: req(Execute{
		SQL: "INSERT INTO sqlt(v) VALUES (?), (?)", Args: []any{"x", "y"}}), wantErr: ok},
	{name: "execute_select", header: Header{Sync: 27}, build: req(Execute{
		SQL:  "SELECT id, v FROM sqlt WHERE id = ? OR v = :v ORDER BY id",
		Args: []any{1, map[string]any{":v": "y"}}}), wantErr: ok},
	{name: "prepare", header: Header{Sync: 28}, build: req(Prepare{
		SQL: "SELECT id, v FROM sqlt WHERE id > ?"}), wantErr: ok},
	{name: "execute_stmt", header: Header{Sync: 29}, build: func(t testing.TB, st *goldenState) Request {
		require.NotZero(t, st.stmtID)
		return Execute{StmtID: st.stmtID, Args: []any{0}}
	}, wantErr: ok},
	{name: "unprepare", header: Header{Sync: 30}, build: func(t testing.TB, st *goldenState) Request {
		require.NotZero(t, st.stmtID)
		return Prepare{StmtID: st.stmtID}
	}, wantErr: ok},
	{name: "id", header: Header{Sync: 31}, build: req(ID{Version: 3, Features: []iproto.Feature{
		iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_TRANSACTIONS,
		iproto.IPROTO_FEATURE_ERROR_EXTENSION, iproto.IPROTO_FEATURE_WATCHERS}, AuthType: AuthChapSha1}),
		wantErr: iproto.ER_UNKNOWN_REQUEST_TYPE},
	{name: "select_wrong_schema", header: Header{Sync: 32, SchemaVersion: 1}, build: req(Select{
		Space: goldenSpace, Iterator: iproto.ITER_EQ, Limit: 1, Key: []any{1}}),
		wantErr: iproto.ER_WRONG_SCHEMA_VERSION},
	{name: "ping_stream", header: Header{Sync: 33, StreamID: 5}, build: req(Ping{}), wantErr: ok},
}

// goldenLua is the script the capture test runs with tarantool. It
// listens on $GOLDEN_LISTEN and keeps its files in the current directory.
const goldenLua = `
box.cfg{listen = os.getenv('GOLDEN_LISTEN'), log = 'tarantool.log'}
box.schema.user.grant('guest', 'read,write,execute', 'universe')
box.schema.user.create('golden', {password = 'secret'})
box.schema.user.grant('golden', 'read,write,execute', 'universe')
local s = box.schema.space.create('golden', {id = 600, format = {
    {name = 'id', type = 'unsigned'},
    {name = 'name', type = 'string'},
    {name = 'v', type = 'any'},
}})
s:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}})
s:create_index('secondary', {type = 'tree', unique = false, parts = {2, 'string'}})
function golden_echo(...) return ... end
box.schema.func.create('golden_echo')
box.execute([[CREATE TABLE sqlt (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)]])
`

// readHexFile reads a golden hex file, ignoring whitespace.
func readHexFile(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, name))
	require.NoError(t, err)
	b, err := hex.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	require.NoError(t, err, name)
	return b
}

// writeHexFile writes b as lower-case hex, 32 bytes per line.
func writeHexFile(t testing.TB, name string, b []byte) {
	t.Helper()
	var buf bytes.Buffer
	s := hex.EncodeToString(b)
	for len(s) > 64 {
		buf.WriteString(s[:64])
		buf.WriteByte('\n')
		s = s[64:]
	}
	buf.WriteString(s)
	buf.WriteByte('\n')
	require.NoError(t, os.WriteFile(filepath.Join(goldenDir, name), buf.Bytes(), 0o644))
}

// splitFrame splits a response frame (with its length prefix).
func splitFrame(t testing.TB, frame []byte) (ResponseHeader, []byte) {
	t.Helper()
	n, p, err := DecodeFrameLength(frame, 0)
	require.NoError(t, err)
	require.Equal(t, len(frame), p+n, "frame length prefix")
	h, body, err := DecodeResponseHeader(frame[p:])
	require.NoError(t, err)
	return h, body
}
