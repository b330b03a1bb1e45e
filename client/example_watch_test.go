package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// Follow a value the server publishes with box.broadcast (Tarantool
// 2.10+): the current value first, then every change, on the executor.
func ExampleClient_Watch() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	modes := make(chan string, 8)
	w, err := c.Watch("example.mode", func(ev client.Event) {
		var mode string
		_ = ev.Decode(&mode) // "" while the key has no value
		modes <- mode
	})
	var fe *client.FeatureError
	if errors.As(err, &fe) {
		fmt.Println("no watchers before Tarantool 2.10")
		return
	}
	defer w.Unwatch()
	fmt.Printf("mode %q\n", <-modes) // the current value
	if _, err := c.Eval(ctx, "box.broadcast('example.mode', 'read-only')").Await(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("mode", <-modes)
}

// Close without failing the requests still in flight: new ones are
// refused at once, those in flight get their responses, then the
// connection closes.
func ExampleClient_CloseGraceful() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}

	job := c.Eval(ctx, "require('fiber').sleep(0.05) return 'done'")
	if err := c.CloseGraceful(ctx); err != nil {
		log.Print(err) // ctx ended first: what was in flight failed
	}
	r, err := job.Await(ctx)
	values, _ := r.Values()
	fmt.Println(values, err)
	_, err = c.Ping(ctx).Await(ctx)
	fmt.Println("closed:", errors.Is(err, client.ErrClosed), "not sent:", errors.Is(err, client.ErrNotSent))
}

// TestWatchExamples runs the examples of example_watch_test.go against the
// test server. It is not parallel: it points the examples' settings at the
// server and captures os.Stdout.
func TestWatchExamples(t *testing.T) {
	srv := requireServer(t)
	admin := dialShared(t)
	saved := [3]string{exampleAddr, exampleUser, examplePassword}
	exampleAddr, exampleUser, examplePassword = srv.Addr(), testUser, testPassword
	t.Cleanup(func() { exampleAddr, exampleUser, examplePassword = saved[0], saved[1], saved[2] })

	watch := "no watchers before Tarantool 2.10\n"
	if tarantooltest.AtLeast(t, "2.10") {
		// Start from a key without a value whatever an earlier run left.
		_, err := await(t, admin.Eval(testContext(t), "box.broadcast('example.mode', nil)"))
		require.NoError(t, err)
		watch = "mode \"\"\nmode read-only\n"
	}
	require.Equal(t, watch, lcCaptureStdout(t, ExampleClient_Watch), "ExampleClient_Watch")
	require.Equal(t, "[done] <nil>\nclosed: true not sent: true\n", lcCaptureStdout(t, ExampleClient_CloseGraceful), "ExampleClient_CloseGraceful")
}
