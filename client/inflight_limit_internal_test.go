package client

import (
	"context"
	"testing"
)

// BenchmarkInflightSlot measures what Options.MaxInFlight adds to a
// request, without the network: the check start makes (MaxInFlight=0) or
// taking and returning a free slot (MaxInFlight=4096).
func BenchmarkInflightSlot(b *testing.B) {
	for _, limit := range []int{0, 4096} {
		name := "MaxInFlight=0"
		if limit > 0 {
			name = "MaxInFlight=4096"
		}
		b.Run(name, func(b *testing.B) {
			c := &Client{limiter: newInflightLimiter(Options{MaxInFlight: limit}), life: context.Background()}
			cl := &call{ctx: context.Background(), client: c}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if c.limiter.slots != nil && !c.acquireSlot(cl) {
					b.Fatal("no slot")
				}
				cl.release()
			}
		})
	}
}

// TestInflightSlotAllocatesNothing: taking and returning a slot, and a
// refusal, allocate nothing.
func TestInflightSlotAllocatesNothing(t *testing.T) {
	c := &Client{limiter: newInflightLimiter(Options{MaxInFlight: 1, WhenFull: FailWhenFull}), life: context.Background()}
	cl := &call{ctx: context.Background(), client: c}
	allocs := testing.AllocsPerRun(100, func() {
		if !c.acquireSlot(cl) {
			t.Fatal("no slot")
		}
		cl.release()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per slot", allocs)
	}
	if !c.acquireSlot(cl) {
		t.Fatal("no slot")
	}
	other := new(call)
	allocs = testing.AllocsPerRun(100, func() {
		*other = call{ctx: context.Background(), client: c}
		other.promise.Init(nil)
		if c.acquireSlot(other) {
			t.Fatal("a slot beyond the limit")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per refusal", allocs)
	}
	if _, err, _ := other.promise.Future().Peek(); err != c.limiter.full {
		t.Fatalf("refused with %v", err)
	}
	cl.release()
	if len(c.limiter.slots) != 0 {
		t.Fatalf("%d slots taken after the release", len(c.limiter.slots))
	}
}
