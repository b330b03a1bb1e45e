package client

import (
	"slices"
	"strconv"
	"strings"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// clientID is what the client announces in its IPROTO_ID request: only
// the features it implements: streams and interactive transactions
// (Stream) and the error extension (MP_ERROR values in call and eval
// results, decoded as *ServerError), which came with protocol version 2
// (Tarantool 2.10.0), space and index names (3.0) and is_sync (3.2); the
// server acts on the feature list, not on the version.
var clientID = protocol.ID{Version: 2, Features: []iproto.Feature{
	iproto.IPROTO_FEATURE_STREAMS, iproto.IPROTO_FEATURE_TRANSACTIONS, iproto.IPROTO_FEATURE_ERROR_EXTENSION,
	iproto.IPROTO_FEATURE_SPACE_AND_INDEX_NAMES, iproto.IPROTO_FEATURE_IS_SYNC}}

// clientIDTupleFormats is clientID with the tuple extensions
// (Options.TupleFormats): the server then sends tuples as MP_TUPLE with
// IPROTO_TUPLE_FORMATS, which Response reads.
var clientIDTupleFormats = protocol.ID{Version: clientID.Version, Features: append(slices.Clip(clientID.Features),
	iproto.IPROTO_FEATURE_DML_TUPLE_EXTENSION, iproto.IPROTO_FEATURE_CALL_RET_TUPLE_EXTENSION)}

// announced is the IPROTO_ID request of a client with these options.
func announced(opts Options) protocol.ID {
	if opts.TupleFormats {
		return clientIDTupleFormats
	}
	return clientID
}

// idMinVersion is the first Tarantool release that knows IPROTO_ID. The
// client sends ID only to servers whose greeting names this version or a
// later one: older servers would answer ER_UNKNOWN_REQUEST_TYPE, so
// asking them costs a round trip for nothing.
var idMinVersion = protocol.Version{Major: 2, Minor: 10}

// ServerInfo is what the server of a connection told the client about
// itself: its version (from the greeting) and, from Tarantool 2.10 on,
// its answer to the client's IPROTO_ID request.
type ServerInfo struct {
	// Version is the server's version, from its greeting.
	Version protocol.Version
	// ProtocolVersion is the IPROTO protocol version the server
	// announced; 0 for a server that does not know IPROTO_ID (before
	// 2.10).
	ProtocolVersion uint64
	// Features are the protocol features the server announced, in its
	// order; none before 2.10.
	Features []iproto.Feature
	// AuthType is the authentication method the server announced
	// ("chap-sha1", "pap-sha256"); empty when it announced none (before
	// 2.11), which means chap-sha1, the only one those servers have.
	AuthType string
}

// Has reports whether the server announced feature f.
func (s ServerInfo) Has(f iproto.Feature) bool { return slices.Contains(s.Features, f) }

// missing returns the features of want that s lacks, nil if none.
func (s ServerInfo) missing(want []iproto.Feature) []iproto.Feature {
	var out []iproto.Feature
	for _, f := range want {
		if !s.Has(f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// ServerInfo returns what the server of the current connection announced
// (see ServerInfo), or the zero ServerInfo when not connected. Each call
// copies the feature list (one small allocation).
func (c *Client) ServerInfo() ServerInfo {
	ln := c.link.Load()
	if ln == nil {
		return ServerInfo{}
	}
	info := ln.info
	info.Features = slices.Clone(info.Features)
	return info
}

// ServerInfo returns what the server of the pool's first connected member
// (in Members order) announced, or the zero ServerInfo when none is
// connected. The members dial the same address, so they normally agree;
// behind a proxy or after an upgrade with some members not yet
// reconnected they may not: read each of Members' ServerInfo then.
// Options.RequiredFeatures is checked per member, on each of its
// connections. Cost: one atomic load per member up to the connected one,
// and the feature list's copy.
func (p *Pool) ServerInfo() ServerInfo {
	for _, m := range p.members {
		if ln := m.link.Load(); ln != nil {
			info := ln.info
			info.Features = slices.Clone(info.Features)
			return info
		}
	}
	return ServerInfo{}
}

// FeatureError fails a Dial (or a reconnection) to a server that lacks
// some of Options.RequiredFeatures. The connection is closed; a client
// that reconnects keeps trying, so a server upgraded later is accepted.
// It also fails, before anything is sent, a request that needs a feature
// the server of the current connection lacks (a paginated Select: After,
// AfterTuple, FetchPos need IPROTO_FEATURE_PAGINATION); the connection
// stays up.
type FeatureError struct {
	// Missing are the required features the server did not announce, in
	// the order of Options.RequiredFeatures.
	Missing []iproto.Feature
	// Server is what the server announced.
	Server ServerInfo
}

// Is makes every FeatureError match ErrNotSent: a Dial it fails sent no
// request, and neither did a stream or paginated request it fails.
// SafeToRetry is still false for it: the same server refuses it again.
func (e *FeatureError) Is(target error) bool { return target == ErrNotSent }

// Error names the missing features and the server's versions. It
// allocates.
func (e *FeatureError) Error() string {
	names := make([]string, len(e.Missing))
	for i, f := range e.Missing {
		names[i] = f.String()
	}
	return "txtarantool: server lacks required features " + strings.Join(names, ", ") +
		" (Tarantool " + e.Server.Version.String() + ", protocol version " + strconv.FormatUint(e.Server.ProtocolVersion, 10) + ")"
}
