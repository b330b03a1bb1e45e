package tarantooltest_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// A server for a test of one's own: a Lua snippet makes its schema; the
// client writes, the server is killed and restarted on the same address
// with its data, and the client reconnects by itself. In a test, use
// tarantooltest.Start(t, opts), which also skips without tarantool and
// stops the server when the test ends.
func ExampleStartProcess() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := tarantooltest.StartProcess(ctx, tarantooltest.Options{Lua: `
		box.schema.space.create('users', {if_not_exists = true})
		box.space.users:create_index('pk', {if_not_exists = true})`})
	if err != nil {
		log.Fatal(err) // errors.Is(err, tarantooltest.ErrUnavailable) without tarantool
	}
	defer inst.Stop()

	c, err := client.Dial(ctx, inst.Addr(), client.Options{
		User: tarantooltest.User, Password: tarantooltest.Password,
		Reconnect: reconnect.Constant{Delay: 50 * time.Millisecond},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Replace(ctx, "users", []any{1, "ann"}).Await(ctx)
	fmt.Println("replace:", err)

	_ = inst.Kill() // kill -9
	_, err = c.Ping(ctx).Await(ctx)
	fmt.Println("while down, the ping fails:", err != nil)
	if err := inst.Restart(ctx); err != nil {
		log.Fatal(err)
	}
	if err := c.WaitConnected(ctx); err != nil {
		log.Fatal(err)
	}
	var users [][]any
	r, err := c.Select(ctx, "users", nil, 1).Await(ctx)
	if err == nil {
		err = r.Decode(&users)
	}
	fmt.Println("after the restart:", users, err)
}

// TestExampleStartProcess runs ExampleStartProcess when tarantool is
// installed and checks what it prints.
func TestExampleStartProcess(t *testing.T) {
	tarantooltest.SkipUnavailable(t)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	func() {
		defer func() { os.Stdout = stdout }()
		ExampleStartProcess()
	}()
	require.NoError(t, w.Close())
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	require.Equal(t, "replace: <nil>\nwhile down, the ping fails: true\nafter the restart: [[1 ann]] <nil>\n", string(out))
}
