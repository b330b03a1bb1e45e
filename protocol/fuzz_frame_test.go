package protocol

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/tarantool/go-iproto"
)

// Fuzz targets for the frame-level decoders: DecodeFrameLength,
// DecodeResponseHeader, DecodeBody and DecodeErrorBody. Each decoded result
// is re-encoded with the test encoders below and must decode to the same
// value.

// goldenResponses returns the stored golden response frames (length prefix
// included).
func goldenResponses(f *testing.F) [][]byte {
	names, err := filepath.Glob(filepath.Join(goldenDir, "*.response.hex"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no golden responses: %v", err)
	}
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		out = append(out, readHexFile(f, filepath.Base(n)))
	}
	return out
}

func FuzzFrameLength(f *testing.F) {
	for _, fr := range goldenResponses(f) {
		f.Add(fr, 0)
	}
	for _, s := range []string{"", "00", "7f", "cc", "ccff", "cd0100", "ce00000010", "cf0000000000000010",
		"cfffffffffffffffff", "ce04000001", "d0ff", "c0", "a3616263", "e0"} {
		f.Add(mustHex(f, s), 0)
	}
	f.Add(mustHex(f, "ce00001000"), 4096)
	f.Add(mustHex(f, "ce00001001"), 4096)
	f.Add(mustHex(f, "cc10"), -1)
	f.Add(mustHex(f, "cf7fffffffffffffff"), math.MaxInt)
	f.Fuzz(func(t *testing.T, b []byte, maxSize int) {
		limit := maxSize
		if limit <= 0 {
			limit = DefaultMaxFrameSize
		}
		n, p, err := DecodeFrameLength(b, maxSize)
		var tooLarge *FrameTooLargeError
		switch {
		case err == nil:
			if p != 1 && p != 2 && p != 3 && p != 5 && p != 9 || p > len(b) {
				t.Fatalf("prefix length %d for a %d-byte input", p, len(b))
			}
			if n < 0 || n > limit {
				t.Fatalf("length %d outside [0, %d]", n, limit)
			}
			// The prefix is exactly one MessagePack integer of that value.
			v, rest, err := DecodeValue(b[:p])
			if err != nil || len(rest) != 0 || v != any(int64(n)) {
				t.Fatalf("prefix % x decodes to %v (%T), rest %d, %v; want %d", b[:p], v, v, len(rest), err, n)
			}
			// Round trip through the encoder, and through AppendFrame's
			// fixed 5-byte form.
			enc := AppendUint(nil, uint64(n))
			if n2, p2, err := DecodeFrameLength(enc, maxSize); err != nil || n2 != n || p2 != len(enc) {
				t.Fatalf("re-encoded length % x: %d/%d, %v; want %d", enc, n2, p2, err, n)
			}
			if n <= math.MaxUint32 {
				fixed := []byte{mpUint32, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
				if n2, p2, err := DecodeFrameLength(fixed, maxSize); err != nil || n2 != n || p2 != FramePrefixSize {
					t.Fatalf("5-byte prefix % x: %d/%d, %v; want %d", fixed, n2, p2, err, n)
				}
			}
		case errors.Is(err, ErrShortBuffer):
			if len(b) >= 9 {
				t.Fatalf("ErrShortBuffer for a %d-byte input", len(b))
			}
			// More bytes must settle it one way or the other.
			longer := append(append([]byte(nil), b...), make([]byte, 9)...)
			if _, _, err := DecodeFrameLength(longer, maxSize); errors.Is(err, ErrShortBuffer) {
				t.Fatalf("still ErrShortBuffer after padding % x", longer)
			}
		case errors.As(err, &tooLarge):
			if tooLarge.Max != limit || tooLarge.Size <= uint64(limit) {
				t.Fatalf("FrameTooLargeError %+v with limit %d", tooLarge, limit)
			}
			if v, _, derr := DecodeValue(b); derr == nil && !sameValue(v, any(int64(tooLarge.Size))) && !sameValue(v, any(tooLarge.Size)) {
				t.Fatalf("FrameTooLargeError size %d but the prefix is %v", tooLarge.Size, v)
			}
		default:
			checkMalformed(t, err, len(b))
			if len(b) == 0 || b[0] <= 0x7f || (b[0] >= mpUint8 && b[0] <= mpUint64) {
				t.Fatalf("unsigned prefix % x rejected as malformed: %v", b[:min(len(b), 9)], err)
			}
		}
	})
}

// encodeResponseHeader encodes h with every key present.
func encodeResponseHeader(h ResponseHeader) []byte {
	b := AppendMapHeader(nil, 4)
	b = AppendUint(b, uint64(iproto.IPROTO_REQUEST_TYPE))
	b = AppendUint(b, uint64(h.Code))
	b = AppendUint(b, uint64(iproto.IPROTO_SYNC))
	b = AppendUint(b, h.Sync)
	b = AppendUint(b, uint64(iproto.IPROTO_SCHEMA_VERSION))
	b = AppendUint(b, h.SchemaVersion)
	b = AppendUint(b, uint64(iproto.IPROTO_STREAM_ID))
	return AppendUint(b, h.StreamID)
}

func FuzzResponseHeader(f *testing.F) {
	for _, fr := range goldenResponses(f) {
		if len(fr) > FramePrefixSize {
			f.Add(fr[FramePrefixSize:])
		}
	}
	f.Add(mustHex(f, "820000010a"))
	f.Add(mustHex(f, "8200ce800000030102"))
	f.Add(mustHex(f, "8300cf00000001000000000101c0"))
	f.Fuzz(func(t *testing.T, frame []byte) {
		h, body, err := DecodeResponseHeader(frame)
		// The fast path for Tarantool's fixed layout agrees with the
		// general decoder on every input.
		if hm, bodym, errm := decodeResponseHeaderMap(frame); (err == nil) != (errm == nil) || hm != h || len(bodym) != len(body) {
			t.Fatalf("DecodeResponseHeader gave %+v, %d-byte body, %v; the map decoder %+v, %d-byte body, %v",
				h, len(body), err, hm, len(bodym), errm)
		}
		if err != nil {
			checkMalformed(t, err, len(frame))
			return
		}
		checkSuffix(t, frame, body)
		// The header is one complete MessagePack map.
		if rest, err := SkipValue(frame); err != nil || len(rest) != len(body) {
			t.Fatalf("SkipValue disagrees on the header: rest %d vs %d, %v", len(rest), len(body), err)
		}
		// The error code is the 15 bits below IPROTO_TYPE_ERROR.
		if h.IsError() != (h.Code&uint32(iproto.IPROTO_TYPE_ERROR) != 0) ||
			h.ErrorCode() < 0 || h.ErrorCode() >= iproto.Error(iproto.IPROTO_TYPE_ERROR) ||
			uint32(h.ErrorCode()) != h.Code&uint32(iproto.IPROTO_TYPE_ERROR-1) {
			t.Fatalf("IsError/ErrorCode inconsistent for code %#x", h.Code)
		}
		enc := encodeResponseHeader(h)
		enc = append(enc, body...)
		h2, body2, err := DecodeResponseHeader(enc)
		if err != nil || h2 != h || !bytes.Equal(body2, body) {
			t.Fatalf("round trip: %+v, %v; want %+v", h2, err, h)
		}
	})
}

func appendColumnMetas(b []byte, cols []ColumnMeta) []byte {
	b = AppendArrayHeader(b, uint32(len(cols)))
	for _, c := range cols {
		b = AppendMapHeader(b, 6)
		b = AppendUint(b, uint64(iproto.IPROTO_FIELD_NAME))
		b = AppendString(b, c.Name)
		b = AppendUint(b, uint64(iproto.IPROTO_FIELD_TYPE))
		b = AppendString(b, c.Type)
		b = AppendUint(b, uint64(iproto.IPROTO_FIELD_COLL))
		b = AppendString(b, c.Collation)
		b = AppendUint(b, uint64(iproto.IPROTO_FIELD_SPAN))
		b = AppendString(b, c.Span)
		b = AppendUint(b, uint64(iproto.IPROTO_FIELD_IS_NULLABLE))
		b = AppendBool(b, c.Nullable)
		b = AppendUint(b, uint64(iproto.IPROTO_FIELD_IS_AUTOINCREMENT))
		b = AppendBool(b, c.Autoincrement)
	}
	return b
}

// encodeBody encodes every field of bd that is set (BindCount and StmtID
// always: zero is the same as absent).
func encodeBody(bd Body) []byte {
	n := uint32(2)
	for _, set := range []bool{bd.Data != nil, bd.Metadata != nil, bd.BindMetadata != nil, bd.SQLInfo != nil} {
		if set {
			n++
		}
	}
	b := AppendMapHeader(nil, n)
	b = AppendUint(b, uint64(iproto.IPROTO_BIND_COUNT))
	b = AppendUint(b, bd.BindCount)
	b = AppendUint(b, uint64(iproto.IPROTO_STMT_ID))
	b = AppendUint(b, bd.StmtID)
	if bd.Data != nil {
		b = AppendUint(b, uint64(iproto.IPROTO_DATA))
		b = append(b, bd.Data...)
	}
	if bd.Metadata != nil {
		b = AppendUint(b, uint64(iproto.IPROTO_METADATA))
		b = appendColumnMetas(b, bd.Metadata)
	}
	if bd.BindMetadata != nil {
		b = AppendUint(b, uint64(iproto.IPROTO_BIND_METADATA))
		b = appendColumnMetas(b, bd.BindMetadata)
	}
	if bd.SQLInfo != nil {
		b = AppendUint(b, uint64(iproto.IPROTO_SQL_INFO))
		if bd.SQLInfo.AutoIncrementIDs != nil {
			b = AppendMapHeader(b, 2)
			b = AppendUint(b, uint64(iproto.SQL_INFO_AUTOINCREMENT_IDS))
			b = AppendArrayHeader(b, uint32(len(bd.SQLInfo.AutoIncrementIDs)))
			for _, id := range bd.SQLInfo.AutoIncrementIDs {
				b = AppendInt(b, id)
			}
		} else {
			b = AppendMapHeader(b, 1)
		}
		b = AppendUint(b, uint64(iproto.SQL_INFO_ROW_COUNT))
		b = AppendUint(b, bd.SQLInfo.RowCount)
	}
	return b
}

func FuzzBody(f *testing.F) {
	for _, fr := range goldenResponses(f) {
		if len(fr) < FramePrefixSize {
			continue
		}
		if h, body, err := DecodeResponseHeader(fr[FramePrefixSize:]); err == nil && !h.IsError() {
			f.Add(body)
		}
	}
	f.Add([]byte{})
	f.Add(mustHex(f, "8130c0"))
	f.Add(mustHex(f, "8142820001017b"))
	f.Fuzz(func(t *testing.T, body []byte) {
		bd, err := DecodeBody(body)
		if err != nil {
			checkMalformed(t, err, len(body))
			return
		}
		if len(body) == 0 {
			if !sameValue(bd, Body{}) {
				t.Fatalf("empty body decodes to %+v", bd)
			}
			return
		}
		if bd.Data != nil {
			// IPROTO_DATA is a sub-slice of the body holding exactly one
			// complete value.
			if !isSubslice(body, bd.Data) {
				t.Fatal("Data is not a sub-slice of the body")
			}
			if rest, err := SkipValue(bd.Data); err != nil || len(rest) != 0 {
				t.Fatalf("Data is not exactly one value: rest %d, %v", len(rest), err)
			}
		}
		enc := encodeBody(bd)
		bd2, err := DecodeBody(enc)
		if err != nil || !sameValue(bd, bd2) {
			t.Fatalf("round trip: %+v, %v; want %+v", bd2, err, bd)
		}
	})
}

// isSubslice reports whether the non-empty sub shares memory with a part
// of b.
func isSubslice(b, sub []byte) bool {
	if len(sub) == 0 {
		return false
	}
	for i := 0; i+len(sub) <= len(b); i++ {
		if &b[i] == &sub[0] {
			return true
		}
	}
	return false
}

// appendMPError appends an MP_ERROR map holding stack.
func appendMPError(b []byte, stack []ErrorFrame) ([]byte, error) {
	b = AppendMapHeader(b, 1)
	b = AppendUint(b, uint64(MPErrorStack))
	b = AppendArrayHeader(b, uint32(len(stack)))
	for _, fr := range stack {
		n := uint32(6)
		if fr.Fields != nil {
			n++
		}
		b = AppendMapHeader(b, n)
		b = AppendUint(b, uint64(MPErrorType))
		b = AppendString(b, fr.Type)
		b = AppendUint(b, uint64(MPErrorFile))
		b = AppendString(b, fr.File)
		b = AppendUint(b, uint64(MPErrorLine))
		b = AppendUint(b, fr.Line)
		b = AppendUint(b, uint64(MPErrorMessage))
		b = AppendString(b, fr.Message)
		b = AppendUint(b, uint64(MPErrorErrno))
		b = AppendUint(b, fr.Errno)
		b = AppendUint(b, uint64(MPErrorCode))
		b = AppendUint(b, fr.Code)
		if fr.Fields != nil {
			b = AppendUint(b, uint64(MPErrorFields))
			var err error
			if b, err = AppendValue(b, fr.Fields); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// stackReencodes reports whether appendMPError reproduces stack: fields
// holding *ServerError values are re-encoded by the msgpack library as
// plain maps, so they do not.
func stackReencodes(stack []ErrorFrame) bool {
	for _, fr := range stack {
		if containsServerError(fr.Fields, 0) {
			return false
		}
	}
	return true
}

func FuzzErrorBody(f *testing.F) {
	for _, fr := range goldenResponses(f) {
		if len(fr) < FramePrefixSize {
			continue
		}
		if h, body, err := DecodeResponseHeader(fr[FramePrefixSize:]); err == nil && h.IsError() {
			f.Add(h.Code, body)
		}
	}
	f.Add(uint32(iproto.IPROTO_TYPE_ERROR)|3, []byte{})
	f.Add(uint32(0x8003), mustHex(f, "8131a3626164"))
	f.Add(uint32(0x8003), mustHex(f, "815281009181030a"))
	f.Fuzz(func(t *testing.T, code uint32, body []byte) {
		h := ResponseHeader{Code: code | uint32(iproto.IPROTO_TYPE_ERROR), Sync: 1}
		e, err := DecodeErrorBody(h, body)
		if err != nil {
			checkMalformed(t, err, len(body))
			return
		}
		if e == nil || e.Code != h.ErrorCode() {
			t.Fatalf("code of %+v is not the header's %d", e, h.ErrorCode())
		}
		if !errors.Is(e, ErrorCode(h.ErrorCode())) {
			t.Fatal("errors.Is does not match the header's code")
		}
		_ = e.Error()
		if !stackReencodes(e.Stack) {
			return
		}
		enc := AppendMapHeader(nil, 2)
		enc = AppendUint(enc, uint64(iproto.IPROTO_ERROR_24))
		enc = AppendString(enc, e.Message)
		enc = AppendUint(enc, uint64(iproto.IPROTO_ERROR))
		enc, err = appendMPError(enc, e.Stack)
		if err != nil {
			t.Fatalf("re-encoding the stack: %v", err)
		}
		e2, err := DecodeErrorBody(h, enc)
		if err != nil || !sameValue(e, e2) {
			t.Fatalf("round trip: %+v, %v; want %+v", e2, err, e)
		}
	})
}
