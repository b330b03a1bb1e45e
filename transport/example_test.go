package transport_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/txtarantool/txtarantool/transport"
)

// NewDialer accepts the address forms users write and picks TCP or Unix.
func ExampleNewDialer() {
	for _, addr := range []string{
		"localhost:3301",
		"tcp://[::1]:3301",
		"3301",
		"unix:///tmp/tarantool.sock",
		"/tmp/tarantool.sock",
	} {
		d, err := transport.NewDialer(addr, transport.WithConnectTimeout(time.Second))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%T %s\n", d, d.Address())
	}
	_, err := transport.NewDialer("localhost")
	var ae *transport.AddressError
	fmt.Println(errors.As(err, &ae), ae.Reason)
	// Output:
	// *transport.TCPDialer localhost:3301
	// *transport.TCPDialer [::1]:3301
	// *transport.TCPDialer 127.0.0.1:3301
	// *transport.UnixDialer unix:/tmp/tarantool.sock
	// *transport.UnixDialer unix:/tmp/tarantool.sock
	// true missing port in address; expected host:port
}

// Dial errors wrap the network error in a *DialError; context errors stay
// matchable.
func ExampleNewDialer_dial() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens on addr any more

	d, err := transport.NewDialer(addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = d.Dial(context.Background())
	var de *transport.DialError
	fmt.Println("dial error:", errors.As(err, &de) && de.Address == addr)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = d.Dial(ctx)
	fmt.Println("cancelled:", errors.Is(err, context.Canceled))
	// Output:
	// dial error: true
	// cancelled: true
}
