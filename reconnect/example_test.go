package reconnect_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/txtarantool/txtarantool/reconnect"
)

// The exponential curve, without jitter so the output is stable.
func ExampleBackoff() {
	b := reconnect.Backoff{Initial: 100 * time.Millisecond, Max: 2 * time.Second, Multiplier: 2}
	for attempt := 1; attempt <= 7; attempt++ {
		d, _ := b.Next(attempt)
		fmt.Println(attempt, d)
	}
	// Output:
	// 1 100ms
	// 2 200ms
	// 3 400ms
	// 4 800ms
	// 5 1.6s
	// 6 2s
	// 7 2s
}

// A seeded *rand.Rand makes full jitter reproducible: every delay lies in
// [0, curve].
func ExampleDefaultBackoff() {
	b := reconnect.DefaultBackoff()
	b.Rand = rand.New(rand.NewPCG(1, 2)) // tests only; not safe for concurrent use
	curve := reconnect.Backoff{}         // same curve, no jitter
	for attempt := 1; attempt <= 10; attempt++ {
		d, _ := b.Next(attempt)
		top, _ := curve.Next(attempt)
		fmt.Println(attempt, d >= 0 && d <= top, top)
	}
	// Output:
	// 1 true 100ms
	// 2 true 200ms
	// 3 true 400ms
	// 4 true 800ms
	// 5 true 1.6s
	// 6 true 3.2s
	// 7 true 6.4s
	// 8 true 10s
	// 9 true 10s
	// 10 true 10s
}

func ExampleMaxAttempts() {
	p := reconnect.MaxAttempts(reconnect.Constant{Delay: time.Second}, 3)
	for attempt := 1; ; attempt++ {
		d, ok := p.Next(attempt)
		if !ok {
			fmt.Println("give up after attempt", attempt)
			break
		}
		fmt.Println("attempt", attempt, "failed, wait", d)
	}
	// Output:
	// attempt 1 failed, wait 1s
	// attempt 2 failed, wait 1s
	// give up after attempt 3
}

func ExampleNever() {
	_, ok := reconnect.Never().Next(1)
	fmt.Println(ok)
	// Output: false
}

// A custom schedule: a quick retry, then a slow one, then stop.
func ExamplePolicyFunc() {
	p := reconnect.PolicyFunc(func(attempt int) (time.Duration, bool) {
		switch attempt {
		case 1:
			return 0, true
		case 2:
			return 5 * time.Second, true
		}
		return 0, false
	})
	for attempt := 1; attempt <= 3; attempt++ {
		fmt.Println(p.Next(attempt))
	}
	// Output:
	// 0s true
	// 5s true
	// 0s false
}

// A client's reconnect loop: Next after each failure, Reset after each
// success. The dial results and the sleep are simulated.
func ExampleAttempts() {
	results := []error{ // outcome of each dial, in order
		errors.New("refused"), errors.New("refused"), nil, // up after 2 failures
		errors.New("refused"), errors.New("refused"), errors.New("refused"), // down for good
	}
	a := reconnect.Attempts{Policy: reconnect.MaxAttempts(reconnect.Backoff{Initial: 100 * time.Millisecond}, 3)}
	for _, err := range results {
		if err == nil {
			a.Reset()
			fmt.Println("connected")
			continue
		}
		delay, ok := a.Next()
		if !ok {
			fmt.Println("giving up after", a.Failures(), "failures:", err)
			return
		}
		fmt.Println("failed, retry in", delay) // the client sleeps here
	}
	// Output:
	// failed, retry in 100ms
	// failed, retry in 200ms
	// connected
	// failed, retry in 100ms
	// failed, retry in 200ms
	// giving up after 3 failures: refused
}
