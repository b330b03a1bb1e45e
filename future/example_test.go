package future_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/txtarantool/txtarantool/future"
)

// A value flows down a chain of steps; each step returns a new future.
func ExampleFuture_Then() {
	f, p := future.New[int]()
	doubled := f.Then(func(v int) (int, error) { return v * 2, nil })
	text := future.Map(doubled, func(v int) (string, error) { return "got " + strconv.Itoa(v), nil })

	p.Resolve(21) // callbacks run here, in this goroutine

	s, err := text.Await(context.Background())
	fmt.Println(s, err)
	// Output: got 42 <nil>
}

// An error skips Then steps until a Catch, which may recover.
func ExampleFuture_Catch() {
	errNotFound := errors.New("not found")
	f := future.Rejected[string](errNotFound).
		Then(func(s string) (string, error) { return s + "!", nil }). // skipped
		Catch(func(err error) (string, error) {
			if errors.Is(err, errNotFound) {
				return "default", nil // recovered
			}
			return "", err
		})

	v, err := f.Await(context.Background())
	fmt.Println(v, err)
	// Output: default <nil>
}

// Chain waits for the future its callback returns.
func ExampleChain() {
	lookupID := func(name string) *future.Future[int] {
		return future.Go(func() (int, error) { return len(name), nil })
	}
	f := future.Chain(future.Resolved("tarantool"), lookupID)

	id, err := f.Await(context.Background())
	fmt.Println(id, err)
	// Output: 9 <nil>
}

// All gathers results in input order and fails fast with the failing index.
func ExampleAll() {
	a, b := future.Resolved(1), future.Resolved(2)
	sum := future.Map(future.All(a, b), func(vs []int) (int, error) { return vs[0] + vs[1], nil })
	fmt.Println(sum.Await(context.Background()))

	_, err := future.All(a, future.Rejected[int](errors.New("down"))).Await(context.Background())
	var fe *future.FirstError
	fmt.Println(errors.As(err, &fe), fe.Index, fe.Err)
	// Output:
	// 3 <nil>
	// true 1 down
}

// Cancelling the end of a chain runs the canceller of the request at its
// root; the producer registers the canceller with OnCancel.
func ExampleFuture_Cancel() {
	request, p := future.New[string]()
	p.OnCancel(func() { fmt.Println("request withdrawn") })
	reply := request.Then(func(s string) (string, error) { return "reply: " + s, nil })

	fmt.Println(reply.Cancel())
	_, err := reply.Await(context.Background())
	fmt.Println(errors.Is(err, future.ErrCancelled))
	fmt.Println(p.Resolve("too late"))
	// Output:
	// request withdrawn
	// true
	// true
	// false
}

// Timeout cancels a future that takes too long and fails with ErrTimeout.
func ExampleFuture_Timeout() {
	slow, p := future.New[int]()
	p.OnCancel(func() { fmt.Println("slow request cancelled") })

	_, err := slow.Timeout(10 * time.Millisecond).Await(context.Background())
	fmt.Println(errors.Is(err, future.ErrTimeout))
	// Output:
	// slow request cancelled
	// true
}

// A Serial executor runs callbacks one at a time, in order, on its own
// goroutine, like Twisted's reactor thread.
func ExampleSerial() {
	s := future.NewSerial()
	defer s.Close()

	f, p := future.NewOn[int](s)
	total := 0 // only touched on the Serial goroutine: no lock needed
	var last *future.Future[int]
	for i := 1; i <= 3; i++ {
		last = f.Then(func(v int) (int, error) { total += v * i; return total, nil })
	}
	go p.Resolve(10)

	fmt.Println(last.Await(context.Background()))
	// Output: 60 <nil>
}

// Tap runs a side effect on success and passes the value on unchanged;
// TapErr does the same for errors.
func ExampleFuture_Tap() {
	f, p := future.New[int]()
	logged := f.Tap(func(v int) { fmt.Println("got", v) }).
		TapErr(func(err error) { fmt.Println("failed:", err) }). // not run: f succeeds
		Then(func(v int) (int, error) { return v + 1, nil })

	p.Resolve(41)
	fmt.Println(logged.Await(context.Background()))
	// Output:
	// got 41
	// 42 <nil>
}

// Convert is Map for a pure conversion: an Await on its result runs it if
// the executor has not yet, so it can be awaited inside a callback running
// on that executor (a Map step there would wait for the very callback that
// awaits it).
func ExampleConvert() {
	s := future.NewSerial()
	defer s.Close()
	ctx := context.Background()
	raw, p := future.NewOn[string](s)
	outer := future.Map(future.Resolved(0).WithExecutor(s), func(int) (int, error) {
		go p.Resolve("42")
		return future.Convert(raw, strconv.Atoi).Await(ctx) // on s, awaiting a step of s
	})
	fmt.Println(outer.Await(ctx))
	// Output: 42 <nil>
}
