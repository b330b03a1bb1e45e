package protocol

import (
	"math"
	"testing"

	"github.com/tarantool/go-iproto"
)

// benchRequests are typical requests; their keys and tuples use the fast
// paths of AppendValue, so encoding them must not allocate.
// benchArgs are call arguments given by pointer, as the client does.
var benchArgs = []any{uint64(7_000_001), "name", 42}

var benchRequests = []struct {
	name string
	r    Request
}{
	{"Ping", &Ping{}},
	{"Auth", &Auth{User: "user", Scramble: make([]byte, ScrambleSize)}},
	{"Select", &Select{Space: 600, Index: 0, Iterator: iproto.ITER_EQ, Limit: 10, Key: []any{uint64(7)}}},
	{"SelectScalarKey", &Select{Space: 600, Limit: 1, Key: uint64(7_000_001)}},
	{"CallArgsPointer", &Call{Function: "echo", Args: &benchArgs}},
	{"SelectMixedKey", &Select{Space: 600, Index: 1, Iterator: iproto.ITER_EQ, Limit: 10, Key: []any{1, "a"}}},
	{"Insert", &Insert{Space: 600, Tuple: []any{uint64(7), "hello", 10, 1.5, true, nil}}},
	{"Replace", &Replace{Space: 600, Tuple: []any{1, "a"}}},
	{"Update", &Update{Space: 600, Key: []any{uint64(7)}, Ops: []Op{OpAssign(2, "x"), OpAdd(3, 1), OpSplice(1, 0, 1, "y")}}},
	{"Upsert", &Upsert{Space: 600, Tuple: []any{uint64(7), "a", 0}, Ops: []Op{OpAdd(2, 1)}}},
	{"Delete", &Delete{Space: 600, Key: []any{uint64(7)}}},
	{"Call", &Call{Function: "box.info", Args: []any{1, "a"}}},
	{"Call16", &Call16{Function: "f", Args: []any{uint64(7)}}},
	{"Eval", &Eval{Expr: "return ...", Args: []any{1, "a"}}},
	{"Execute", &Execute{SQL: "SELECT * FROM t WHERE id = ?", Args: []any{uint64(7)}}},
	{"ExecuteStmt", &Execute{StmtID: 282835743, Args: []any{1, map[string]any{":v": "y"}}}},
	{"Prepare", &Prepare{SQL: "SELECT * FROM t WHERE id = ?"}},
	{"ID", &ID{Version: 3, Features: []iproto.Feature{0, 1, 2, 3}, AuthType: AuthChapSha1}},
}

func benchmarkAppend(b *testing.B, r Request) {
	buf := make([]byte, 0, 512)
	h := Header{Sync: math.MaxUint32 + 1}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var err error
		buf, err = AppendFrame(buf[:0], h, r)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func benchRequest(name string) Request {
	for _, br := range benchRequests {
		if br.name == name {
			return br.r
		}
	}
	panic(name)
}

func BenchmarkAppendPing(b *testing.B)           { benchmarkAppend(b, benchRequest("Ping")) }
func BenchmarkAppendAuth(b *testing.B)           { benchmarkAppend(b, benchRequest("Auth")) }
func BenchmarkAppendSelect(b *testing.B)         { benchmarkAppend(b, benchRequest("Select")) }
func BenchmarkAppendSelectMixedKey(b *testing.B) { benchmarkAppend(b, benchRequest("SelectMixedKey")) }
func BenchmarkAppendInsert(b *testing.B)         { benchmarkAppend(b, benchRequest("Insert")) }
func BenchmarkAppendReplace(b *testing.B)        { benchmarkAppend(b, benchRequest("Replace")) }
func BenchmarkAppendUpdate(b *testing.B)         { benchmarkAppend(b, benchRequest("Update")) }
func BenchmarkAppendUpsert(b *testing.B)         { benchmarkAppend(b, benchRequest("Upsert")) }
func BenchmarkAppendDelete(b *testing.B)         { benchmarkAppend(b, benchRequest("Delete")) }
func BenchmarkAppendCall(b *testing.B)           { benchmarkAppend(b, benchRequest("Call")) }
func BenchmarkAppendCall16(b *testing.B)         { benchmarkAppend(b, benchRequest("Call16")) }
func BenchmarkAppendEval(b *testing.B)           { benchmarkAppend(b, benchRequest("Eval")) }
func BenchmarkAppendExecute(b *testing.B)        { benchmarkAppend(b, benchRequest("Execute")) }
func BenchmarkAppendExecuteStmt(b *testing.B)    { benchmarkAppend(b, benchRequest("ExecuteStmt")) }
func BenchmarkAppendPrepare(b *testing.B)        { benchmarkAppend(b, benchRequest("Prepare")) }
func BenchmarkAppendID(b *testing.B)             { benchmarkAppend(b, benchRequest("ID")) }

type benchTuple struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Score    int64
}

// BenchmarkAppendInsertStruct measures the reflection fallback (a struct
// tuple encoded by the pooled msgpack Encoder).
func BenchmarkAppendInsertStruct(b *testing.B) {
	benchmarkAppend(b, &Insert{Space: 600, Tuple: &benchTuple{ID: 7, Name: "hello", Score: -5}})
}

func BenchmarkScramble(b *testing.B) {
	salt := make([]byte, 32)
	buf := make([]byte, 0, ScrambleSize)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf, _ = AppendScramble(buf[:0], salt, "password")
	}
}

// benchResponse is a select response as Tarantool 2.6.0 sends it (from
// testdata/golden/select_all.response.hex), without the length prefix.
func benchResponse(b *testing.B) []byte {
	frame := readHexFile(b, "select_all.response.hex")
	return frame[FramePrefixSize:]
}

func BenchmarkDecodeResponseHeader(b *testing.B) {
	frame := benchResponse(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for i := 0; i < b.N; i++ {
		if _, _, err := DecodeResponseHeader(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBody(b *testing.B) {
	_, body, err := DecodeResponseHeader(benchResponse(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		if _, err := DecodeBody(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeValue(b *testing.B) {
	_, body, _ := DecodeResponseHeader(benchResponse(b))
	bd, _ := DecodeBody(body)
	b.ReportAllocs()
	b.SetBytes(int64(len(bd.Data)))
	for i := 0; i < b.N; i++ {
		if _, _, err := DecodeValue(bd.Data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeTyped(b *testing.B) {
	_, body, _ := DecodeResponseHeader(readHexFile(b, "select_secondary.response.hex")[FramePrefixSize:])
	bd, _ := DecodeBody(body)
	var rows []benchTuple
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rows = rows[:0]
		if err := Decode(bd.Data, &rows); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeTypedStruct decodes one as_array struct (a tuple).
func BenchmarkDecodeTypedStruct(b *testing.B) {
	benchmarkDecodeTuple(b, &benchTuple{ID: 7, Name: "hello", Score: -5})
}

// BenchmarkDecodeTypedStructMap decodes one struct sent as a map keyed by
// field name.
func BenchmarkDecodeTypedStructMap(b *testing.B) {
	benchmarkDecodeTuple(b, map[string]any{"ID": 7, "Name": "hello", "Score": -5})
}

// benchmarkDecodeTuple decodes the encoding of v into a benchTuple.
func benchmarkDecodeTuple(b *testing.B, v any) {
	data, err := AppendValue(nil, v)
	if err != nil {
		b.Fatal(err)
	}
	var row benchTuple
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := Decode(data, &row); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeTypedStructLonger decodes a tuple with two fields more
// than the struct (a space that gained fields): the fast path skips them.
func BenchmarkDecodeTypedStructLonger(b *testing.B) {
	benchmarkDecodeTuple(b, []any{7, "hello", -5, "new field", []any{1, 2}})
}

// BenchmarkDecodeTypedStructShorter decodes a tuple with one field less
// than the struct: the last field decodes as zero.
func BenchmarkDecodeTypedStructShorter(b *testing.B) {
	benchmarkDecodeTuple(b, []any{7, "hello"})
}

// BenchmarkDecodeLibraryStruct decodes tuples into a struct the fast path
// leaves to the library (it has a nested struct); Longer has an extra
// field in every tuple and in every nested struct, which the library path
// removes before the library reads the value.
func BenchmarkDecodeLibraryStruct(b *testing.B) {
	benchmarkDecodeLibrary(b, []any{[]any{7, "hello", []any{1, "a"}}, []any{8, "bye", []any{2, "b"}}})
}

// BenchmarkDecodeLibraryStructLonger: see BenchmarkDecodeLibraryStruct.
func BenchmarkDecodeLibraryStructLonger(b *testing.B) {
	benchmarkDecodeLibrary(b, []any{[]any{7, "hello", []any{1, "a", 0}, "x"}, []any{8, "bye", []any{2, "b", 0}, "y"}})
}

type benchInner struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	A        int
	B        string
}

type benchNested struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	In       benchInner
}

func benchmarkDecodeLibrary(b *testing.B, v any) {
	data, err := AppendValue(nil, v)
	if err != nil {
		b.Fatal(err)
	}
	var rows []benchNested
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rows = rows[:0]
		if err := Decode(data, &rows); err != nil {
			b.Fatal(err)
		}
	}
}
