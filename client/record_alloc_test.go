//go:build !race

package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReleaseMakesRequestsAllocationFree checks that a ping or a select
// whose response is released costs no allocation in steady state (the
// race detector adds its own, hence the build tag).
func TestReleaseMakesRequestsAllocationFree(t *testing.T) {
	c := dialShared(t)
	ctx := context.Background()
	_, err := c.Replace(ctx, "test", []any{8_200_001, "x"}).Await(ctx)
	require.NoError(t, err)
	ping := func() {
		r, err := c.Ping(ctx).Await(ctx)
		if err != nil {
			panic(err)
		}
		r.Release()
	}
	sel := func() {
		r, err := c.Select(ctx, "test", nil, 8_200_001).Await(ctx)
		if err != nil {
			panic(err)
		}
		r.Release()
	}
	for name, fn := range map[string]func(){"ping": ping, "select": sel} {
		fn()
		allocs := testing.AllocsPerRun(200, fn)
		// The select's key is an int boxed by the caller (1 allocation);
		// the body slabs cost a fraction of one.
		max := map[string]float64{"ping": 0.1, "select": 1.1}[name]
		require.LessOrEqual(t, allocs, max, name)
	}
}
