package protocol

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addGoldenSeeds adds every stored golden frame whose name matches filter.
func addGoldenSeeds(f *testing.F, filter func(name string) bool, transform func([]byte) []byte) {
	names, err := filepath.Glob(filepath.Join(goldenDir, "*.hex"))
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		base := filepath.Base(n)
		if filter(base) {
			f.Add(transform(readHexFile(f, base)))
		}
	}
}

func identity(b []byte) []byte { return b }

func FuzzGreeting(f *testing.F) {
	addGoldenSeeds(f, func(n string) bool { return n == "greeting.hex" }, identity)
	f.Add(makeGreeting("Tarantool 2.11.1-entrypoint (Binary) x", testSalt))
	f.Add(makeGreeting("Tarantool 2.6.0 (Lua console)", ""))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseGreeting(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: bad greeting: ") {
				t.Fatalf("unexpected error text %q", err)
			}
			return
		}
		if len(g.Salt) < ScrambleSize || g.Protocol != "Binary" {
			t.Fatalf("accepted bad greeting %+v", g)
		}
		if _, err := Scramble(g.Salt, "x"); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzResponseFrame(f *testing.F) {
	addGoldenSeeds(f, func(n string) bool { return strings.HasSuffix(n, ".response.hex") }, identity)
	f.Fuzz(func(t *testing.T, b []byte) {
		n, p, err := DecodeFrameLength(b, 1<<20)
		if err != nil {
			return
		}
		if n < 0 || p < 1 || p > 9 || n > 1<<20 {
			t.Fatalf("bad length %d/%d", n, p)
		}
		if len(b) < p+n {
			return
		}
		h, body, err := DecodeResponseHeader(b[p : p+n])
		if err != nil {
			return
		}
		if h.IsError() {
			e, err := DecodeErrorBody(h, body)
			if err == nil {
				_ = e.Error()
				if e.Code != h.ErrorCode() {
					t.Fatal("code mismatch")
				}
			}
			return
		}
		bd, err := DecodeBody(body)
		if err != nil || bd.Data == nil {
			return
		}
		v, rest, err := DecodeValue(bd.Data)
		if err == nil && len(rest) != 0 {
			t.Fatal("IPROTO_DATA sub-slice holds more than one value")
		}
		var generic any
		_ = Decode(bd.Data, &generic)
		var rows [][]any
		_ = Decode(bd.Data, &rows)
		_ = v
	})
}

func FuzzError(f *testing.F) {
	// The IPROTO_ERROR values of the golden error responses.
	addGoldenSeeds(f, func(n string) bool { return strings.HasSuffix(n, ".response.hex") }, func(b []byte) []byte {
		if len(b) < FramePrefixSize {
			return b
		}
		h, body, err := DecodeResponseHeader(b[FramePrefixSize:])
		if err != nil || !h.IsError() {
			return body
		}
		if i := bytes.IndexByte(body, 0x52); i >= 0 {
			return body[i+1:]
		}
		return body
	})
	f.Add(mustHex(f, "8100918700ab437573746f6d4572726f7201a46576616c020103a56f7574657204000"+
		"5cd03090681ab637573746f6d5f74797065aa4f757465724572726f72"))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeError(b)
		if err != nil {
			return
		}
		_ = e.Error()
		_ = e.Is(ErrorCode(e.Code))
		if len(e.Stack) > 0 && uint64(e.Code) != e.Stack[0].Code && e.Stack[0].Code <= 1<<31 {
			t.Fatalf("code %d vs stack %d", e.Code, e.Stack[0].Code)
		}
		// The same payload as an MP_ERROR extension value.
		ext := AppendExtHeader(nil, ExtError, uint32(len(b)))
		ext = append(ext, b...)
		if _, _, err := DecodeValue(ext); err != nil {
			t.Fatalf("DecodeError accepted what ext 3 rejects: %v", err)
		}
	})
}

func FuzzDecodeValue(f *testing.F) {
	addGoldenSeeds(f, func(n string) bool { return strings.HasSuffix(n, ".response.hex") }, func(b []byte) []byte {
		if len(b) < FramePrefixSize {
			return b
		}
		return b[FramePrefixSize:]
	})
	for _, s := range []string{"c0", "d6010201234d", "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11", "d7040100000000000000",
		"82a16101900102", "dd7fffffff", "9191919190", "cb7ff8000000000000", "81cb7ff800000000000001"} {
		f.Add(mustHex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, rest, err := DecodeValue(b)
		skipRest, skipErr := SkipValue(b)
		if err == nil {
			if skipErr != nil {
				t.Fatalf("DecodeValue ok but SkipValue failed: %v", skipErr)
			}
			if len(rest) != len(skipRest) {
				t.Fatalf("rest mismatch %d vs %d", len(rest), len(skipRest))
			}
			// Re-encoding must not panic, and what it produces must decode
			// (*ServerError values are re-encoded by the msgpack library as
			// plain maps, which need not be valid map keys, so they are
			// excluded).
			enc, err := AppendValue(nil, v)
			if err == nil && !containsServerError(v, 0) {
				if _, _, err := DecodeValue(enc); err != nil {
					t.Fatalf("re-encoded value does not decode: %v", err)
				}
			}
		}
		var x []any
		_ = Decode(b, &x)
	})
}

func containsServerError(v any, depth int) bool {
	if depth > MaxDepth {
		return true
	}
	switch v := v.(type) {
	case *ServerError:
		return true
	case []any:
		for _, e := range v {
			if containsServerError(e, depth+1) {
				return true
			}
		}
	case map[string]any:
		for _, e := range v {
			if containsServerError(e, depth+1) {
				return true
			}
		}
	case map[any]any:
		for k, e := range v {
			if containsServerError(k, depth+1) || containsServerError(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// TestFuzzSeedCorpusPresent guards the checked-in seed corpora.
func TestFuzzSeedCorpusPresent(t *testing.T) {
	for _, name := range []string{"FuzzGreeting", "FuzzResponseFrame", "FuzzError", "FuzzDecodeValue", "FuzzDecodeStruct"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", name))
		if err != nil || len(entries) == 0 {
			t.Errorf("no seed corpus for %s: %v", name, err)
		}
	}
}
