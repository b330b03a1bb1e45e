package fakeiproto

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// greetingLine1 is the first line of Greeting, before padding.
const greetingLine1 = "Tarantool 2.6.0 (Binary) 5ba6e3c9-2f0e-4b53-8d7b-7c0a8a5a2c1f"

// ModernVersion is the server version in ModernGreeting: a release that
// has IPROTO_ID (2.10+).
const ModernVersion = "3.1.0"

// ModernGreeting returns a valid 128-byte greeting of a Tarantool
// ModernVersion server, with Greeting's salt.
func ModernGreeting() []byte {
	return GreetingLines("Tarantool "+ModernVersion+greetingLine1[len("Tarantool 2.6.0"):], base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 32)))
}

// SchemaVersion is the schema version of the responses built by this
// package.
const SchemaVersion = 1

// Greeting returns a valid 128-byte Tarantool 2.6.0 greeting with a fixed
// 32-byte salt, as a real server sends it.
func Greeting() []byte {
	return GreetingWithSalt(bytes.Repeat([]byte{0x5a}, 32))
}

// GreetingWithSalt returns a 128-byte greeting whose first line is valid
// and whose second line is salt in base64, whatever its length. It panics
// if the base64 does not fit the line (salt of more than 45 bytes).
func GreetingWithSalt(salt []byte) []byte {
	return GreetingLines(greetingLine1, base64.StdEncoding.EncodeToString(salt))
}

// GreetingLines returns a 128-byte greeting made of two 64-byte lines:
// each text padded with spaces to 63 bytes and ended with '\n'. It panics
// if a text is longer than 63 bytes.
func GreetingLines(line1, line2 string) []byte {
	const lineSize = protocol.GreetingSize / 2
	if len(line1) >= lineSize || len(line2) >= lineSize {
		panic("fakeiproto: greeting line longer than 63 bytes")
	}
	g := make([]byte, 0, protocol.GreetingSize)
	for _, line := range []string{line1, line2} {
		g = append(g, line...)
		g = append(g, bytes.Repeat([]byte{' '}, lineSize-1-len(line))...)
		g = append(g, '\n')
	}
	return g
}

// Frame returns a response frame: the length of header and body as a
// 5-byte prefix (0xce and a big-endian uint32, as Tarantool writes it),
// then header and body as given, well-formed or not.
func Frame(header, body []byte) []byte {
	out := make([]byte, 5, 5+len(header)+len(body))
	out[0] = 0xce
	binary.BigEndian.PutUint32(out[1:], uint32(len(header)+len(body)))
	out = append(out, header...)
	return append(out, body...)
}

// ResponseHeader returns a response header map: {IPROTO_REQUEST_TYPE:
// code, IPROTO_SYNC: sync, IPROTO_SCHEMA_VERSION: SchemaVersion}. code is
// iproto.IPROTO_OK or ErrorCode(...).
func ResponseHeader(code uint32, sync uint64) []byte {
	h := protocol.AppendMapHeader(nil, 3)
	h = protocol.AppendUint(h, uint64(iproto.IPROTO_REQUEST_TYPE))
	h = protocol.AppendUint(h, uint64(code))
	h = protocol.AppendUint(h, uint64(iproto.IPROTO_SYNC))
	h = protocol.AppendUint(h, sync)
	h = protocol.AppendUint(h, uint64(iproto.IPROTO_SCHEMA_VERSION))
	return protocol.AppendUint(h, SchemaVersion)
}

// ErrorCode returns the response code of an error response with the given
// Tarantool error code (iproto.IPROTO_TYPE_ERROR | code).
func ErrorCode(code iproto.Error) uint32 {
	return uint32(iproto.IPROTO_TYPE_ERROR) | uint32(code)
}

// OKBody returns the body {IPROTO_DATA: [data...]}, each value encoded by
// protocol.AppendValue, whose error it returns.
func OKBody(data ...any) ([]byte, error) {
	b := protocol.AppendMapHeader(nil, 1)
	b = protocol.AppendUint(b, uint64(iproto.IPROTO_DATA))
	b = protocol.AppendArrayHeader(b, uint32(len(data)))
	for _, v := range data {
		var err error
		if b, err = protocol.AppendValue(b, v); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// ErrorBody returns the body {IPROTO_ERROR_24: message} of an error
// response, as Tarantool before 2.4.1 sends it.
func ErrorBody(message string) []byte {
	b := protocol.AppendMapHeader(nil, 1)
	b = protocol.AppendUint(b, uint64(iproto.IPROTO_ERROR_24))
	return protocol.AppendString(b, message)
}

// ReadResponse reads one response frame from br, as a client would, and
// decodes its header: for tests that talk to a server by hand. The body is
// the rest of the frame, raw. Cost: one allocation for the frame.
func ReadResponse(br *bufio.Reader) (protocol.ResponseHeader, []byte, error) {
	head, err := br.Peek(protocol.FramePrefixSize)
	if err != nil {
		return protocol.ResponseHeader{}, nil, err
	}
	n, p, err := protocol.DecodeFrameLength(head, 0)
	if err != nil {
		return protocol.ResponseHeader{}, nil, err
	}
	if _, err := br.Discard(p); err != nil {
		return protocol.ResponseHeader{}, nil, err
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(br, frame); err != nil {
		return protocol.ResponseHeader{}, nil, err
	}
	return protocol.DecodeResponseHeader(frame)
}
