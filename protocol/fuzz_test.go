package protocol

import (
	"bytes"
	"encoding/base64"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The package has one fuzz target per exported decoder, each checking
// invariants (typed errors, rest is a suffix of the input, decode → encode
// → decode round trips, agreement between decoders) beyond "no panic":
//
//	FuzzGreeting           ParseGreeting
//	FuzzResponseFrame      the decoders chained as the client reads a response
//	FuzzError              DecodeError
//	FuzzFrameLength        DecodeFrameLength          (fuzz_frame_test.go)
//	FuzzResponseHeader     DecodeResponseHeader
//	FuzzBody               DecodeBody
//	FuzzErrorBody          DecodeErrorBody
//	FuzzDecodeValue        DecodeValue                (fuzz_value_test.go)
//	FuzzSkipValue          SkipValue
//	FuzzDecodeArrayHeader  DecodeArrayHeader
//	FuzzDecode             Decode into generic, integer, extension and struct shapes
//	FuzzParseDecimal       ParseDecimal               (fuzz_ext_test.go)
//	FuzzParseUUID          ParseUUID
//	FuzzExtValue           the extension payload decoders (decimal, uuid,
//	                       MP_ERROR, datetime) and Decimal/UUID DecodeMsgpack
//
// Seeds are the golden frames of testdata/golden plus hand-made inputs in
// testdata/fuzz/<target>; crashers found by fuzzing stay there as
// regression inputs.

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
			var ge *GreetingError
			if !errors.As(err, &ge) || ge.Reason == "" {
				t.Fatalf("error is %T (%v), not a *GreetingError", err, err)
			}
			if !strings.HasPrefix(err.Error(), "protocol: bad greeting: ") {
				t.Fatalf("unexpected error text %q", err)
			}
			if errors.Is(err, ErrShortBuffer) != (len(b) < GreetingSize) {
				t.Fatalf("ErrShortBuffer is %v for %d bytes", errors.Is(err, ErrShortBuffer), len(b))
			}
			return
		}
		if len(g.Salt) < ScrambleSize || g.Protocol != "Binary" || g.Product == "" || strings.Contains(g.Product, " ") {
			t.Fatalf("accepted bad greeting %+v", g)
		}
		if _, err := Scramble(g.Salt, "x"); err != nil {
			t.Fatal(err)
		}
		// Only the first GreetingSize bytes count.
		g2, err := ParseGreeting(append(b[:GreetingSize:GreetingSize], "trailing"...))
		if err != nil || !sameValue(g, g2) {
			t.Fatalf("trailing bytes changed the result: %+v, %v", g2, err)
		}
		// Round trip: a greeting rebuilt from the parsed fields parses to
		// the same fields (when the fields fit the 63-character lines and
		// the instance UUID does not end in what the parser trims).
		line1 := g.Product + " " + g.Version.String() + " (Binary) " + g.InstanceUUID
		line2 := base64.StdEncoding.EncodeToString(g.Salt)
		if len(line1) < GreetingSize/2 && len(line2) < GreetingSize/2 &&
			strings.TrimRight(g.InstanceUUID, " \n\r\x00") == g.InstanceUUID {
			g3, err := ParseGreeting(makeGreeting(line1, line2))
			if err != nil || !sameValue(g, g3) {
				t.Fatalf("rebuilt greeting %q parses to %+v, want %+v", line1, g3, g)
			}
		}
	})
}

// FuzzResponseFrame chains the frame decoders the way the client reads a
// response: length prefix, header, then the OK or error body and its data.
func FuzzResponseFrame(f *testing.F) {
	addGoldenSeeds(f, func(n string) bool { return strings.HasSuffix(n, ".response.hex") }, identity)
	f.Fuzz(func(t *testing.T, b []byte) {
		n, p, err := DecodeFrameLength(b, 1<<20)
		if err != nil {
			var tooLarge *FrameTooLargeError
			if !errors.Is(err, ErrShortBuffer) && !errors.As(err, &tooLarge) {
				checkMalformed(t, err, len(b))
			}
			return
		}
		if n < 0 || p < 1 || p > 9 || n > 1<<20 {
			t.Fatalf("bad length %d/%d", n, p)
		}
		if len(b) < p+n {
			return
		}
		frame := b[p : p+n]
		h, body, err := DecodeResponseHeader(frame)
		if err != nil {
			checkMalformed(t, err, len(frame))
			return
		}
		checkSuffix(t, frame, body)
		if h.IsError() {
			e, err := DecodeErrorBody(h, body)
			if err != nil {
				checkMalformed(t, err, len(body))
				return
			}
			_ = e.Error()
			if e.Code != h.ErrorCode() {
				t.Fatal("code mismatch")
			}
			return
		}
		bd, err := DecodeBody(body)
		if err != nil {
			checkMalformed(t, err, len(body))
			return
		}
		if bd.Data == nil {
			return
		}
		v, rest, err := DecodeValue(bd.Data)
		if err != nil {
			checkMalformed(t, err, len(bd.Data))
		} else if len(rest) != 0 {
			t.Fatal("IPROTO_DATA sub-slice holds more than one value")
		}
		var generic any
		if err := Decode(bd.Data, &generic); err != nil {
			checkMalformed(t, err, len(bd.Data))
		} else if !sameValue(generic, v) {
			t.Fatalf("Decode(*any) = %#v, DecodeValue = %#v", generic, v)
		}
		var rows [][]any
		if err := Decode(bd.Data, &rows); err != nil {
			checkDecodeErr(t, err, len(bd.Data))
		}
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
			checkMalformed(t, err, len(b))
			return
		}
		_ = e.Error()
		_ = e.Is(ErrorCode(e.Code))
		if len(e.Stack) > 0 && uint64(e.Code) != e.Stack[0].Code && e.Stack[0].Code <= 1<<31 {
			t.Fatalf("code %d vs stack %d", e.Code, e.Stack[0].Code)
		}
		// The same payload as an MP_ERROR extension value: the extension
		// is one more level of nesting, so only ErrTooDeep may differ.
		ext := AppendExtHeader(nil, ExtError, uint32(len(b)))
		ext = append(ext, b...)
		v, _, err := DecodeValue(ext)
		if errors.Is(err, ErrTooDeep) {
			return
		}
		if err != nil {
			t.Fatalf("DecodeError accepted what ext 3 rejects: %v", err)
		}
		if !sameValue(v, e) {
			t.Fatalf("ext 3 decodes to %#v, DecodeError to %#v", v, e)
		}
		// Decode → encode → decode gives the same error.
		if !stackReencodes(e.Stack) {
			return
		}
		enc, err := appendMPError(nil, e.Stack)
		if err != nil {
			t.Fatalf("re-encoding the stack: %v", err)
		}
		e2, err := DecodeError(enc)
		if err != nil || !sameValue(e2, e) {
			t.Fatalf("round trip: %#v, %v; want %#v", e2, err, e)
		}
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

// TestFuzzSeedCorpusPresent guards the checked-in seed corpora: every Fuzz
// target of the package has a non-empty testdata/fuzz/<name> directory.
func TestFuzzSeedCorpusPresent(t *testing.T) {
	names, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	targets := 0
	for _, n := range names {
		file, err := parser.ParseFile(fset, n, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") {
				continue
			}
			targets++
			entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", fn.Name.Name))
			if err != nil || len(entries) == 0 {
				t.Errorf("no seed corpus for %s: %v", fn.Name.Name, err)
			}
		}
	}
	if targets == 0 {
		t.Error("no Fuzz targets found")
	}
}
