package txotel

import (
	"net"
	"strconv"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"

	"github.com/txtarantool/txtarantool/transport"
)

// maxServers bounds the addresses a tracer keeps parsed: past it, a new
// address is parsed on each request rather than kept.
const maxServers = 1024

// servers maps the addresses requests name (TraceRequest.Addr) to their
// server.address and server.port attributes, parsed once per address.
type servers struct {
	mu    sync.RWMutex
	attrs map[string][]attribute.KeyValue
}

// lookup returns the server attributes of addr: server.address (the host,
// or the socket path) and, for TCP, server.port. Credentials in addr are
// dropped; an address that does not parse gives none. The first call for
// an address parses it (a few allocations) and keeps the result, for up to
// maxServers addresses; later calls take a read lock.
func (s *servers) lookup(addr string) []attribute.KeyValue {
	s.mu.RLock()
	kvs, ok := s.attrs[addr]
	s.mu.RUnlock()
	if ok {
		return kvs
	}
	kvs = serverAttributes(addr)
	s.mu.Lock()
	if s.attrs == nil {
		s.attrs = make(map[string][]attribute.KeyValue)
	}
	if len(s.attrs) < maxServers {
		s.attrs[addr] = kvs
	}
	s.mu.Unlock()
	return kvs
}

// serverAttributes parses addr as client.Dial does.
func serverAttributes(addr string) []attribute.KeyValue {
	rest, _, _, err := transport.SplitCredentials(addr)
	if err != nil {
		return nil
	}
	a, err := transport.ParseAddress(rest)
	if err != nil {
		return nil
	}
	if a.Network == transport.NetworkUnix {
		return []attribute.KeyValue{semconv.ServerAddress(a.Address)}
	}
	host, port, err := net.SplitHostPort(a.Address)
	if err != nil {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return []attribute.KeyValue{semconv.ServerAddress(host)}
	}
	return []attribute.KeyValue{semconv.ServerAddress(host), semconv.ServerPort(n)}
}
