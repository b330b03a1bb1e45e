package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
)

// SafeToRetry says whether a failed request certainly did not run, so that
// sending it again cannot run it twice; IsUnavailable whether there was no
// connection. A service retries the first kind and answers 503 to the
// second.
func ExampleSafeToRetry() {
	ctx := context.Background()
	c, err := client.Lazy("127.0.0.1:1", client.Options{Reconnect: reconnect.Never()}) // nobody listens there
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Ping(ctx).Await(ctx) // not connected: never sent
	fmt.Println(client.SafeToRetry(err), client.IsUnavailable(err))

	sent := &client.ConnectionError{Addr: c.Addr(), Sent: true, Err: client.ErrServerClosed}
	fmt.Println(client.SafeToRetry(sent), client.IsUnavailable(sent)) // it may have run

	readOnly := &client.ServerError{Code: iproto.ER_READONLY, Message: "Can't modify data because this instance is in read-only mode."}
	fmt.Println(client.SafeToRetry(readOnly), client.IsUnavailable(readOnly)) // refused before running: try the master

	duplicate := &client.ServerError{Code: iproto.ER_TUPLE_FOUND, Message: "Duplicate key exists"}
	fmt.Println(client.SafeToRetry(duplicate), client.IsUnavailable(duplicate)) // it ran, and failed
	// Output:
	// true true
	// false true
	// true false
	// false false
}

// IsUnavailable is true for every error saying the server could not be
// reached: here a lazy client that gave up, whose WaitConnected error
// carries the last attempt's cause.
func ExampleIsUnavailable() {
	c, err := client.Lazy("127.0.0.1:1", client.Options{Reconnect: reconnect.Never()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	err = c.WaitConnected(context.Background()) // returns once the policy gave up
	fmt.Println(client.IsUnavailable(err), errors.Is(err, client.ErrReconnectStopped))
	// Output:
	// true true
}
