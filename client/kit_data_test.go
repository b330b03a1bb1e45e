package client_test

// Test data on the server: keys and names of a test's own, spaces
// created and dropped, Lua evaluated.

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// keyCounter hands out key blocks: every call of keyBlock gets 10 000 keys
// of its own, far above the small keys other tests tend to use, so tests
// sharing a space never touch each other's tuples (also across -count
// iterations, which share one server).
var keyCounter atomic.Uint64

// keyBlock returns the first key of a block of 10 000 keys owned by the caller.
func keyBlock() uint64 {
	return 7_000_000_000 + keyCounter.Add(1)*10_000
}

// nameCounter makes space names unique within the process.
var nameCounter atomic.Uint64

// uniqueName returns a space or table name unique within the test process.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, nameCounter.Add(1))
}

// evalValues runs a Lua chunk on c and returns its results.
func evalValues(t testing.TB, c *client.Client, expr string, args ...any) []any {
	t.Helper()
	ctx := testContext(t)
	resp, err := c.Eval(ctx, expr, args...).Await(ctx)
	require.NoError(t, err, "eval %q", expr)
	values, err := resp.Values()
	require.NoError(t, err)
	return values
}

// createSpace creates a space named name with the given Lua setup (run
// with the new space as s) and drops it when the test ends. It changes the
// server's schema version, so tests calling it must not run in parallel
// with other tests: a concurrent request could be failed by two schema
// changes in a row.
func createSpace(t testing.TB, c *client.Client, name, setup string) uint32 {
	t.Helper()
	res := evalValues(t, c, `local name = ...
local s = box.schema.space.create(name)
`+setup+`
return s.id`, name)
	require.Len(t, res, 1)
	id, ok := res[0].(int64)
	require.True(t, ok, "space id is %T", res[0])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := c.Eval(ctx, `local s = box.space[...] if s then s:drop() end`, name).Await(ctx)
		if err != nil && !strings.Contains(err.Error(), "closed") {
			t.Errorf("drop space %s: %v", name, err)
		}
	})
	return uint32(id)
}

// treeSpaceSetup is the Lua setup of a space shaped like 'tree': a TREE
// primary on unsigned field 1 and a non-unique TREE index by_name_age on
// {2 string, 3 unsigned}.
const treeSpaceSetup = `s:format({{name = 'id', type = 'unsigned'}, {name = 'name', type = 'string'}, {name = 'age', type = 'unsigned'}})
s:create_index('primary', {type = 'tree', parts = {1, 'unsigned'}})
s:create_index('by_name_age', {type = 'tree', unique = false, parts = {{2, 'string'}, {3, 'unsigned'}}})`

// idNameTuple is a row of the test space: [id, name].
type idNameTuple struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
}

// deleteRange deletes the keys [from, from+n) of space test when the
// test ends.
func deleteRange(t testing.TB, c *client.Client, from, n int) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
		defer cancel()
		_, err := c.Eval(ctx, "local from, n = ... for k = from, from + n - 1 do box.space.test:delete(k) end", from, n).Await(ctx)
		if err != nil {
			t.Errorf("cleanup of keys %d..%d: %v", from, from+n-1, err)
		}
	})
}
