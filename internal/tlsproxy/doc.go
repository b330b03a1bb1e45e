// Package tlsproxy is test support for TLS: a TLS-terminating TCP proxy
// that puts a TLS listener in front of a plain server (such as a Tarantool
// Community instance, which has no TLS of its own), and a throwaway PKI
// that generates a CA, a server certificate and a client certificate in
// memory at test time, so that no key is ever committed.
//
// [Start] runs a [Proxy] in front of a target address; [NewPKI] makes a [PKI]
// whose [PKI.ServerConfig] configures the proxy and whose [PKI.ClientConfig]
// or [PKI.Pool] configure a client's TLS
// ([github.com/txtarantool/txtarantool/client.Options] TLS field, or
// [github.com/txtarantool/txtarantool/transport.WithTLS]).
// [Proxy.DropConnections] breaks every proxied connection, as a restarted
// proxy would, for reconnection tests.
package tlsproxy
