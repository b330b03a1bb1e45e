package protocol

import (
	"encoding/binary"
	"math"

	"github.com/tarantool/go-iproto"
)

// DefaultMaxFrameSize is a sensible limit for DecodeFrameLength: 64 MiB.
const DefaultMaxFrameSize = 64 << 20

// FramePrefixSize is the size of the length prefix AppendFrame writes
// (0xce followed by a big-endian uint32).
const FramePrefixSize = 5

// DecodeFrameLength decodes the length prefix at the start of b: any
// MessagePack unsigned integer (Tarantool sends 0xce and a big-endian
// uint32). It returns the length of the frame that follows and the size of
// the prefix itself, so the frame is b[prefixLen : prefixLen+length].
//
// When b is too short to hold the whole prefix, the error is ErrShortBuffer
// (read more and retry). A length above maxSize yields *FrameTooLargeError;
// maxSize <= 0 means DefaultMaxFrameSize. A prefix that is not an unsigned
// integer yields *MalformedError. It never allocates on success and never
// allocates based on the prefix. Tarantool's 5-byte prefix is checked
// first, with one comparison.
func DecodeFrameLength(b []byte, maxSize int) (length int, prefixLen int, err error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxFrameSize
	}
	if len(b) >= FramePrefixSize && b[0] == mpUint32 {
		// The prefix Tarantool and AppendFrame write; a length over the
		// limit is reported below.
		if n := binary.BigEndian.Uint32(b[1:]); uint64(n) <= uint64(maxSize) {
			return int(n), FramePrefixSize, nil
		}
	}
	if len(b) == 0 {
		return 0, 0, ErrShortBuffer
	}
	var n uint64
	c := b[0]
	switch {
	case c <= 0x7f:
		n, prefixLen = uint64(c), 1
	case c == mpUint8 || c == mpUint16 || c == mpUint32 || c == mpUint64:
		size := 1 << (c - mpUint8)
		if len(b) < 1+size {
			return 0, 0, ErrShortBuffer
		}
		switch size {
		case 1:
			n = uint64(b[1])
		case 2:
			n = uint64(binary.BigEndian.Uint16(b[1:]))
		case 4:
			n = uint64(binary.BigEndian.Uint32(b[1:]))
		default:
			n = binary.BigEndian.Uint64(b[1:])
		}
		prefixLen = 1 + size
	default:
		return 0, 0, &MalformedError{What: "frame length prefix is " + formatName(c) + ", not an unsigned integer", Offset: 0}
	}
	if n > uint64(maxSize) {
		return 0, 0, &FrameTooLargeError{Size: n, Max: maxSize}
	}
	return int(n), prefixLen, nil
}

// AppendFrame appends a complete request frame: a FramePrefixSize-byte
// length prefix (0xce and a big-endian uint32, back-patched once the frame
// is written), the header map {REQUEST_TYPE, SYNC, [SCHEMA_VERSION],
// [STREAM_ID]} and r's body.
//
// On error it returns dst unchanged (nothing half-written within len(dst))
// and the error: r's encoding error, or *FrameTooLargeError when the header
// and body exceed math.MaxUint32 bytes. It does not allocate unless dst grows
// or r's body needs the reflection fallback of AppendValue. Pass requests by
// pointer (AppendFrame(buf, h, &sel)) to avoid boxing a struct into the
// Request interface.
func AppendFrame(dst []byte, h Header, r Request) ([]byte, error) {
	out, err := r.AppendBody(appendFrameStart(dst, h, r.Type()))
	if err != nil {
		return dst, err
	}
	return finishFrame(dst, out)
}

// AppendFrameBody is AppendFrame for a request whose body is already
// encoded (by the request's AppendBody): it appends the length prefix,
// the header with request type t, and body. It lets a caller encode a body
// outside a lock and queue the frame under it. A frame over 4 GiB is a
// *FrameTooLargeError.
func AppendFrameBody(dst []byte, h Header, t iproto.Type, body []byte) ([]byte, error) {
	return finishFrame(dst, append(appendFrameStart(dst, h, t), body...))
}

// appendFrameStart appends a length prefix to fill in (finishFrame) and
// the header.
func appendFrameStart(dst []byte, h Header, t iproto.Type) []byte {
	return AppendHeader(append(dst, mpUint32, 0, 0, 0, 0), h, t)
}

// finishFrame fills in the length prefix of the frame out holds after
// dst (started by appendFrameStart), or returns dst and a
// *FrameTooLargeError for a frame over 4 GiB.
func finishFrame(dst, out []byte) ([]byte, error) {
	start := len(dst)
	size := uint64(len(out) - start - FramePrefixSize)
	if size > math.MaxUint32 {
		return dst, &FrameTooLargeError{Size: size, Max: math.MaxUint32}
	}
	binary.BigEndian.PutUint32(out[start+1:], uint32(size))
	return out, nil
}
