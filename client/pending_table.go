package client

// pendingTable maps the sync ids of a connection's requests awaiting a
// response to their calls. Sync ids are handed out in sequence, so a ring
// indexed by the id's low bits holds them without hashing; the ring
// doubles when half full. A request still pending when a newer one needs
// its slot (a long call among many short ones) moves to a small overflow
// map, so one slow request never makes the ring grow. Not safe for
// concurrent use: link.mu guards it.
type pendingTable struct {
	ring     []*call // len is a power of two; ring[sync&(len-1)]
	n        int     // calls in ring and overflow
	overflow map[uint64]*call
}

// initialPendingRing is the ring's first size.
const initialPendingRing = 256

// put registers cl under sync (cl.sync must equal sync). Cost: amortised
// O(1); an allocation only when the ring grows or a call overflows.
func (t *pendingTable) put(sync uint64, cl *call) {
	if t.ring == nil {
		t.ring = make([]*call, initialPendingRing)
	}
	if 2*(t.n+1) > len(t.ring) {
		t.grow()
	}
	slot := &t.ring[sync&uint64(len(t.ring)-1)]
	if old := *slot; old != nil {
		if t.overflow == nil {
			t.overflow = make(map[uint64]*call)
		}
		t.overflow[old.sync] = old
	}
	*slot = cl
	t.n++
}

// grow doubles the ring, moving every call to its new slot (or to the
// overflow map if two now share one).
func (t *pendingTable) grow() {
	old := t.ring
	t.ring = make([]*call, 2*len(old))
	mask := uint64(len(t.ring) - 1)
	for _, cl := range old {
		if cl == nil {
			continue
		}
		slot := &t.ring[cl.sync&mask]
		if *slot != nil {
			if t.overflow == nil {
				t.overflow = make(map[uint64]*call)
			}
			t.overflow[cl.sync] = cl
			continue
		}
		*slot = cl
	}
}

// get returns the call registered under sync, or nil.
func (t *pendingTable) get(sync uint64) *call {
	if len(t.ring) == 0 {
		return nil
	}
	if cl := t.ring[sync&uint64(len(t.ring)-1)]; cl != nil && cl.sync == sync {
		return cl
	}
	if len(t.overflow) > 0 {
		return t.overflow[sync]
	}
	return nil
}

// remove unregisters the call under sync and returns it, or nil.
func (t *pendingTable) remove(sync uint64) *call {
	if len(t.ring) == 0 {
		return nil
	}
	slot := &t.ring[sync&uint64(len(t.ring)-1)]
	if cl := *slot; cl != nil && cl.sync == sync {
		*slot = nil
		t.n--
		return cl
	}
	if cl, ok := t.overflow[sync]; ok {
		delete(t.overflow, sync)
		t.n--
		return cl
	}
	return nil
}

// len returns the number of registered calls.
func (t *pendingTable) len() int { return t.n }

// drain removes and returns every registered call.
func (t *pendingTable) drain() []*call {
	all := make([]*call, 0, t.n)
	for _, cl := range t.ring {
		if cl != nil {
			all = append(all, cl)
		}
	}
	for _, cl := range t.overflow {
		all = append(all, cl)
	}
	*t = pendingTable{}
	return all
}
