package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// The examples connect to a Tarantool running testdata/server.lua. They
// have no Output comment because `go test` cannot count on a server being
// there; TestExamples runs every one of them against the test server and
// checks what they print.
var (
	exampleAddr     = "127.0.0.1:3301"
	exampleUser     = "tester"
	examplePassword = os.Getenv("TT_PASSWORD")
)

// User is a tuple of space test: {id unsigned, name string}. The as_array
// tag maps the tuple's fields, in order, to the struct's fields.
type User struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
}

// Dial, insert a tuple, then select it back with a callback that runs on
// the client's callback executor once the response is in.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// Every command returns a future at once; Await waits for it.
	if _, err := c.Insert(ctx, "test", []any{930_001, "ann"}).Await(ctx); err != nil {
		log.Fatal(err)
	}
	printed := c.Select(ctx, "test", "primary", 930_001).
		Then(func(r *client.Response) (*client.Response, error) {
			var users []User
			if err := r.Decode(&users); err != nil {
				return nil, err
			}
			for _, u := range users {
				fmt.Println("selected", u.ID, u.Name)
			}
			return r, nil
		})
	if _, err := printed.Await(ctx); err != nil {
		log.Fatal(err)
	}
}

// Select and wait for the response in the calling goroutine.
func ExampleClient_Select() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Replace(ctx, "test", []any{930_002, "bob"}).Await(ctx); err != nil {
		log.Fatal(err)
	}
	r, err := c.Select(ctx, "test", "primary", 930_002).Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	tuples, err := r.Values()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tuples)
}

// ExampleResponse_Release releases each response once it is decoded, so
// that steady traffic reuses request records instead of allocating them.
func ExampleResponse_Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Replace(ctx, "test", []any{930_007, "gia"}).Await(ctx); err != nil {
		log.Fatal(err)
	}
	for range 3 {
		r, err := c.Select(ctx, "test", "primary", 930_007).Await(ctx)
		if err != nil {
			log.Fatal(err)
		}
		var u User
		found, err := r.First(&u)
		r.Release() // done with r and its future; u holds copies
		if err != nil || !found {
			log.Fatal(found, err)
		}
		fmt.Println(u.ID, u.Name)
	}
}

// Decode the tuples of a response into structs with Tuples.
func ExampleTuples() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// Both replaces are in flight at once; wait for both.
	if _, err := future.All(
		c.Replace(ctx, "test", []any{930_003, "cy"}),
		c.Replace(ctx, "test", []any{930_004, "di"}),
	).Await(ctx); err != nil {
		log.Fatal(err)
	}
	users, err := client.Tuples[User](c.Select(ctx, "test", "primary", 930_004)).Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d user: %d %s\n", len(users), users[0].ID, users[0].Name)
}

// Match errors by Tarantool error code (the common ones are client.Code…
// constants, any other is client.ErrorCode(iproto.ER_…)), and tell apart
// the requests that are safe to retry.
func ExampleErrorCode() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Replace(ctx, "test", []any{930_005, "eve"}).Await(ctx); err != nil {
		log.Fatal(err)
	}
	_, err = c.Insert(ctx, "test", []any{930_005, "eve again"}).Await(ctx)
	switch {
	case errors.Is(err, client.CodeTupleFound): // client.ErrorCode(iproto.ER_TUPLE_FOUND)
		fmt.Println("duplicate key")
	case err != nil:
		log.Fatal(err)
	}

	// A request abandoned by its context before it was sent may be
	// retried without any risk of running twice.
	cancelled, cancelNow := context.WithCancel(ctx)
	cancelNow()
	_, err = c.Insert(cancelled, "test", []any{930_006, "fay"}).Await(ctx)
	var ce *client.ContextError
	if errors.As(err, &ce) && errors.Is(err, client.ErrNotSent) {
		fmt.Println("not sent, safe to retry:", errors.Is(err, context.Canceled))
	}
}

// lcCaptureStdout runs fn with os.Stdout redirected and returns what it
// printed.
func lcCaptureStdout(t *testing.T, fn func()) string {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	var out strings.Builder
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(&out, r)
	}()
	saved := os.Stdout
	os.Stdout = w
	defer func() {
		os.Stdout = saved
		_ = w.Close()
		wg.Wait()
		_ = r.Close()
	}()
	fn()
	os.Stdout = saved
	require.NoError(t, w.Close())
	wg.Wait()
	return out.String()
}

// TestExamples runs the examples against the test server. It is not
// parallel: it points the examples' settings at the server and captures
// os.Stdout.
func TestExamples(t *testing.T) {
	srv := requireServer(t)
	admin := dialShared(t)
	deleteRange(t, admin, 930_001, 7)
	// Start from an empty key range whatever an earlier run left.
	_, err := await(t, admin.Eval(testContext(t), "for k = 930001, 930007 do box.space.test:delete(k) end"))
	require.NoError(t, err)

	saved := [3]string{exampleAddr, exampleUser, examplePassword}
	exampleAddr, exampleUser, examplePassword = srv.Addr(), testUser, testPassword
	t.Cleanup(func() { exampleAddr, exampleUser, examplePassword = saved[0], saved[1], saved[2] })

	for _, ex := range []struct {
		name string
		fn   func()
		want string
	}{
		{"Example", Example, "selected 930001 ann\n"},
		{"ExampleClient_Select", ExampleClient_Select, "[[930002 bob]]\n"},
		{"ExampleTuples", ExampleTuples, "1 user: 930004 di\n"},
		{"ExampleErrorCode", ExampleErrorCode, "duplicate key\nnot sent, safe to retry: true\n"},
		{"ExampleResponse_Release", ExampleResponse_Release, "930007 gia\n930007 gia\n930007 gia\n"},
	} {
		require.Equal(t, ex.want, lcCaptureStdout(t, ex.fn), ex.name)
	}

	// What the examples wrote is on the server; the refused insert and
	// the one never sent are not.
	r, err := await(t, admin.Eval(testContext(t), "local t = {} for k = 930001, 930007 do t[#t + 1] = box.space.test:get(k) end return t"))
	require.NoError(t, err)
	require.Equal(t, []any{[]any{
		[]any{int64(930_001), "ann"},
		[]any{int64(930_002), "bob"},
		[]any{int64(930_003), "cy"},
		[]any{int64(930_004), "di"},
		[]any{int64(930_005), "eve"},
		[]any{int64(930_007), "gia"},
	}}, responseValues(t, r))
}
