package protocol

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Fuzz targets for the Tarantool extension types: ParseDecimal, ParseUUID,
// and the extension payload decoders (decimal, uuid, MP_ERROR, datetime)
// reached through DecodeValue, Decode and the DecodeMsgpack methods of
// Decimal and UUID.

// checkParseError fails unless err is a *ParseError of the given kind for s.
func checkParseError(t *testing.T, err error, kind, s string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T (%v), not a *ParseError", err, err)
	}
	if pe.Kind != kind || pe.Input != s || pe.Reason == "" {
		t.Fatalf("ParseError %+v for %s %q", pe, kind, s)
	}
}

// decimalRat returns d's value.
func decimalRat(d Decimal) *big.Rat {
	r := new(big.Rat).SetInt(d.Coefficient())
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(d.Scale()))), nil)
	if d.Scale() >= 0 {
		return r.Quo(r, new(big.Rat).SetInt(p))
	}
	return r.Mul(r, new(big.Rat).SetInt(p))
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// checkDecimal checks the invariants of a valid Decimal: its encodings
// (MessagePack, String, coefficient and scale) all give it back.
func checkDecimal(t *testing.T, d Decimal) {
	t.Helper()
	if s := d.Scale(); s > decimalMaxScale || s < -decimalMaxScale {
		t.Fatalf("scale %d out of range", s)
	}
	coef := d.Coefficient()
	if len(new(big.Int).Abs(coef).String()) > DecimalMaxDigits {
		t.Fatalf("coefficient %s has more than %d digits", coef, DecimalMaxDigits)
	}
	if coef.Sign() != d.Sign() {
		t.Fatalf("Sign %d for coefficient %s", d.Sign(), coef)
	}
	// MessagePack: AppendMsgpack → DecodeValue, Decode and the msgpack
	// library (DecodeMsgpack) give the same Decimal.
	enc := d.AppendMsgpack(nil)
	if v, rest, err := DecodeValue(enc); err != nil || len(rest) != 0 || v != any(d) {
		t.Fatalf("AppendMsgpack % x decodes to %#v, rest %d, %v; want %v", enc, v, len(rest), err, d)
	}
	if enc2, err := AppendValue(nil, d); err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("AppendValue % x, %v; AppendMsgpack % x", enc2, err, enc)
	}
	var viaDecode, viaLib Decimal
	if err := Decode(enc, &viaDecode); err != nil || viaDecode != d {
		t.Fatalf("Decode(*Decimal) = %v, %v; want %v", viaDecode, err, d)
	}
	if err := msgpack.Unmarshal(enc, &viaLib); err != nil || viaLib != d {
		t.Fatalf("msgpack.Unmarshal(*Decimal) = %v, %v; want %v", viaLib, err, d)
	}
	// Coefficient and scale: NewDecimal gives d back (negative zero
	// becomes zero: the coefficient has no sign).
	nd, err := NewDecimal(coef, d.Scale())
	want := d
	if d.Sign() == 0 {
		want, _ = NewDecimal(new(big.Int), d.Scale())
	}
	if err != nil || nd != want {
		t.Fatalf("NewDecimal(%s, %d) = %v, %v; want %v", coef, d.Scale(), nd, err, want)
	}
	// String: parses back to d when the scale is not negative (a negative
	// scale is written as trailing zeros), otherwise to the same number.
	s := d.String()
	pd, err := ParseDecimal(s)
	switch {
	case d.Scale() >= 0:
		if err != nil || pd != d {
			t.Fatalf("String %q parses to %v, %v; want %#v", s, pd, err, d)
		}
	case err == nil:
		if decimalRat(pd).Cmp(decimalRat(d)) != 0 {
			t.Fatalf("String %q parses to %v, a different number than %#v", s, pd, d)
		}
	default:
		checkParseError(t, err, "decimal", s)
		if !strings.Contains(err.Error(), "more than 38 significant digits") {
			t.Fatalf("String %q of %#v does not parse: %v", s, d, err)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-0", "+0.000", "1.10", "1e10", "1E-10", ".5", "5.", "-12.34", "0.001",
		"99999999999999999999999999999999999999", "999999999999999999999999999999999999999",
		"0000000000000000000000000000000000000000001", "1e-1000", "1e1000", "1e1001", "12.5e-999",
		"1e1000000", "1e9999999", "+", "-", "", ".", "1e", "1e+", "1.2.3", "NaN", "Infinity", "1_000", "0x10",
		"١", "1e-5", "123456789012345678901234567890.12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			checkParseError(t, err, "decimal", s)
			return
		}
		checkDecimal(t, d)
		// The value is the one math/big reads from the same string
		// (when it accepts the syntax: it also takes fractions and
		// other bases, ParseDecimal does not).
		if r, ok := new(big.Rat).SetString(s); ok && r.Cmp(decimalRat(d)) != 0 {
			t.Fatalf("%q parses to %v = %s, math/big reads %s", s, d, decimalRat(d).RatString(), r.RatString())
		}
		if neg := strings.HasPrefix(s, "-"); d.Sign() != 0 && (d.Sign() < 0) != neg {
			t.Fatalf("%q parses to %v with the wrong sign", s, d)
		}
	})
}

func FuzzParseUUID(f *testing.F) {
	for _, s := range []string{"6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11", "6A6D1F64-4A5B-4AC6-9B3E-0D3C7A1F2E11",
		"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		"6a6d1f644a5b4ac69b3e0d3c7a1f2e11", "6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e1", "6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e1g",
		"6a6d1f64+4a5b-4ac6-9b3e-0d3c7a1f2e11", "{6a6d1f64-4a5b-4ac6-9b3e-0d3c7a1f2e11}", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUUID(s)
		if err != nil {
			checkParseError(t, err, "UUID", s)
			return
		}
		if len(s) != 36 {
			t.Fatalf("accepted %d characters", len(s))
		}
		str := u.String()
		if str != strings.ToLower(s) {
			t.Fatalf("%q prints as %q", s, str)
		}
		if u2, err := ParseUUID(str); err != nil || u2 != u {
			t.Fatalf("String %q parses to %v, %v", str, u2, err)
		}
		enc := u.AppendMsgpack(nil)
		if len(enc) != 18 || enc[0] != mpFixExt16 || int8(enc[1]) != ExtUUID || !bytes.Equal(enc[2:], u[:]) {
			t.Fatalf("AppendMsgpack % x", enc)
		}
		if v, rest, err := DecodeValue(enc); err != nil || len(rest) != 0 || v != any(u) {
			t.Fatalf("AppendMsgpack decodes to %#v, %v", v, err)
		}
		var viaDecode, viaLib UUID
		if err := Decode(enc, &viaDecode); err != nil || viaDecode != u {
			t.Fatalf("Decode(*UUID) = %v, %v", viaDecode, err)
		}
		if err := msgpack.Unmarshal(enc, &viaLib); err != nil || viaLib != u {
			t.Fatalf("msgpack.Unmarshal(*UUID) = %v, %v", viaLib, err)
		}
	})
}

// appendExtForm appends an extension header for an n-byte payload: the
// canonical one (AppendExtHeader) when form is even, otherwise the widest
// form (ext 32), which decoders must accept too.
func appendExtForm(dst []byte, typ int8, n int, form uint8) []byte {
	if form%2 == 0 {
		return AppendExtHeader(dst, typ, uint32(n))
	}
	return append(dst, mpExt32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n), byte(typ))
}

func FuzzExtValue(f *testing.F) {
	for _, s := range []string{
		"d6010201234d", "c70201000c", "d501000c", "d5010a0d", "c7030100001c", "c70301d0ff1d",
		"c716010000000000000000000000000000000000000000001c", "d4010c",
		// Longest valid payload (29 bytes: 9-byte scale, 38 digits) and
		// one byte more (leading zero digits).
		"c71d01d30000000000000000099999999999999999999999999999999999999c",
		"c71e0100000000000000000000000000000000000000000000000000000000001c", "d501ff0c",
		"d8026a6d1f644a5b4ac69b3e0d3c7a1f2e11", "d7020102030405060708", "c7110200000000000000000000000000000000ff",
		"d7040100000000000000", "d8040100000000000000e803000078000000", "d8040100000000000000ffffffff00000000",
		"d7048000000000000080", "c70c04000000000000000000000000",
		"c7060381009181050a", "c7060381009181030a", "c70103c0", "c7020380ff",
		"d4ff01", "c70005", "c700f7",
	} {
		b := mustHex(f, s)
		typ, n, _, err := (&reader{buf: b}).extHeader()
		if err != nil {
			f.Fatalf("seed %s: %v", s, err)
		}
		f.Add(typ, b[len(b)-n:], uint8(0))
	}
	f.Add(ExtDecimal, []byte{0x00, 0x0c}, uint8(1))
	f.Add(ExtUUID, make([]byte, 16), uint8(1))
	f.Add(ExtDatetime, make([]byte, 8), uint8(1))
	f.Fuzz(func(t *testing.T, typ int8, payload []byte, form uint8) {
		ext := appendExtForm(nil, typ, len(payload), form)
		hdr := len(ext)
		ext = append(ext, payload...)

		v, rest, err := DecodeValue(ext)
		var viaDecode, viaLib Decimal
		decErr := Decode(ext, &viaDecode)
		libDecErr := msgpack.Unmarshal(ext, &viaLib)
		var uDecode, uLib UUID
		uDecErr := Decode(ext, &uDecode)
		uLibErr := msgpack.Unmarshal(ext, &uLib)
		for _, e := range []error{decErr, uDecErr} {
			if e != nil {
				checkDecodeErr(t, e, len(ext))
			}
		}

		if err != nil {
			checkMalformed(t, err, len(ext))
			var m *MalformedError
			errors.As(err, &m)
			// Offsets of problems inside the payload point into it (so
			// at the bad byte), never at the header.
			if m.Offset > 0 && m.Offset < hdr {
				t.Fatalf("offset %d points into the %d-byte header: %v", m.Offset, hdr, err)
			}
			switch m.What {
			case "invalid decimal digit":
				if c := ext[m.Offset]; c>>4 <= 9 && (c&0x0f <= 9 || m.Offset == len(ext)-1) {
					t.Fatalf("offset %d (byte %#02x) is not the bad digit: %v", m.Offset, c, err)
				}
			case "invalid decimal sign nibble":
				// The byte ending the decimal, which may be nested (in an
				// MP_ERROR field), so not always the last of ext.
				if c := ext[m.Offset]; c&0x0f >= 0x0a {
					t.Fatalf("offset %d (byte %#02x) holds a valid sign nibble: %v", m.Offset, c, err)
				}
				if typ == ExtDecimal && m.Offset != len(ext)-1 {
					t.Fatalf("sign nibble error at offset %d of %d", m.Offset, len(ext))
				}
			}
			// The typed decoders reject what DecodeValue rejects.
			if typ == ExtDecimal && (decErr == nil || libDecErr == nil) {
				t.Fatalf("Decode(*Decimal) = %v (%v), msgpack.Unmarshal = %v (%v); DecodeValue: %v",
					viaDecode, decErr, viaLib, libDecErr, err)
			}
			if typ == ExtUUID && (uDecErr == nil || uLibErr == nil) {
				t.Fatalf("Decode(*UUID) = %v (%v), msgpack.Unmarshal = %v (%v); DecodeValue: %v", uDecode, uDecErr, uLib, uLibErr, err)
			}
			return
		}
		if len(rest) != 0 {
			t.Fatalf("%d bytes left after one extension value", len(rest))
		}
		if typ != ExtDecimal && (decErr == nil || libDecErr == nil) {
			t.Fatalf("ext %d decoded as a Decimal", typ)
		}
		if typ != ExtUUID && (uDecErr == nil || uLibErr == nil) {
			t.Fatalf("ext %d decoded as a UUID", typ)
		}
		switch typ {
		case ExtDecimal:
			d, ok := v.(Decimal)
			if !ok {
				t.Fatalf("ext 1 decodes to %T", v)
			}
			if decErr != nil || viaDecode != d || libDecErr != nil || viaLib != d {
				t.Fatalf("DecodeValue %v; Decode(*Decimal) %v, %v; msgpack.Unmarshal %v, %v", d, viaDecode, decErr, viaLib, libDecErr)
			}
			checkDecimal(t, d)
		case ExtUUID:
			u, ok := v.(UUID)
			if !ok || !bytes.Equal(u[:], payload) {
				t.Fatalf("ext 2 decodes to %#v", v)
			}
			if uDecErr != nil || uDecode != u || uLibErr != nil || uLib != u {
				t.Fatalf("DecodeValue %v; Decode(*UUID) %v, %v; msgpack.Unmarshal %v, %v", u, uDecode, uDecErr, uLib, uLibErr)
			}
			if u2, err := ParseUUID(u.String()); err != nil || u2 != u {
				t.Fatalf("String %q parses to %v, %v", u.String(), u2, err)
			}
		case ExtError:
			e, ok := v.(*ServerError)
			if !ok {
				t.Fatalf("ext 3 decodes to %T", v)
			}
			if e2, err := DecodeError(payload); err != nil || !sameValue(e, e2) {
				t.Fatalf("DecodeError of the payload: %#v, %v; ext 3: %#v", e2, err, e)
			}
		case ExtDatetime:
			tzIndex := int16(0)
			if len(payload) == 16 {
				tzIndex = int16(binary.LittleEndian.Uint16(payload[14:]))
			}
			var viaDT Datetime
			if err := Decode(ext, &viaDT); err != nil || viaDT.TzIndex != tzIndex {
				t.Fatalf("Decode(*Datetime) = %+v, %v; zone index %d", viaDT, err, tzIndex)
			}
			if tzIndex != 0 {
				d, ok := v.(Datetime)
				if !ok || !sameValue(d, viaDT) {
					t.Fatalf("ext 4 with a zone index decodes to %#v; Decode(*Datetime) %#v", v, viaDT)
				}
				enc := d.AppendMsgpack(nil)
				if !bytes.Equal(enc, append(AppendExtHeader(nil, ExtDatetime, 16), payload...)) {
					t.Fatalf("Datetime re-encodes to % x; payload % x", enc, payload)
				}
				return
			}
			tm, ok := v.(time.Time)
			if !ok {
				t.Fatalf("ext 4 decodes to %T", v)
			}
			if len(payload) == 8 || payload[12] == 0 && payload[13] == 0 {
				if _, off := tm.Zone(); off != 0 {
					t.Fatalf("no offset sent, zone offset %d", off)
				}
			}
			enc, err := AppendValue(nil, tm)
			if err != nil {
				t.Fatal(err)
			}
			tm2, _, err := DecodeValue(enc)
			if err != nil || !sameValue(tm, tm2) {
				t.Fatalf("datetime round trip: %v, %v; want %v", tm2, err, tm)
			}
		case ExtTuple:
			a, ok := v.([]any)
			if !ok {
				t.Fatalf("ext 7 decodes to %T", v)
			}
			// The payload is a format id and then exactly that array.
			sub := reader{buf: payload}
			if _, err := sub.uint(); err != nil {
				t.Fatal(err)
			}
			arr, err := sub.rawValue()
			if err != nil || sub.remaining() != 0 {
				t.Fatalf("payload after the format id: %v, %d bytes left", err, sub.remaining())
			}
			if a2, _, err := DecodeValue(arr); err != nil || !sameValue(a, a2) {
				t.Fatalf("ext 7 gives %#v; its array alone %#v, %v", a, a2, err)
			}
		case ExtInterval:
			iv, ok := v.(Interval)
			var typed Interval
			if err := Decode(ext, &typed); !ok || err != nil || typed != iv {
				t.Fatalf("ext 6 decodes to %#v; Decode(*Interval) %+v, %v", v, typed, err)
			}
		default:
			r, ok := v.(RawExt)
			if !ok || r.Type != typ || !bytes.Equal(r.Data, payload) {
				t.Fatalf("ext %d decodes to %#v", typ, v)
			}
			if len(payload) > 0 && &r.Data[0] == &ext[hdr] {
				t.Fatal("RawExt.Data aliases the input")
			}
			enc, err := AppendValue(nil, r)
			want := append(AppendExtHeader(nil, typ, uint32(len(payload))), payload...)
			if err != nil || !bytes.Equal(enc, want) {
				t.Fatalf("RawExt re-encodes to % x, %v; want % x", enc, err, want)
			}
			if v2, _, err := DecodeValue(enc); err != nil || !sameValue(v, v2) {
				t.Fatalf("RawExt round trip: %#v, %v", v2, err)
			}
		}
	})
}
