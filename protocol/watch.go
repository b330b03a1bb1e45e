package protocol

import "github.com/tarantool/go-iproto"

// Watch is an IPROTO_WATCH request (Tarantool 2.10+, feature
// IPROTO_FEATURE_WATCHERS): it subscribes the session to Key, or, for a
// key already watched, acknowledges the last IPROTO_EVENT so that the
// server may send the next one. The server never answers it: it sends an
// IPROTO_EVENT with the request's sync id, with the key's current value,
// and then one event per change, each only after the previous one was
// acknowledged (changes made meanwhile are folded into the latest value).
type Watch struct {
	// Key is the watched key, sent as IPROTO_EVENT_KEY.
	Key string
}

// Type returns iproto.IPROTO_WATCH.
func (Watch) Type() iproto.Type { return iproto.IPROTO_WATCH }

// AppendBody appends {IPROTO_EVENT_KEY: Key}. It does not allocate when
// dst has room.
func (r Watch) AppendBody(dst []byte) ([]byte, error) { return appendEventKey(dst, r.Key), nil }

// Unwatch is an IPROTO_UNWATCH request: it ends the session's
// subscription to Key. The server never answers it.
type Unwatch struct {
	// Key is the key no longer watched, sent as IPROTO_EVENT_KEY.
	Key string
}

// Type returns iproto.IPROTO_UNWATCH.
func (Unwatch) Type() iproto.Type { return iproto.IPROTO_UNWATCH }

// AppendBody appends {IPROTO_EVENT_KEY: Key}.
func (r Unwatch) AppendBody(dst []byte) ([]byte, error) { return appendEventKey(dst, r.Key), nil }

// WatchOnce is an IPROTO_WATCH_ONCE request (Tarantool 3.0+, feature
// IPROTO_FEATURE_WATCH_ONCE): it asks for the current value of Key
// without subscribing. The server answers like a select: IPROTO_DATA is
// an array holding the value, or an empty array when the key has none.
type WatchOnce struct {
	// Key is the key read, sent as IPROTO_EVENT_KEY.
	Key string
}

// Type returns iproto.IPROTO_WATCH_ONCE.
func (WatchOnce) Type() iproto.Type { return iproto.IPROTO_WATCH_ONCE }

// AppendBody appends {IPROTO_EVENT_KEY: Key}.
func (r WatchOnce) AppendBody(dst []byte) ([]byte, error) { return appendEventKey(dst, r.Key), nil }

// appendEventKey appends the body {IPROTO_EVENT_KEY: key}.
func appendEventKey(dst []byte, key string) []byte {
	dst = AppendMapHeader(dst, 1)
	dst = AppendUint(dst, uint64(iproto.IPROTO_EVENT_KEY))
	return AppendString(dst, key)
}

// EventBody is the body of an IPROTO_EVENT packet, which the server sends
// with the sync id of the IPROTO_WATCH it answers and no schema version.
type EventBody struct {
	// Key is IPROTO_EVENT_KEY, a sub-slice of the body.
	Key []byte
	// Data is the raw msgpack of IPROTO_EVENT_DATA, a sub-slice of the
	// body; nil when the key has no value (the server then leaves the
	// field out).
	Data []byte
}

// DecodeEventBody decodes an IPROTO_EVENT body. A body without
// IPROTO_EVENT_KEY, values of the wrong type and truncated input yield a
// *MalformedError; unknown keys are skipped. It does not allocate on
// success.
func DecodeEventBody(body []byte) (EventBody, error) {
	var ev EventBody
	r := reader{buf: body}
	n, err := r.mapLen()
	if err != nil {
		return ev, err
	}
	haveKey := false
	for i := 0; i < n; i++ {
		k, err := r.uint()
		if err != nil {
			return EventBody{}, err
		}
		switch keyOf(k) {
		case iproto.IPROTO_EVENT_KEY:
			ev.Key, err = r.strBytes()
			haveKey = err == nil
		case iproto.IPROTO_EVENT_DATA:
			ev.Data, err = r.rawValue()
		default:
			err = r.skip()
		}
		if err != nil {
			return EventBody{}, err
		}
	}
	if !haveKey {
		return EventBody{}, malformed(-1, "event body has no IPROTO_EVENT_KEY")
	}
	return ev, nil
}
