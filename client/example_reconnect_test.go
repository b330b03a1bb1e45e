package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
)

// Handlers hear about the connection's life; Reconnect says when to try
// again after it breaks.
func ExampleHandlers() {
	addr := exampleAddr
	opts := client.Options{User: exampleUser, Password: examplePassword}
	connected, closed := make(chan struct{}), make(chan struct{})

	opts.Reconnect = reconnect.MaxAttempts(reconnect.DefaultBackoff(), 20) // give up after 20 failures in a row
	opts.Handlers = client.Handlers{
		Connected:    func(c *client.Client) { fmt.Println("connected") },
		Disconnected: func(c *client.Client, cause error) { fmt.Println("disconnected:", cause) },
		Reconnecting: func(c *client.Client, n int, d time.Duration, err error) { fmt.Println("attempt", n, "in", d, err) },
		Reconnected:  func(c *client.Client, downtime time.Duration) { fmt.Println("back after", downtime) },
		Closed:       func(c *client.Client, cause error) { fmt.Println("closed:", cause) }, // nil, or ErrReconnectStopped
	}
	printConnected, printClosed := opts.Handlers.Connected, opts.Handlers.Closed
	opts.Handlers.Connected = func(c *client.Client) { printConnected(c); close(connected) }
	opts.Handlers.Closed = func(c *client.Client, cause error) { printClosed(c, cause); close(closed) }
	c, err := client.Lazy(addr, opts)
	if err != nil {
		log.Fatal(err)
	}
	select {
	case <-connected: // logged in and the schema loaded
	case <-time.After(5 * time.Second):
		log.Fatal("not connected after 5 s")
	}
	c.Close()
	<-closed // handlers run on the client's executor, after Close returns
}

// MaxInFlight bounds the requests a client has outstanding; with
// FailWhenFull a request beyond it fails at once, unsent.
func ExampleOptions_maxInFlight() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addr := exampleAddr
	opts := client.Options{User: exampleUser, Password: examplePassword}

	opts.MaxInFlight = 1 // usually hundreds or thousands
	opts.WhenFull = client.FailWhenFull
	c, err := client.Dial(ctx, addr, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	slow := c.Eval(ctx, "require('fiber').sleep(0.1)")
	_, err = c.Ping(ctx).Await(ctx) // refused: the slot is taken
	fmt.Println(errors.Is(err, client.ErrTooManyInFlight), errors.Is(err, client.ErrNotSent))
	_, err = slow.Await(ctx)
	fmt.Println("slow:", err)
}
