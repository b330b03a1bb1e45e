package wire

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPendingTableMatchesMap drives a pendingTable and a map with the same
// random puts (in sync order, as a Conn makes them) and removals, keeping
// some calls pending for very long, and checks they always agree.
func TestPendingTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var table pendingTable
	model := map[uint64]*Slot{}
	var sync uint64
	var live []uint64 // pending syncs, in no particular order
	check := func(s uint64) {
		require.Same(t, model[s], table.get(s).slot, "sync %d", s)
	}
	for step := 0; step < 200_000; step++ {
		// Bursts of puts and removals, so the table grows and shrinks in use.
		if len(live) == 0 || rng.IntN(100) < 52 {
			sync++
			cl := &Slot{sync: sync}
			table.put(sync, cl, nil)
			model[sync] = cl
			live = append(live, sync)
		} else {
			// Remove mostly old requests, but leave the very first ones
			// pending: they must survive ring growth and reuse of their slot.
			i := rng.IntN(len(live))
			s := live[i]
			if s <= 3 && step < 190_000 {
				continue
			}
			live[i] = live[len(live)-1]
			live = live[:len(live)-1]
			require.Same(t, model[s], table.remove(s).slot)
			delete(model, s)
			require.Nil(t, table.remove(s).slot, "removed twice")
		}
		require.Equal(t, len(model), table.len())
		if step%1000 == 0 {
			for s := range model {
				check(s)
			}
			check(sync + 1)
			check(0)
		}
	}
	all := table.drain()
	require.Len(t, all, len(model))
	for _, p := range all {
		require.Same(t, model[p.slot.sync], p.slot)
	}
	require.Zero(t, table.len())
	require.Nil(t, table.get(1).slot)
}

// TestPendingTableSlowCallDoesNotGrowRing keeps one call pending while a
// million short ones pass: the ring must stay small (the slow call moves
// to the overflow map instead).
func TestPendingTableSlowCallDoesNotGrowRing(t *testing.T) {
	var table pendingTable
	slow := &Slot{sync: 1}
	table.put(1, slow, nil)
	for s := uint64(2); s < 1_000_000; s++ {
		cl := &Slot{sync: s}
		table.put(s, cl, nil)
		require.Same(t, cl, table.remove(s).slot)
	}
	require.Equal(t, initialPendingRing, len(table.ring))
	require.Same(t, slow, table.get(1).slot)
	require.Same(t, slow, table.remove(1).slot)
	require.Zero(t, table.len())
}
