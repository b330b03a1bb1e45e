package wire

import (
	"bufio"
	"errors"
	"io"

	"github.com/txtarantool/txtarantool/protocol"
)

// ReadBufferSize is the size of a connection's read buffer: responses are
// read from the socket in chunks of up to this many bytes.
const ReadBufferSize = 64 << 10

// ReadResponse reads one response frame from br and decodes its header;
// size is the frame's size, length prefix included. The body is copied
// into slab (so it stays valid after br is read on); a frame that fits
// br's buffer is decoded in place, without copying its header. A length
// above maxFrame is an error before any allocation. Cost: no allocation
// but the slab's (see BodySlab.CopyOf), or one of the frame's size for a
// frame larger than br's buffer.
func ReadResponse(br *bufio.Reader, maxFrame int, slab *BodySlab) (header protocol.ResponseHeader, body []byte, size int, err error) {
	length, prefix, err := readFrameLength(br, maxFrame)
	if err != nil {
		return protocol.ResponseHeader{}, nil, 0, err
	}
	size = prefix + length
	if size <= br.Size() {
		frame, err := br.Peek(size)
		if err != nil {
			return protocol.ResponseHeader{}, nil, 0, unexpectedEOF(err)
		}
		header, body, err := protocol.DecodeResponseHeader(frame[prefix:])
		if err != nil {
			return header, nil, 0, err
		}
		body = slab.CopyOf(body)
		_, _ = br.Discard(size) // cannot fail: Peek returned as much
		return header, body, size, nil
	}
	frame, err := readFrameBody(br, length, prefix)
	if err != nil {
		return protocol.ResponseHeader{}, nil, 0, err
	}
	header, body, err = protocol.DecodeResponseHeader(frame)
	return header, body, size, err
}

// ReadFrame reads one length-prefixed frame from br into a new buffer of
// exactly its size (the handshake's responses); a length above maxFrame is
// an error before any allocation. Cost: one allocation of the frame's size.
func ReadFrame(br *bufio.Reader, maxFrame int) ([]byte, error) {
	length, prefix, err := readFrameLength(br, maxFrame)
	if err != nil {
		return nil, err
	}
	return readFrameBody(br, length, prefix)
}

// readFrameLength decodes the length prefix at the start of br without
// consuming it; it returns the frame's length and the prefix's size. The
// stream ending between frames is io.EOF, within a prefix
// io.ErrUnexpectedEOF.
func readFrameLength(br *bufio.Reader, maxFrame int) (length, prefix int, err error) {
	// Start with what is already buffered (up to the longest prefix, 9
	// bytes), so the usual case decodes the length at the first try; Peek
	// blocks only when fewer bytes than needed are buffered.
	for need := 1; ; need++ {
		need = max(need, min(br.Buffered(), 9))
		head, err := br.Peek(need)
		if err != nil {
			if errors.Is(err, io.EOF) && br.Buffered() > 0 {
				err = io.ErrUnexpectedEOF // the stream ended within a prefix
			}
			return 0, 0, err
		}
		length, prefix, err = protocol.DecodeFrameLength(head, maxFrame)
		if err == nil {
			return length, prefix, nil
		}
		if !errors.Is(err, protocol.ErrShortBuffer) {
			return 0, 0, err
		}
	}
}

// readFrameBody skips the prefix and reads the length-byte frame after it
// into a new buffer.
func readFrameBody(br *bufio.Reader, length, prefix int) ([]byte, error) {
	if _, err := br.Discard(prefix); err != nil {
		return nil, err
	}
	frame := make([]byte, length)
	if _, err := io.ReadFull(br, frame); err != nil {
		return nil, unexpectedEOF(err)
	}
	return frame, nil
}

// unexpectedEOF turns a clean EOF inside a frame into io.ErrUnexpectedEOF.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
