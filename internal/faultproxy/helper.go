package faultproxy

// TB is the part of testing.TB that [New] uses; *testing.T and *testing.B
// satisfy it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New starts a Proxy in front of upstream, as [Start] does, failing tb at
// once if it cannot, and closes the proxy when the test ends.
func New(tb TB, upstream string) *Proxy {
	tb.Helper()
	p, err := Start(upstream)
	if err != nil {
		tb.Fatalf("faultproxy: %v", err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}
