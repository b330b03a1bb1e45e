// Package tlsproxy is test support for TLS: a TLS-terminating TCP proxy
// that puts a TLS listener in front of a plain server (such as a Tarantool
// Community instance, which has no TLS of its own), and a throwaway PKI
// that generates a CA, a server certificate and a client certificate in
// memory at test time, so that no key is ever committed.
package tlsproxy
