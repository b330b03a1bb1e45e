package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

// writeLoad is the write load of the replica-set cases: writers
// goroutines, each writing unique keys one after another through a
// cluster, every write an upsert of {key, "w", 1} adding 1 to field 3 when
// the key exists. A write applied twice (executed, then resent and
// executed again) does not fail but counts 2 on the server, in the data,
// so the count survives restarts and replicates. check verifies the
// invariants every case must keep.
type writeLoad struct {
	c   client.Conn
	ctx context.Context

	mu       sync.Mutex
	settles  map[uint64]int // Finally runs per key
	acked    []uint64
	notSent  []uint64
	unknown  []uint64
	deadPeer int // of unknown: the connection was declared dead
	other    []error
	firstNew time.Time // first ack of a write issued after mark

	next      atomic.Uint64
	issued    atomic.Int64
	markAt    atomic.Pointer[time.Time]
	afterMark atomic.Int64 // acks of writes issued after mark
	stop      atomic.Bool
	wg        sync.WaitGroup
}

// startLoad starts writers goroutines writing through c until stop.
func startLoad(ctx context.Context, c client.Conn, writers int) *writeLoad {
	l := &writeLoad{c: c, ctx: ctx, settles: map[uint64]int{}}
	for range writers {
		l.wg.Add(1)
		go l.write()
	}
	return l
}

// write is one writer's loop.
func (l *writeLoad) write() {
	defer l.wg.Done()
	for !l.stop.Load() {
		id := l.next.Add(1)
		l.issued.Add(1)
		issuedAt := time.Now()
		wctx, wcancel := context.WithTimeout(l.ctx, 20*time.Second)
		f := l.c.Upsert(wctx, "test", []any{id, "w", 1}, []client.Op{client.OpAdd(2, 1)})
		f.Finally(func(*client.Response, error) (*client.Response, error) {
			l.mu.Lock()
			l.settles[id]++
			l.mu.Unlock()
			return nil, nil
		})
		_, err := f.Await(l.ctx)
		wcancel()
		l.mu.Lock()
		switch {
		case err == nil:
			l.acked = append(l.acked, id)
			if k := l.markAt.Load(); k != nil && issuedAt.After(*k) {
				if l.firstNew.IsZero() {
					l.firstNew = time.Now()
				}
				l.afterMark.Add(1)
			}
		case errors.Is(err, client.ErrNotSent):
			l.notSent = append(l.notSent, id)
		case errors.Is(err, client.ErrOutcomeUnknown):
			l.unknown = append(l.unknown, id)
			if errors.Is(err, client.ErrDeadPeer) {
				l.deadPeer++
			}
		default:
			l.other = append(l.other, err)
		}
		l.mu.Unlock()
	}
}

// ackedCount returns the number of acknowledged writes so far.
func (l *writeLoad) ackedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// waitAcked waits until n more writes than now are acknowledged.
func (l *writeLoad) waitAcked(t *testing.T, n int, msg string) {
	t.Helper()
	mark := l.ackedCount()
	require.Eventually(t, func() bool { return l.ackedCount() >= mark+n }, 30*time.Second, time.Millisecond, msg)
}

// mark records now as the moment of the fault: afterMark counts the acks
// of writes issued later and firstNew is the first of them.
func (l *writeLoad) mark() time.Time {
	now := time.Now()
	l.markAt.Store(&now)
	return now
}

// waitAfterMark waits until n writes issued after mark are acknowledged.
func (l *writeLoad) waitAfterMark(t *testing.T, n int64, msg string) {
	t.Helper()
	require.Eventually(t, func() bool { return l.afterMark.Load() >= n }, 60*time.Second, time.Millisecond, msg)
}

// firstAfterMark returns how long after mark the first write issued
// after it was acknowledged.
func (l *writeLoad) firstAfterMark() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.firstNew.Sub(*l.markAt.Load())
}

// end stops the writers and waits for them.
func (l *writeLoad) end() {
	l.stop.Store(true)
	l.wg.Wait()
}

// String summarises the writes by how they ended.
func (l *writeLoad) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("%d issued, %d acknowledged, %d not sent, %d outcome unknown (%d dead peer), %d other",
		l.issued.Load(), len(l.acked), len(l.notSent), len(l.unknown), l.deadPeer, len(l.other))
}

// check verifies the invariants after end, on master (which has caught
// up with the others): every failure is typed; every future settled
// exactly once; every acknowledged write is on master, no not-sent one
// is, none was applied twice, and no key is there that was not written.
// If acknowledged writes are missing, catchUp (if not nil) is run once
// and the data read again: replication is asynchronous, so writes a
// killed master acknowledged may reach the new one only when the old one
// is back.
func (l *writeLoad) check(t *testing.T, ctx context.Context, master *tarantooltest.Member, catchUp func()) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	require.Empty(t, l.other, "every failure is typed: not sent or outcome unknown")
	require.Len(t, l.settles, int(l.issued.Load()), "every future settled")
	for id, n := range l.settles {
		if n != 1 {
			t.Fatalf("future of write %d settled %d times", id, n)
		}
	}
	counts := appliedCounts(t, ctx, master)
	missing := 0
	for _, id := range l.acked {
		if _, ok := counts[id]; !ok {
			missing++
		}
	}
	if missing > 0 && catchUp != nil {
		t.Logf("%d acknowledged writes had not replicated to %s; catching up", missing, master.Name())
		catchUp()
		counts = appliedCounts(t, ctx, master)
	}
	for _, id := range l.acked {
		if _, ok := counts[id]; !ok {
			t.Fatalf("acknowledged write %d is not on %s", id, master.Name())
		}
	}
	for _, id := range l.notSent {
		if _, ok := counts[id]; ok {
			t.Fatalf("not-sent write %d is on %s", id, master.Name())
		}
	}
	var applied int
	for id, n := range counts {
		if n != 1 {
			t.Fatalf("write %d applied %d times (counted on the server), not once", id, n)
		}
		if id > l.next.Load() {
			t.Fatalf("key %d is on %s but the load wrote only keys up to %d", id, master.Name(), l.next.Load())
		}
		applied++
	}
	var unknownApplied int
	for _, id := range l.unknown {
		if _, ok := counts[id]; ok {
			unknownApplied++
		}
	}
	t.Logf("on %s: %d keys, each applied once; outcome unknown: %d applied, %d not",
		master.Name(), applied, unknownApplied, len(l.unknown)-unknownApplied)
}

// appliedCounts returns, per key of space test on m, how many times the
// load applied it (field 3).
func appliedCounts(t *testing.T, ctx context.Context, m *tarantooltest.Member) map[uint64]uint64 {
	t.Helper()
	var out [][][]uint64
	require.NoError(t, m.Eval(ctx,
		"local t = {} for _, x in box.space.test:pairs() do t[#t+1] = {x[1], x[3] or 0} end return t", nil, &out))
	counts := make(map[uint64]uint64, len(out[0]))
	for _, kv := range out[0] {
		counts[kv[0]] = kv[1]
	}
	return counts
}
