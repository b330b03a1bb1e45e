package protocol

import (
	"encoding/hex"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"
)

// UUID is a Tarantool uuid value (MessagePack extension 2, 16 bytes in
// network byte order). It is comparable and can be used as a map key.
type UUID [16]byte

// ParseUUID parses the canonical 36-character form
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits in either case). Any
// other form yields a *ParseError. It does not allocate on success.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 {
		return u, &ParseError{Kind: "UUID", Input: s, Reason: "want 36 characters"}
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return UUID{}, &ParseError{Kind: "UUID", Input: s, Reason: "missing '-' at position " + strconv.Itoa(i)}
			}
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return UUID{}, &ParseError{Kind: "UUID", Input: s, Reason: "non-hex character"}
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// String returns the canonical lower-case form. It allocates the string.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// AppendMsgpack appends u as a Tarantool uuid extension (fixext 16, type 2).
// It does not allocate unless dst grows.
func (u UUID) AppendMsgpack(dst []byte) []byte {
	dst = AppendExtHeader(dst, ExtUUID, uint32(len(u)))
	return append(dst, u[:]...)
}

// EncodeMsgpack implements msgpack.CustomEncoder so that UUID fields encode
// as the Tarantool extension inside values handled by
// github.com/vmihailenco/msgpack/v5, without registering anything globally.
// It allocates a small buffer.
func (u UUID) EncodeMsgpack(enc *msgpack.Encoder) error {
	_, err := enc.Writer().Write(u.AppendMsgpack(make([]byte, 0, 18)))
	return err
}

// DecodeMsgpack implements msgpack.CustomDecoder: it reads a uuid extension
// (type 2, 16 bytes). Nil sets u to the zero UUID, as the msgpack library
// itself does before it calls DecodeMsgpack. It does not allocate.
func (u *UUID) DecodeMsgpack(dec *msgpack.Decoder) error {
	if c, err := dec.PeekCode(); err == nil && c == mpNil {
		*u = UUID{}
		return dec.DecodeNil()
	}
	typ, n, err := dec.DecodeExtHeader()
	if err != nil {
		return err
	}
	if typ != ExtUUID || n != len(u) {
		return &MalformedError{What: "expected a UUID extension (type 2, 16 bytes)", Offset: -1}
	}
	var b UUID
	if err := dec.ReadFull(b[:]); err != nil {
		return err
	}
	*u = b
	return nil
}
