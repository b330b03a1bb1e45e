//go:build !race

package cluster_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// TestReadAllocsAsClient checks that a routed read (Select, Ping) costs
// no allocation beyond the instance's own client's: the usual read takes
// the instance at once and makes no closure. Against a real server (a
// fake one in this process would add its own allocations to the count);
// the race detector adds allocations, so this runs without it.
func TestReadAllocsAsClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inst := tarantooltest.Start(t, tarantooltest.Options{})
	opts := cluster.Options{
		Client:       client.Options{User: tarantooltest.User, Password: tarantooltest.Password},
		PollInterval: time.Hour, // no discovery polls while counting
	}
	c, err := cluster.Dial(ctx, []cluster.Instance{{Name: "i1", Addr: inst.Addr()}}, opts)
	require.NoError(t, err)
	defer c.Close()
	cl, err := c.On("i1")
	require.NoError(t, err)
	limit := []client.SelectOption{client.Limit(1)}
	count := func(conn client.Conn) (sel, ping float64) {
		sel = testing.AllocsPerRun(200, func() {
			r, err := conn.Select(ctx, "test", 0, 1, limit...).Await(ctx)
			if err != nil {
				panic(err)
			}
			r.Release()
		})
		ping = testing.AllocsPerRun(200, func() {
			r, err := conn.Ping(ctx).Await(ctx)
			if err != nil {
				panic(err)
			}
			r.Release()
		})
		return sel, ping
	}
	cs, cp := count(c)
	ks, kp := count(cl)
	t.Logf("select: cluster %.2f, client %.2f; ping: cluster %.2f, client %.2f", cs, ks, cp, kp)
	require.Equal(t, ks, cs, "select")
	require.Equal(t, kp, cp, "ping")
}
