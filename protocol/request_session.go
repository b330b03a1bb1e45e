package protocol

import (
	"math"

	"github.com/tarantool/go-iproto"
)

// Ping is an IPROTO_PING request. It has no body.
type Ping struct{}

// Type returns iproto.IPROTO_PING.
func (Ping) Type() iproto.Type { return iproto.IPROTO_PING }

// AppendBody appends nothing: a ping frame is a header only.
func (Ping) AppendBody(dst []byte) ([]byte, error) { return dst, nil }

// Auth is an IPROTO_AUTH request using chap-sha1: User and the Scramble
// computed from the greeting salt and the password (see Scramble).
type Auth struct {
	// User is the user name, sent as IPROTO_USER_NAME.
	User string
	// Scramble is the chap-sha1 scramble of the password (see Scramble),
	// sent as a string after "chap-sha1" in the IPROTO_TUPLE array.
	Scramble []byte
}

// Type returns iproto.IPROTO_AUTH.
func (Auth) Type() iproto.Type { return iproto.IPROTO_AUTH }

// AppendBody appends {USER_NAME, TUPLE: ["chap-sha1", scramble]}, the
// scramble as a string as Tarantool expects. It does not allocate unless
// dst grows.
func (r Auth) AppendBody(dst []byte) ([]byte, error) {
	if uint64(len(r.User)) > math.MaxUint32 || uint64(len(r.Scramble)) > math.MaxUint32 {
		return dst, &UnsupportedTypeError{Err: errTooLong}
	}
	out := AppendMapHeader(dst, 2)
	out = appendStrKV(out, iproto.IPROTO_USER_NAME, r.User)
	out = AppendUint(out, uint64(iproto.IPROTO_TUPLE))
	out = AppendArrayHeader(out, 2)
	out = AppendString(out, AuthChapSha1)
	out = appendStrHeader(out, uint32(len(r.Scramble)))
	return append(out, r.Scramble...), nil
}

// ID is an IPROTO_ID request (Tarantool 2.10+): announce the client's
// protocol Version and Features, and optionally the AuthType it will use.
// Older servers answer ER_UNKNOWN_REQUEST_TYPE.
type ID struct {
	// Version is the client's IPROTO protocol version, sent as
	// IPROTO_VERSION.
	Version uint64
	// Features are the protocol features the client supports, sent as an
	// array under IPROTO_FEATURES (nil sends an empty one).
	Features []iproto.Feature
	// AuthType is the authentication method the client will use, such as
	// AuthChapSha1, sent as IPROTO_AUTH_TYPE. Empty omits the key.
	AuthType string
}

// Type returns iproto.IPROTO_ID.
func (ID) Type() iproto.Type { return iproto.IPROTO_ID }

// AppendBody appends {VERSION, FEATURES: [...], [AUTH_TYPE]} (AUTH_TYPE only
// when non-empty). It does not allocate unless dst grows.
func (r ID) AppendBody(dst []byte) ([]byte, error) {
	if uint64(len(r.Features)) > math.MaxUint32 || uint64(len(r.AuthType)) > math.MaxUint32 {
		return dst, &UnsupportedTypeError{Err: errTooLong}
	}
	n := uint32(2)
	if r.AuthType != "" {
		n++
	}
	out := AppendMapHeader(dst, n)
	out = appendUintKV(out, iproto.IPROTO_VERSION, r.Version)
	out = AppendUint(out, uint64(iproto.IPROTO_FEATURES))
	out = AppendArrayHeader(out, uint32(len(r.Features)))
	for _, f := range r.Features {
		out = AppendInt(out, int64(f))
	}
	if r.AuthType != "" {
		out = appendStrKV(out, iproto.IPROTO_AUTH_TYPE, r.AuthType)
	}
	return out, nil
}

// DecodeIDBody decodes the body of a server's OK response to an ID
// request: {IPROTO_VERSION: uint, IPROTO_FEATURES: [uint...],
// IPROTO_AUTH_TYPE: str} (AUTH_TYPE since 2.11). Absent keys leave their
// field zero; unknown keys are skipped; a feature too large for
// iproto.Feature, or any other malformed input, is a *MalformedError. It
// allocates Features (and AuthType); it runs once per connection.
func DecodeIDBody(body []byte) (ID, error) {
	var id ID
	if len(body) == 0 {
		return id, nil
	}
	r := reader{buf: body}
	n, err := r.mapLen()
	if err != nil {
		return id, err
	}
	for range n {
		key, err := r.uint()
		if err != nil {
			return id, err
		}
		switch key {
		case uint64(iproto.IPROTO_VERSION):
			if id.Version, err = r.uint(); err != nil {
				return id, err
			}
		case uint64(iproto.IPROTO_FEATURES):
			if id.Features, err = r.features(); err != nil {
				return id, err
			}
		case uint64(iproto.IPROTO_AUTH_TYPE):
			if id.AuthType, err = r.str(); err != nil {
				return id, err
			}
		default:
			if err := r.skip(); err != nil {
				return id, err
			}
		}
	}
	return id, nil
}

// features reads an array of feature numbers.
func (r *reader) features() ([]iproto.Feature, error) {
	n, err := r.arrayLen()
	if err != nil {
		return nil, err
	}
	out := make([]iproto.Feature, 0, min(n, r.remaining()))
	for range n {
		at := r.off
		f, err := r.uint()
		if err != nil {
			return nil, err
		}
		if f > math.MaxInt32 {
			return nil, malformed(at, "feature number out of range")
		}
		out = append(out, iproto.Feature(f))
	}
	return out, nil
}
