package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// Chain callbacks on a response future: Then on success, Catch on failure,
// Finally on both; each returns a new future.
func ExampleClient_Select_then() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Replace(ctx, "test", []any{960_011, "bob"}).Await(ctx); err != nil {
		log.Fatal(err)
	}

	name := future.Map(c.Select(ctx, "test", nil, 960_011), func(r *client.Response) (string, error) {
		var u User
		_, err := r.First(&u)
		return u.Name, err
	}).
		Catch(func(err error) (string, error) { return "unknown", nil }). // recover
		Tap(func(s string) { fmt.Println("name:", s) }).                  // a side effect; s passes on
		Finally(func(s string, err error) (string, error) {
			fmt.Println("settled") // runs on success and on failure
			return s, err
		})
	s, err := name.Await(ctx) // blocks this goroutine only
	fmt.Println(s, err)
}

// Run requests side by side: All waits for every one, Race for the first.
// Timeout and Cancel abandon a request; its late reply is discarded.
func ExampleClient_Eval_timeout() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	all := future.All(c.Ping(ctx), c.Call(ctx, "sum", 1, 2))                    // both in flight at once
	first := future.Race(c.Eval(ctx, "require('fiber').sleep(1)"), c.Ping(ctx)) // the loser is cancelled
	late := c.Eval(ctx, "require('fiber').sleep(1)").Timeout(50 * time.Millisecond)

	responses, err := all.Await(ctx)
	fmt.Println(len(responses), err) // in argument order
	won, err := first.Await(ctx)
	fmt.Println(won.Index, err)
	_, err = late.Await(ctx)
	fmt.Println(errors.Is(err, future.ErrTimeout))

	f := c.Eval(ctx, "require('fiber').sleep(1)")
	f.Cancel()
	_, err = f.Await(ctx)
	fmt.Println(errors.Is(err, future.ErrCancelled))
}

// Awaiting with the request's own ctx: when it ends, the error is the
// request's *client.ContextError, which says whether it was sent.
func ExampleClient_Eval_sameContext() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	short, cancelShort := context.WithTimeout(ctx, time.Millisecond)
	defer cancelShort()
	_, err = c.Eval(short, "require('fiber').sleep(1)").Await(short)
	var ce *client.ContextError
	fmt.Println(errors.As(err, &ce), errors.Is(err, context.DeadlineExceeded))
	fmt.Println(errors.Is(err, client.ErrNotSent) != errors.Is(err, client.ErrOutcomeUnknown)) // sent or not: one of the two
}
