package wire

// pendingTable maps the sync ids of a connection's requests awaiting a
// response to their entries. Sync ids are handed out in sequence, so a ring
// indexed by the id's low bits holds them without hashing; the ring
// doubles when half full. A request still pending when a newer one needs
// its slot (a long call among many short ones) moves to a small overflow
// map, so one slow request never makes the ring grow. Not safe for
// concurrent use: Conn.mu guards it.
type pendingTable struct {
	ring     []pending // len is a power of two; ring[sync&(len-1)]
	n        int       // requests in ring and overflow
	overflow map[uint64]pending
}

// pending is one request in the table: its Slot and the Request it is
// embedded in, kept here so that the record pays nothing for the link back.
// The zero value (slot nil) is an empty place.
type pending struct {
	slot *Slot
	req  Request
}

// initialPendingRing is the ring's first size.
const initialPendingRing = 256

// put registers cl (the slot of r) under sync (cl.sync must equal sync).
// Cost: amortised O(1); an allocation only when the ring grows or a
// request overflows.
func (t *pendingTable) put(sync uint64, cl *Slot, r Request) {
	if t.ring == nil {
		t.ring = make([]pending, initialPendingRing)
	}
	if 2*(t.n+1) > len(t.ring) {
		t.grow()
	}
	slot := &t.ring[sync&uint64(len(t.ring)-1)]
	if old := *slot; old.slot != nil {
		if t.overflow == nil {
			t.overflow = make(map[uint64]pending)
		}
		t.overflow[old.slot.sync] = old
	}
	*slot = pending{cl, r}
	t.n++
}

// grow doubles the ring, moving every request to its new slot (or to the
// overflow map if two now share one).
func (t *pendingTable) grow() {
	old := t.ring
	t.ring = make([]pending, 2*len(old))
	mask := uint64(len(t.ring) - 1)
	for _, p := range old {
		if p.slot == nil {
			continue
		}
		slot := &t.ring[p.slot.sync&mask]
		if slot.slot != nil {
			if t.overflow == nil {
				t.overflow = make(map[uint64]pending)
			}
			t.overflow[p.slot.sync] = p
			continue
		}
		*slot = p
	}
}

// get returns the request registered under sync, or the zero pending.
func (t *pendingTable) get(sync uint64) pending {
	if len(t.ring) == 0 {
		return pending{}
	}
	if p := t.ring[sync&uint64(len(t.ring)-1)]; p.slot != nil && p.slot.sync == sync {
		return p
	}
	if len(t.overflow) > 0 {
		return t.overflow[sync]
	}
	return pending{}
}

// remove unregisters the request under sync and returns it, or the zero
// pending.
func (t *pendingTable) remove(sync uint64) pending {
	if len(t.ring) == 0 {
		return pending{}
	}
	slot := &t.ring[sync&uint64(len(t.ring)-1)]
	if p := *slot; p.slot != nil && p.slot.sync == sync {
		*slot = pending{}
		t.n--
		return p
	}
	if p, ok := t.overflow[sync]; ok {
		delete(t.overflow, sync)
		t.n--
		return p
	}
	return pending{}
}

// len returns the number of registered requests.
func (t *pendingTable) len() int { return t.n }

// drain removes and returns every registered request.
func (t *pendingTable) drain() []pending {
	all := make([]pending, 0, t.n)
	for _, p := range t.ring {
		if p.slot != nil {
			all = append(all, p)
		}
	}
	for _, p := range t.overflow {
		all = append(all, p)
	}
	*t = pendingTable{}
	return all
}
