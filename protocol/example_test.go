package protocol_test

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// Encoding a request: the frame is appended to a reusable buffer.
func ExampleAppendFrame() {
	buf := make([]byte, 0, 256)
	sel := protocol.Select{
		Space:    600,
		Index:    0,
		Iterator: iproto.ITER_EQ,
		Limit:    10,
		Key:      []any{uint64(1)},
	}
	buf, err := protocol.AppendFrame(buf[:0], protocol.Header{Sync: 12}, &sel)
	if err != nil {
		panic(err)
	}
	fmt.Println(hex.EncodeToString(buf))
	// Output: ce00000015820001010c8610cd0258110014001300120a209101
}

// Decoding a response frame as received from Tarantool 2.6.0.
func ExampleDecodeResponseHeader() {
	frame, _ := hex.DecodeString("ce000000318300ce0000000001cf000000000000000c05ce00000053" +
		"8130dd000000019901a568656c6c6f0a0c05070906a47461696c")
	n, p, err := protocol.DecodeFrameLength(frame, protocol.DefaultMaxFrameSize)
	if err != nil {
		panic(err)
	}
	h, body, err := protocol.DecodeResponseHeader(frame[p : p+n])
	if err != nil {
		panic(err)
	}
	if h.IsError() {
		e, _ := protocol.DecodeErrorBody(h, body)
		panic(e)
	}
	b, err := protocol.DecodeBody(body)
	if err != nil {
		panic(err)
	}
	tuples, _, err := protocol.DecodeValue(b.Data)
	if err != nil {
		panic(err)
	}
	fmt.Printf("sync=%d schema=%d data=%v\n", h.Sync, h.SchemaVersion, tuples)

	// Typed decoding into structs.
	var rows []struct {
		_msgpack struct{} `msgpack:",as_array"`
		ID       uint64
		Name     string
		A, B, C  int
		D, E, F  int
		Tail     string
	}
	if err := protocol.Decode(b.Data, &rows); err != nil {
		panic(err)
	}
	fmt.Println(rows[0].ID, rows[0].Name, rows[0].Tail)
	// Output:
	// sync=12 schema=83 data=[[1 hello 10 12 5 7 9 6 tail]]
	// 1 hello tail
}

// Decoding an error response into a *ServerError that errors.Is matches by
// code.
func ExampleDecodeErrorBody() {
	// Header {REQUEST_TYPE: 0x8003, SYNC: 10, SCHEMA_VERSION: 83}, body
	// {ERROR_24: "dup", ERROR: {STACK: [{MESSAGE: "dup", CODE: 3}]}}.
	frame, _ := hex.DecodeString("ce0000001b" + "8300cd8003010a0553" + "82" + "31a3647570" +
		"52" + "8100" + "91" + "82" + "03a3647570" + "0503")
	n, p, err := protocol.DecodeFrameLength(frame, 0)
	if err != nil || p+n > len(frame) {
		panic("incomplete frame")
	}
	h, body, err := protocol.DecodeResponseHeader(frame[p : p+n])
	if err != nil {
		panic(err)
	}
	e, err := protocol.DecodeErrorBody(h, body)
	if err != nil {
		panic(err)
	}
	fmt.Println(e)
	fmt.Println(h.IsError(), errors.Is(e, protocol.ErrorCode(iproto.ER_TUPLE_FOUND)))
	// Output:
	// tarantool: dup (ER_TUPLE_FOUND, code 3)
	// true true
}
