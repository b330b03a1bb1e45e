package protocol

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the value decoders: DecodeValue, SkipValue,
// DecodeArrayHeader and Decode (into several Go shapes).

// addValueSeeds adds the golden response frames without their length
// prefix (each starts with a header map and holds a body map) and a set of
// hand-picked values.
func addValueSeeds(f *testing.F) {
	addGoldenSeeds(f, func(n string) bool { return strings.HasSuffix(n, ".response.hex") }, func(b []byte) []byte {
		if len(b) < FramePrefixSize {
			return b
		}
		return b[FramePrefixSize:]
	})
	for _, s := range []string{
		"c0", "c2", "c3", "7f", "e0", "cc80", "cd0100", "ceffffffff", "cfffffffffffffffff", "d080", "d3ffffffffffffffff",
		"ca7fc00000", "cb7ff8000000000000", "cb8000000000000000", "a161", "c40100", "c400",
		"d6010201234d", "c7020100000c", "d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11", "d7040100000000000000",
		"d8040100000000000000e803000078000000", "d4ff01", "c70003",
		"82a16101900102", "dd7fffffff", "9191919190", "81cb7ff800000000000001", "9301a162c0",
		"93cc05d1fffe81a178a179",
	} {
		f.Add(mustHex(f, s))
	}
}

func FuzzDecodeValue(f *testing.F) {
	addValueSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		v, rest, err := DecodeValue(b)
		skipRest, skipErr := SkipValue(b)
		if err != nil {
			checkMalformed(t, err, len(b))
			return
		}
		checkSuffix(t, b, rest)
		if skipErr != nil {
			t.Fatalf("DecodeValue ok but SkipValue failed: %v", skipErr)
		}
		if len(rest) != len(skipRest) {
			t.Fatalf("DecodeValue and SkipValue disagree on the size: rest %d vs %d", len(rest), len(skipRest))
		}
		// Decode → encode → decode gives the same value (*ServerError
		// values are re-encoded by the msgpack library as plain maps, so
		// values holding one are only checked to re-encode).
		enc, err := AppendValue(nil, v)
		if err != nil {
			t.Fatalf("decoded %T does not re-encode: %v", v, err)
		}
		v2, rest2, err := DecodeValue(enc)
		if containsServerError(v, 0) {
			return
		}
		if err != nil || len(rest2) != 0 {
			t.Fatalf("re-encoded value does not decode: rest %d, %v", len(rest2), err)
		}
		if !sameValue(v, v2) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", v, v2)
		}
	})
}

func FuzzSkipValue(f *testing.F) {
	addValueSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		rest, err := SkipValue(b)
		vr := reader{buf: b}
		verr := vr.validate(0)
		if err != nil {
			checkMalformed(t, err, len(b))
			if verr == nil {
				t.Fatalf("SkipValue failed (%v) but validate accepted the value", err)
			}
			if _, _, derr := DecodeValue(b); derr == nil {
				t.Fatalf("SkipValue failed (%v) but DecodeValue accepted the value", err)
			}
			return
		}
		checkSuffix(t, b, rest)
		size := len(b) - len(rest)
		if size < 1 {
			t.Fatal("SkipValue consumed nothing")
		}
		// validate walks the same value (it may only add the depth limit).
		if verr != nil {
			if !errors.Is(verr, ErrTooDeep) {
				t.Fatalf("SkipValue ok but validate failed: %v", verr)
			}
		} else if vr.off != size {
			t.Fatalf("SkipValue consumed %d bytes, validate %d", size, vr.off)
		}
		// DecodeValue agrees on the size whenever it succeeds.
		if _, drest, derr := DecodeValue(b); derr == nil && len(drest) != len(rest) {
			t.Fatalf("SkipValue consumed %d bytes, DecodeValue %d", size, len(b)-len(drest))
		}
		// The value alone is complete, and no strict prefix of it is (a
		// MessagePack value is self-delimiting).
		if r, err := SkipValue(b[:size]); err != nil || len(r) != 0 {
			t.Fatalf("value alone: rest %d, %v", len(r), err)
		}
		for _, k := range []int{0, size / 2, size - 1} {
			if r, err := SkipValue(b[:k]); err == nil {
				t.Fatalf("strict prefix of %d/%d bytes skipped (rest %d)", k, size, len(r))
			} else {
				checkMalformed(t, err, k)
			}
		}
	})
}

func FuzzDecodeArrayHeader(f *testing.F) {
	addValueSeeds(f)
	f.Add(mustHex(f, "dc0000"))
	f.Add(mustHex(f, "dd00000002c0c0"))
	f.Add(mustHex(f, "dc0003c0c0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, rest, err := DecodeArrayHeader(b)
		if err != nil {
			checkMalformed(t, err, len(b))
			if _, ok := decodeValueArray(b); ok {
				t.Fatalf("DecodeArrayHeader failed (%v) on a valid array", err)
			}
			return
		}
		checkSuffix(t, b, rest)
		if hdr := len(b) - len(rest); hdr != 1 && hdr != 3 && hdr != 5 {
			t.Fatalf("header of %d bytes", hdr)
		}
		if n < 0 || n > len(rest) {
			t.Fatalf("count %d with %d bytes left", n, len(rest))
		}
		// Round trip through AppendArrayHeader.
		enc := AppendArrayHeader(nil, uint32(n))
		if n2, rest2, err := DecodeArrayHeader(append(enc, rest...)); err != nil || n2 != n || len(rest2) != len(rest) {
			t.Fatalf("re-encoded header: %d, rest %d, %v; want %d", n2, len(rest2), err, n)
		}
		// Skipping the n elements one by one ends where SkipValue on the
		// whole array ends, and DecodeValue sees n elements.
		elems := rest
		for i := 0; i < n && elems != nil; i++ {
			var serr error
			if elems, serr = SkipValue(elems); serr != nil {
				elems = nil
			}
		}
		whole, werr := SkipValue(b)
		if (werr == nil) != (elems != nil) || werr == nil && len(whole) != len(elems) {
			t.Fatalf("element by element: rest %d; whole array: rest %d, %v", len(elems), len(whole), werr)
		}
		if a, ok := decodeValueArray(b); ok && len(a) != n {
			t.Fatalf("DecodeValue sees %d elements, DecodeArrayHeader %d", len(a), n)
		}
	})
}

// decodeValueArray returns b's first value if DecodeValue decodes it to an
// array.
func decodeValueArray(b []byte) ([]any, bool) {
	v, _, err := DecodeValue(b)
	a, ok := v.([]any)
	return a, err == nil && ok
}

// Destination shapes for FuzzDecode.

type fuzzTagged struct {
	ID    uint64           `msgpack:"id"`
	Name  string           `msgpack:"name"`
	Score float64          `msgpack:"score"`
	Small float32          `msgpack:"small"`
	OK    bool             `msgpack:"ok"`
	Tags  []string         `msgpack:"tags"`
	Attrs map[string]int64 `msgpack:"attrs"`
	Raw   []byte           `msgpack:"raw"`
	U     UUID             `msgpack:"u"`
	D     Decimal          `msgpack:"d"`
	Next  *fuzzTagged      `msgpack:"next"`
}

type fuzzRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	U        UUID
	D        Decimal
	I8       int8
	U16      uint16
	I32      int32
	F        float64
	Children []fuzzRow
}

type fuzzLoose struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	A        any
	M        map[string]any
	L        []any
}

func FuzzDecode(f *testing.F) {
	addValueSeeds(f)
	u := mustParseUUIDFuzz("6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11")
	for _, v := range []any{
		fuzzTagged{ID: 7, Name: "x", Score: 1.5, Small: -2, OK: true, Tags: []string{"a"}, Attrs: map[string]int64{"k": -1},
			Raw: []byte{1}, U: u, D: MustParseDecimal("-12.34"), Next: &fuzzTagged{ID: 8}},
		[]fuzzRow{{ID: 1, Name: "a", U: u, D: MustParseDecimal("1e-3"), I8: -5, U16: 300, I32: -70000, F: 0.5,
			Children: []fuzzRow{{ID: 2}}}},
		fuzzLoose{A: int64(-1), M: map[string]any{"a": "b"}, L: []any{1.5, nil}},
		map[string]any{"d": MustParseDecimal("0.1"), "u": u, "t": time.Unix(1700000000, 5).In(time.FixedZone("", 3600))},
		[]any{[]any{1, "a"}, nil, []any{}},
	} {
		b, err := AppendValue(nil, v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dv, _, derr := DecodeValue(b)
		vr := reader{buf: b}
		verr := vr.validate(0)

		// The generic shapes go through DecodeValue.
		var anyV any
		err := Decode(b, &anyV)
		if (err == nil) != (derr == nil) || err == nil && !sameValue(anyV, dv) {
			t.Fatalf("Decode(*any) = %v, %v; DecodeValue = %v, %v", anyV, err, dv, derr)
		}
		if err != nil {
			checkMalformed(t, err, len(b))
		}
		checkGeneric[[]any](t, b, dv, derr)
		checkGeneric[map[string]any](t, b, dv, derr)
		var rows [][]any
		err = Decode(b, &rows)
		wantRows := derr == nil
		if items, ok := dv.([]any); ok {
			for _, it := range items {
				if _, isRow := it.([]any); !isRow && it != nil {
					wantRows = false
				}
			}
		} else if dv != nil {
			wantRows = false
		}
		if (err == nil) != wantRows {
			t.Fatalf("Decode(*[][]any) = %v for %#v", err, dv)
		}
		if err != nil {
			checkDecodeErr(t, err, len(b))
		} else if dv != nil && len(rows) != len(dv.([]any)) {
			t.Fatalf("Decode(*[][]any) gave %d rows for %d items", len(rows), len(dv.([]any)))
		}

		// Integers of every width agree with DecodeValue, with Go's
		// conversion semantics (the msgpack library truncates).
		checkInt[int8](t, b, dv, verr)
		checkInt[int16](t, b, dv, verr)
		checkInt[int32](t, b, dv, verr)
		checkInt[int64](t, b, dv, verr)
		checkInt[int](t, b, dv, verr)
		checkInt[uint8](t, b, dv, verr)
		checkInt[uint16](t, b, dv, verr)
		checkInt[uint32](t, b, dv, verr)
		checkInt[uint64](t, b, dv, verr)
		checkInt[uint](t, b, dv, verr)

		// The extension types agree with DecodeValue; nil zeroes them.
		checkExt(t, b, dv, verr, UUID{0xff, 1})
		checkExt(t, b, dv, verr, MustParseDecimal("-99.5"))

		// Tarantool's datetime is not the msgpack library's timestamp: only
		// the error type is checked.
		var tm time.Time
		if err := Decode(b, &tm); err != nil {
			checkDecodeErr(t, err, len(b))
		}

		// Structs: what decodes re-encodes and decodes to the same value.
		checkStruct[fuzzTagged](t, b, verr, false)
		checkStruct[[]fuzzRow](t, b, verr, false)
		checkStruct[fuzzRow](t, b, verr, false)
		checkStruct[map[string]fuzzRow](t, b, verr, false)
		// Interface fields keep the wire width, so the first round trip
		// may normalise them; the second must not change anything.
		checkStruct[fuzzLoose](t, b, verr, true)
	})
}

// mustParseUUIDFuzz is ParseUUID for constants.
func mustParseUUIDFuzz(s string) UUID {
	u, err := ParseUUID(s)
	if err != nil {
		panic(err)
	}
	return u
}

func checkGeneric[T []any | map[string]any](t *testing.T, b []byte, dv any, derr error) {
	t.Helper()
	var got T
	err := Decode(b, &got)
	_, isT := dv.(T)
	want := derr == nil && (dv == nil || isT)
	if (err == nil) != want {
		t.Fatalf("Decode(*%T) = %v for %#v (DecodeValue error %v)", got, err, dv, derr)
	}
	if err != nil {
		checkDecodeErr(t, err, len(b))
		return
	}
	if dv == nil {
		if got != nil {
			t.Fatalf("nil decodes to %#v", got)
		}
	} else if !sameValue(got, dv) {
		t.Fatalf("Decode(*%T) = %#v, DecodeValue = %#v", got, got, dv)
	}
}

type fuzzInt interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// decodeAfterValidate decodes b into *v. When validate rejected b (verr
// is not nil) it checks that Decode failed with a malformed-input error
// and reports rejected, and the caller checks nothing more.
func decodeAfterValidate[T any](t *testing.T, b []byte, v *T, verr error) (rejected bool, err error) {
	t.Helper()
	err = Decode(b, v)
	if verr == nil {
		return false, err
	}
	if err == nil {
		t.Fatalf("Decode(*%T) accepted what validate rejects (%v)", *v, verr)
	}
	checkMalformed(t, err, len(b))
	return true, err
}

func checkInt[T fuzzInt](t *testing.T, b []byte, dv any, verr error) {
	t.Helper()
	var got T
	rejected, err := decodeAfterValidate(t, b, &got, verr)
	if rejected {
		return
	}
	var want T
	ok := true
	switch x := dv.(type) {
	case int64:
		want = T(x)
	case uint64:
		want = T(x)
	case nil:
		ok = len(b) > 0 && b[0] == mpNil
	default:
		ok = false
	}
	if (err == nil) != ok {
		t.Fatalf("Decode(*%T) = %v, %v for % x (DecodeValue %#v)", got, got, err, b[:min(len(b), 16)], dv)
	}
	if err != nil {
		checkDecodeErr(t, err, len(b))
	} else if got != want {
		t.Fatalf("Decode(*%T) = %d, want %d (DecodeValue %#v)", got, got, want, dv)
	}
}

func checkExt[T UUID | Decimal](t *testing.T, b []byte, dv any, verr error, sentinel T) {
	t.Helper()
	got := sentinel
	rejected, err := decodeAfterValidate(t, b, &got, verr)
	if rejected {
		return
	}
	want, isT := dv.(T)
	isNil := len(b) > 0 && b[0] == mpNil
	if (err == nil) != (isT || isNil) {
		t.Fatalf("Decode(*%T) = %v for % x (DecodeValue %#v)", got, err, b[:min(len(b), 40)], dv)
	}
	switch {
	case err != nil:
		checkDecodeErr(t, err, len(b))
	case isNil && got != *new(T):
		t.Fatalf("nil decodes to the %T %v, not the zero value", got, got)
	case isT && got != want:
		t.Fatalf("Decode(*%T) = %v, DecodeValue %v", got, got, want)
	}
}

func checkStruct[T any](t *testing.T, b []byte, verr error, fixedPoint bool) {
	t.Helper()
	var v1 T
	rejected, err := decodeAfterValidate(t, b, &v1, verr)
	if rejected {
		return
	}
	if err != nil {
		checkDecodeErr(t, err, len(b))
		return
	}
	if fixedPoint {
		var ok bool
		if v1, ok = reencode(t, v1); !ok {
			return
		}
	}
	v2, ok := reencode(t, v1)
	if !ok {
		t.Fatalf("%T %#v does not decode after re-encoding", v1, v1)
	}
	if !sameValue(v1, v2) {
		t.Fatalf("round trip changed the %T:\n%#v\n%#v", v1, v1, v2)
	}
}

// reencode encodes v with AppendValue and decodes it into a new T. It
// fails the test if v does not encode or the encoding is not one valid
// value; ok is false if the decoding fails.
func reencode[T any](t *testing.T, v T) (T, bool) {
	t.Helper()
	var out T
	enc, err := AppendValue(nil, v)
	if err != nil {
		var ute *UnsupportedTypeError
		if errors.As(err, &ute) || errors.Is(err, ErrTooDeep) {
			// The msgpack library re-encodes some values it decoded
			// into interfaces only through its own registry.
			return out, false
		}
		t.Fatalf("%T does not re-encode: %v", v, err)
	}
	if rest, err := SkipValue(enc); err != nil || len(rest) != 0 {
		t.Fatalf("re-encoded %T is not one value: rest %d, %v", v, len(rest), err)
	}
	if err := Decode(enc, &out); err != nil {
		checkDecodeErr(t, err, len(enc))
		return out, false
	}
	return out, true
}
