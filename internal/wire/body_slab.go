package wire

// Response bodies are copied out of the read buffer into slabs: one
// allocation serves many small responses. A body larger than
// maxSlabbedBody gets an allocation of its own, so a Response kept alive
// pins at most slabSize bytes of other responses' memory.
const (
	slabSize       = 16 << 10
	maxSlabbedBody = 2 << 10
)

// BodySlab hands out read-only copies of response bodies carved from
// shared slabs. Not safe for concurrent use: one per reader goroutine.
// The zero value is ready to use.
type BodySlab struct{ free []byte }

// CopyOf returns a copy of b; an empty b gives nil (no allocation). Cost:
// one allocation per slabSize bytes of small bodies, one per large body.
func (s *BodySlab) CopyOf(b []byte) []byte {
	n := len(b)
	switch {
	case n == 0:
		return nil
	case n > maxSlabbedBody:
		return append([]byte(nil), b...)
	case len(s.free) < n:
		s.free = make([]byte, slabSize)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	copy(out, b)
	return out
}

// PrivateBody reports whether body, as ReadResponse returned it, has an
// allocation of its own (it is longer than maxSlabbedBody) rather than a
// place in a shared slab: nothing but its response points into it, and
// nothing writes to it again, so a decoded string may alias it (see
// protocol.DecodeShared) and pin only the body itself.
func PrivateBody(body []byte) bool { return len(body) > maxSlabbedBody }
