package client

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/transport"
)

// Options configure a Client. The zero value is usable: guest user, no
// request timeout, a 5 s dial timeout, 64 MiB frames, no logging.
//
// Options print with the password redacted (String, GoString), so they can
// be logged safely; of TLS they show only whether it is on, the server
// name, whether a client certificate is set and InsecureSkipVerify.
type Options struct {
	// User and Password authenticate with chap-sha1 after the greeting.
	// An empty User (or "guest" with no password) skips authentication.
	User string
	// Password is User's password; Options print it redacted with every
	// fmt verb but %p and %w, which fmt answers (for a struct, wrongly)
	// by printing the fields without asking Format. A Client, Pool or
	// Stream keeps the password out of fmt's reach: no verb prints it.
	Password string

	// DialTimeout bounds connecting, greeting, authentication and the
	// schema load when the context given to Dial has no earlier deadline.
	// Zero means 5 s; negative means no timeout beyond the context.
	DialTimeout time.Duration

	// RequestTimeout, if positive, fails every request whose response has
	// not arrived after this long with a *ContextError matching
	// ErrRequestTimeout. It applies only when the request's own context
	// has no earlier deadline. Cost: one timer per request.
	RequestTimeout time.Duration

	// MaxFrameSize is the largest response frame accepted (and request
	// frame sent). A larger length prefix breaks the connection with a
	// protocol error instead of allocating. Zero means 64 MiB.
	MaxFrameSize int

	// DeadPeerTimeout is how long a connection may carry nothing at
	// all, neither a byte read nor 256 KiB of a large request written,
	// before the client declares the server dead: it breaks the
	// connection with a *DeadPeerError (ErrDeadPeer), failing the
	// requests in flight with a *ConnectionError, and reconnects per
	// Reconnect. After half of it without progress the client sends a
	// PING, so an idle connection and one waiting for a slow request (a
	// long call) are checked too: a healthy server answers the PING
	// meanwhile. A dead connection is detected between DeadPeerTimeout
	// and 9/8 of it after its last sign of life. Zero means 4 s; negative
	// disables the check. Cost: one timer per connection firing eight
	// times per DeadPeerTimeout, an atomic add per socket read and per
	// 256 KiB written, and on a quiet connection a PING every
	// DeadPeerTimeout/2.
	DeadPeerTimeout time.Duration

	// Logger receives connection lifecycle events (connected, schema
	// reloaded, connection lost). Nil means no logging.
	Logger *slog.Logger

	// Dialer, if set, is used instead of a dialer made from the address
	// given to Dial (e.g. a custom transport.Dialer for tests or proxies).
	Dialer transport.Dialer

	// TLS, if set, runs TLS over every connection, configured by a clone
	// of it (see transport.WithTLS); with a Dialer, TLS runs over the
	// connections the Dialer returns (transport.NewTLSDialer). An empty
	// ServerName defaults to the host of the address; a Unix socket
	// address needs ServerName set. A failed handshake fails the dial
	// with a *transport.TLSError inside a *transport.DialError. Nil means
	// plain TCP or Unix. Cost: a TLS handshake per connection and
	// encryption of every byte.
	TLS *tls.Config

	// SkipSchema disables loading spaces and indexes from _vspace/_vindex
	// on connect. Spaces and indexes must then be given by number, unless
	// the server announces IPROTO_FEATURE_SPACE_AND_INDEX_NAMES (Tarantool
	// 3.0+): then a name goes as it is (IPROTO_SPACE_NAME,
	// IPROTO_INDEX_NAME) for the server to resolve, and an unknown one
	// fails with the server's *ServerError (ER_NO_SUCH_SPACE,
	// ER_NO_SUCH_INDEX_NAME), as a number would. Otherwise a name fails,
	// not sent, with a *SchemaError saying so; while disconnected, a
	// request by name waits or fails as not connected. A schema loaded
	// with ReloadSchema takes over: ids again. Cost: none per request.
	SkipSchema bool

	// RequiredFeatures are IPROTO features the server must announce in
	// its answer to IPROTO_ID (Tarantool 2.10+; a server before 2.10
	// announces none): a connection to a server lacking one fails with a
	// *FeatureError naming the missing ones. Checked once per connection,
	// at no cost per request.
	RequiredFeatures []iproto.Feature

	// TupleFormats asks a Tarantool 3.0+ server to send the tuples of
	// every response as MP_TUPLE values with their formats
	// (IPROTO_FEATURE_DML_TUPLE_EXTENSION for select and data changes,
	// CALL_RET_TUPLE_EXTENSION for the box tuples a call or eval
	// returns), so that Response.DecodeNamed and Maps name the fields of
	// any response, without a schema too. Decode, First and Values read
	// such responses as they read any other. Cost: the server sends the
	// formats (the field names) in every response that has tuples, and
	// Decode and First copy such a response's data once to read it. A
	// server before 3.0 ignores it.
	TupleFormats bool

	// Reconnect decides when to reconnect after the connection breaks (and
	// when a lazy client retries its first connection). Nil means
	// reconnect.DefaultBackoff(): 100 ms doubling to 10 s, full jitter,
	// forever; the backoff restarts after every successful connection.
	// reconnect.Never() disables reconnecting. The loss of a connection
	// counts as the first failed attempt, so reconnect.MaxAttempts(p, n)
	// makes n-1 reconnect attempts after a loss (a lazy client's first
	// connection makes n).
	Reconnect reconnect.Policy

	// WaitForReconnect, if positive, lets up to this many requests made
	// while the client is disconnected wait for the next connection
	// instead of failing at once with ErrNotConnected; each still fails
	// (as not sent) when its context ends. Zero means fail fast.
	WaitForReconnect int

	// MaxInFlight, if positive, bounds the client's outstanding requests:
	// those issued whose futures have not settled yet, whether queued,
	// sent, waiting for a connection (WaitForReconnect) or for a schema
	// reload. A request holds its slot from just before it is queued
	// until its future settles (response, server error, cancellation,
	// context end, connection loss, Close); a resend after a schema
	// change keeps the same slot. WhenFull says what a command does when
	// every slot is taken. The client's own requests (schema loads) take
	// no slot, so a full client still reconnects. A Client has one
	// connection at a time, so this is the per-connection limit; a Pool
	// applies it to each member (up to size*MaxInFlight in all). Zero or
	// negative means no limit, at no cost; a limit costs a channel send
	// and receive per request.
	MaxInFlight int

	// WhenFull chooses between blocking and failing fast when
	// MaxInFlight requests are outstanding: BlockWhenFull (the zero
	// value) makes the command block until a slot frees, bounded by the
	// request's context (and RequestTimeout); FailWhenFull fails the
	// request at once with an *InFlightLimitError (ErrTooManyInFlight,
	// not sent). Either way the returned future of a refused request is
	// already settled and nothing was sent. With BlockWhenFull, a
	// callback that issues commands may block the client's executor (and
	// so delay other callbacks) until a slot frees.
	WhenFull FullPolicy

	// Handlers are told about connects, disconnects, reconnect attempts
	// and closing.
	Handlers Handlers

	// Tracer, if set, is told of the start and the end of every request
	// made on the caller's behalf (see Tracer; SlogTracer, Tracers and
	// the contrib/otel and contrib/prometheus adapters are ready-made).
	// If it also implements ConnTracer it is told of connection attempts
	// and disconnections. Nil costs one nil check per request; a tracer
	// costs two clock reads per request plus its own work.
	Tracer Tracer

	// OnUnobservedError, if set, receives the error of every failed
	// future of this client that nobody awaited or handled, when it is
	// garbage collected (see future.ReportUnobserved). Costless when nil.
	OnUnobservedError func(error)
}

// defaultDialTimeout applies when Options.DialTimeout is zero.
const defaultDialTimeout = 5 * time.Second

// withDefaults returns a copy of o with zero fields replaced by defaults.
func (o Options) withDefaults() Options {
	if o.DeadPeerTimeout == 0 {
		o.DeadPeerTimeout = defaultDeadPeerTimeout
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = defaultDialTimeout
	}
	if o.MaxFrameSize <= 0 {
		o.MaxFrameSize = protocol.DefaultMaxFrameSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// String formats the options with the password redacted and TLS
// summarised (never a key or a certificate).
func (o Options) String() string {
	return fmt.Sprintf("{User:%q Password:%s DialTimeout:%v RequestTimeout:%v MaxFrameSize:%d SkipSchema:%v WaitForReconnect:%d MaxInFlight:%d WhenFull:%v TLS:%s}",
		o.User, o.redactedPassword(), o.DialTimeout, o.RequestTimeout, o.MaxFrameSize, o.SkipSchema, o.WaitForReconnect, o.MaxInFlight, o.WhenFull, o.tlsString())
}

// GoString formats the options for %#v, with the password redacted.
func (o Options) GoString() string { return "client.Options" + o.String() }

// LogValue makes log/slog log the options as String does, with the
// password redacted, whatever the handler (slog.JSONHandler would
// otherwise marshal every field).
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }

// Format makes every fmt verb (%v, %+v, %#v, %s, %d, ...) print the
// options as String does, with the password redacted.
func (o Options) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, o.GoString())
		return
	}
	fmt.Fprint(f, o.String())
}

// MarshalJSON encodes the options with the password redacted and TLS
// summarised: null when off, else its ServerName, whether a client
// certificate is set, and InsecureSkipVerify.
func (o Options) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		User             string
		Password         string
		DialTimeout      time.Duration
		RequestTimeout   time.Duration
		MaxFrameSize     int
		SkipSchema       bool
		WaitForReconnect int
		MaxInFlight      int
		WhenFull         string
		TLS              *tlsSummary
	}{o.User, o.redactedPassword(), o.DialTimeout, o.RequestTimeout, o.MaxFrameSize, o.SkipSchema, o.WaitForReconnect, o.MaxInFlight, o.WhenFull.String(), o.tlsInfo()})
}

// tlsSummary is what the options show of a TLS configuration: nothing
// secret, and nothing that is long (certificates, CA pools).
type tlsSummary struct {
	ServerName         string
	ClientCert         bool
	InsecureSkipVerify bool
}

// tlsInfo summarises o.TLS, or returns nil when TLS is off.
func (o Options) tlsInfo() *tlsSummary {
	if o.TLS == nil {
		return nil
	}
	return &tlsSummary{
		ServerName:         o.TLS.ServerName,
		ClientCert:         len(o.TLS.Certificates) > 0 || o.TLS.GetClientCertificate != nil,
		InsecureSkipVerify: o.TLS.InsecureSkipVerify,
	}
}

// tlsString formats tlsInfo for String: "off", or the summary's fields.
func (o Options) tlsString() string {
	info := o.tlsInfo()
	if info == nil {
		return "off"
	}
	return fmt.Sprintf("{ServerName:%q ClientCert:%v InsecureSkipVerify:%v}", info.ServerName, info.ClientCert, info.InsecureSkipVerify)
}

// redactedPassword stands for the password wherever options are shown:
// "[redacted]" if one is set, "" if not.
func (o Options) redactedPassword() string {
	if o.Password == "" {
		return ""
	}
	return "[redacted]"
}
