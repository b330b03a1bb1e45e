package protocol

import "github.com/tarantool/go-iproto"

// appendKV appends an unsigned key and then v, or an empty array when v is
// nil. On error it returns dst unchanged.
func appendKV(dst []byte, key iproto.Key, v any) ([]byte, error) {
	out := AppendUint(dst, uint64(key))
	if v == nil {
		return append(out, 0x90), nil
	}
	out, err := appendValue(out, v, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// appendUintKV appends an unsigned key and an unsigned value.
func appendUintKV(dst []byte, key iproto.Key, v uint64) []byte {
	return AppendUint(AppendUint(dst, uint64(key)), v)
}

// appendSpaceKV appends the space of a request: IPROTO_SPACE_NAME when
// name is set, IPROTO_SPACE_ID otherwise.
func appendSpaceKV(dst []byte, id uint32, name string) []byte {
	if name != "" {
		return appendStrKV(dst, iproto.IPROTO_SPACE_NAME, name)
	}
	return appendUintKV(dst, iproto.IPROTO_SPACE_ID, uint64(id))
}

// appendIndexKV appends the index of a request: IPROTO_INDEX_NAME when
// name is set, IPROTO_INDEX_ID otherwise.
func appendIndexKV(dst []byte, id uint32, name string) []byte {
	if name != "" {
		return appendStrKV(dst, iproto.IPROTO_INDEX_NAME, name)
	}
	return appendUintKV(dst, iproto.IPROTO_INDEX_ID, uint64(id))
}

// appendStrKV appends an unsigned key and a string value.
func appendStrKV(dst []byte, key iproto.Key, s string) []byte {
	return AppendString(AppendUint(dst, uint64(key)), s)
}

// Select is an IPROTO_SELECT request: tuples of Space whose Index key
// matches Key according to Iterator, skipping Offset and returning at most
// Limit tuples. Key is the index key: a slice, array, as_array struct or
// RawMsgpack (sent as it is), a single scalar (sent as a one-part key), or
// nil, the empty key (all tuples, with ITER_ALL or ITER_EQ on an empty key). All fields are always
// sent, so Limit 0 returns nothing: use math.MaxUint32 for "no limit".
type Select struct {
	// Space and Index are the numeric space and index IDs, sent as
	// IPROTO_SPACE_ID and IPROTO_INDEX_ID. Index 0 is the primary index.
	Space, Index uint32
	// SpaceName and IndexName, when not empty, are sent instead of Space
	// and Index as IPROTO_SPACE_NAME and IPROTO_INDEX_NAME (MP_STR), for
	// the server to resolve: Tarantool 3.0+ only
	// (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES); an older server ignores them
	// and fails the request for its missing IPROTO_SPACE_ID. Either may be
	// set alone.
	SpaceName, IndexName string
	// Iterator is the comparison applied to Key, sent as IPROTO_ITERATOR.
	// The zero value is iproto.ITER_EQ.
	Iterator iproto.Iterator
	// Offset is the number of matching tuples to skip and Limit the most
	// to return, sent as IPROTO_OFFSET and IPROTO_LIMIT. Both are always
	// sent: Limit 0 returns no tuples.
	Offset, Limit uint32
	// Key is the index key, sent as IPROTO_KEY: a slice, array, as_array
	// struct or RawMsgpack as it is, a scalar as a one-part key, nil as
	// the empty key.
	Key any
	// After, when not nil, resumes the select after a position the server
	// returned for an earlier page (Body.Position), sent as
	// IPROTO_AFTER_POSITION (an MP_STR of the opaque bytes). AfterTuple,
	// when not nil, resumes after that tuple instead (sent as
	// IPROTO_AFTER_TUPLE, an array like Insert's tuple). Setting both is
	// ErrAfterBoth. Tarantool 2.10+ (the pagination feature) only: older
	// servers ignore these keys and return the first page again.
	After      []byte
	AfterTuple any
	// FetchPosition asks the server for the position of the last tuple
	// returned (IPROTO_FETCH_POSITION), which comes back as Body.Position.
	// Tarantool 2.10+ only.
	FetchPosition bool
}

// Paginated reports whether s uses a Tarantool 2.10+ pagination field
// (After, AfterTuple or FetchPosition).
func (s Select) Paginated() bool { return s.After != nil || s.AfterTuple != nil || s.FetchPosition }

// Type returns iproto.IPROTO_SELECT.
func (Select) Type() iproto.Type { return iproto.IPROTO_SELECT }

// AppendBody appends {SPACE_ID, INDEX_ID, ITERATOR, OFFSET, LIMIT, KEY}
// (SPACE_NAME, INDEX_NAME for names set),
// then AFTER_POSITION or AFTER_TUPLE and FETCH_POSITION when set. It does
// not allocate for keys (and after tuples) AppendValue encodes without
// reflection. On error dst is returned unchanged.
func (s Select) AppendBody(dst []byte) ([]byte, error) {
	n := uint32(6)
	if s.After != nil && s.AfterTuple != nil {
		return dst, ErrAfterBoth
	}
	if s.After != nil || s.AfterTuple != nil {
		n++
	}
	if s.FetchPosition {
		n++
	}
	out := AppendMapHeader(dst, n)
	out = appendSpaceKV(out, s.Space, s.SpaceName)
	out = appendIndexKV(out, s.Index, s.IndexName)
	out = appendUintKV(out, iproto.IPROTO_ITERATOR, uint64(s.Iterator))
	out = appendUintKV(out, iproto.IPROTO_OFFSET, uint64(s.Offset))
	out = appendUintKV(out, iproto.IPROTO_LIMIT, uint64(s.Limit))
	out, err := appendKeyKV(out, s.Key)
	if err != nil {
		return dst, err
	}
	switch {
	case s.After != nil:
		out = AppendUint(out, uint64(iproto.IPROTO_AFTER_POSITION))
		out = append(appendStrHeader(out, uint32(len(s.After))), s.After...)
	case s.AfterTuple != nil:
		if out, err = appendTuple(AppendUint(out, uint64(iproto.IPROTO_AFTER_TUPLE)), s.AfterTuple, 0); err != nil {
			return dst, err
		}
	}
	if s.FetchPosition {
		out = append(AppendUint(out, uint64(iproto.IPROTO_FETCH_POSITION)), 0xc3)
	}
	return out, nil
}

// Insert is an IPROTO_INSERT request: add Tuple to Space, failing with
// ER_TUPLE_FOUND if the primary key exists. Tuple must encode to an array:
// nil yields ErrNilTuple and anything else *NotArrayError, before anything
// is written.
type Insert struct {
	// Space is the numeric space ID, sent as IPROTO_SPACE_ID.
	Space uint32
	// SpaceName, when not empty, is sent instead of Space as
	// IPROTO_SPACE_NAME (MP_STR), for the server to resolve: Tarantool
	// 3.0+ only (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES).
	SpaceName string
	// Tuple is the tuple to insert, sent as IPROTO_TUPLE; it must encode
	// to an array, and nil sends an empty one.
	Tuple any
}

// Type returns iproto.IPROTO_INSERT.
func (Insert) Type() iproto.Type { return iproto.IPROTO_INSERT }

// AppendBody appends {SPACE_ID or SPACE_NAME, TUPLE}. It does not allocate for tuples
// AppendValue encodes without reflection. On error dst is returned
// unchanged.
func (r Insert) AppendBody(dst []byte) ([]byte, error) {
	return appendSpaceTuple(dst, r.Space, r.SpaceName, r.Tuple)
}

// Replace is an IPROTO_REPLACE request: insert Tuple into Space or replace
// the tuple with the same primary key. Tuple must encode to an array, as
// Insert's.
type Replace struct {
	// Space is the numeric space ID, sent as IPROTO_SPACE_ID.
	Space uint32
	// SpaceName, when not empty, is sent instead of Space as
	// IPROTO_SPACE_NAME (MP_STR), for the server to resolve: Tarantool
	// 3.0+ only (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES).
	SpaceName string
	// Tuple is the tuple to insert or replace with, sent as IPROTO_TUPLE;
	// it must encode to an array, and nil sends an empty one.
	Tuple any
}

// Type returns iproto.IPROTO_REPLACE.
func (Replace) Type() iproto.Type { return iproto.IPROTO_REPLACE }

// AppendBody appends {SPACE_ID or SPACE_NAME, TUPLE}. It does not allocate for tuples
// AppendValue encodes without reflection. On error dst is returned
// unchanged.
func (r Replace) AppendBody(dst []byte) ([]byte, error) {
	return appendSpaceTuple(dst, r.Space, r.SpaceName, r.Tuple)
}

func appendSpaceTuple(dst []byte, space uint32, name string, tuple any) ([]byte, error) {
	out := AppendMapHeader(dst, 2)
	out = appendSpaceKV(out, space, name)
	out, err := appendTupleKV(out, tuple)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// Update is an IPROTO_UPDATE request: apply Ops to the tuple of Space whose
// Index key equals Key (a whole key, or a scalar for a one-part key, as in
// Select).
type Update struct {
	// Space and Index are the numeric space and index IDs, sent as
	// IPROTO_SPACE_ID and IPROTO_INDEX_ID. Index 0 is the primary index.
	Space, Index uint32
	// SpaceName and IndexName, when not empty, are sent instead of Space
	// and Index as IPROTO_SPACE_NAME and IPROTO_INDEX_NAME (MP_STR), for
	// the server to resolve: Tarantool 3.0+ only
	// (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES); an older server ignores them
	// and fails the request for its missing IPROTO_SPACE_ID. Either may be
	// set alone.
	SpaceName, IndexName string
	// Key is the key of the tuple to update, sent as IPROTO_KEY: a whole
	// key, or a scalar for a one-part key. A nil Key is rejected with
	// ErrNilKey.
	Key any
	// Ops are the update operations, applied in order and sent as an
	// array under IPROTO_TUPLE. A nil Ops sends an empty array.
	Ops []Op
}

// Type returns iproto.IPROTO_UPDATE.
func (Update) Type() iproto.Type { return iproto.IPROTO_UPDATE }

// AppendBody appends {SPACE_ID, INDEX_ID, KEY, TUPLE: ops} (SPACE_NAME,
// INDEX_NAME for names set). A nil Key
// yields ErrNilKey and invalid operations *InvalidOpError, before anything
// is written. It does not allocate for keys and operands AppendValue
// encodes without reflection. On error dst is returned unchanged.
func (r Update) AppendBody(dst []byte) ([]byte, error) {
	if r.Key == nil {
		return dst, ErrNilKey
	}
	if err := checkOps(r.Ops); err != nil {
		return dst, err
	}
	out := AppendMapHeader(dst, 4)
	out = appendSpaceKV(out, r.Space, r.SpaceName)
	out = appendIndexKV(out, r.Index, r.IndexName)
	out, err := appendKeyKV(out, r.Key)
	if err != nil {
		return dst, err
	}
	out = AppendUint(out, uint64(iproto.IPROTO_TUPLE))
	if out, err = appendOps(out, r.Ops); err != nil {
		return dst, err
	}
	return out, nil
}

// Upsert is an IPROTO_UPSERT request: insert Tuple into Space, or, if a
// tuple with the same primary key exists, apply Ops to it instead. Tuple
// must encode to an array, as Insert's.
type Upsert struct {
	// Space is the numeric space ID, sent as IPROTO_SPACE_ID.
	Space uint32
	// SpaceName, when not empty, is sent instead of Space as
	// IPROTO_SPACE_NAME (MP_STR), for the server to resolve: Tarantool
	// 3.0+ only (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES).
	SpaceName string
	// Tuple is the tuple inserted when no tuple has its primary key, sent
	// as IPROTO_TUPLE; it must encode to an array, and nil sends an empty
	// one.
	Tuple any
	// Ops are the update operations applied to the existing tuple, sent
	// as an array under IPROTO_OPS. A nil Ops sends an empty array.
	Ops []Op
}

// Type returns iproto.IPROTO_UPSERT.
func (Upsert) Type() iproto.Type { return iproto.IPROTO_UPSERT }

// AppendBody appends {SPACE_ID or SPACE_NAME, TUPLE, OPS}. Invalid operations yield
// *InvalidOpError before anything is written. On error dst is returned
// unchanged.
func (r Upsert) AppendBody(dst []byte) ([]byte, error) {
	if err := checkOps(r.Ops); err != nil {
		return dst, err
	}
	out := AppendMapHeader(dst, 3)
	out = appendSpaceKV(out, r.Space, r.SpaceName)
	out, err := appendTupleKV(out, r.Tuple)
	if err != nil {
		return dst, err
	}
	out = AppendUint(out, uint64(iproto.IPROTO_OPS))
	if out, err = appendOps(out, r.Ops); err != nil {
		return dst, err
	}
	return out, nil
}

// Delete is an IPROTO_DELETE request: remove the tuple of Space whose Index
// key equals Key (a whole key, or a scalar for a one-part key, as in
// Select).
type Delete struct {
	// Space and Index are the numeric space and index IDs, sent as
	// IPROTO_SPACE_ID and IPROTO_INDEX_ID. Index 0 is the primary index.
	Space, Index uint32
	// SpaceName and IndexName, when not empty, are sent instead of Space
	// and Index as IPROTO_SPACE_NAME and IPROTO_INDEX_NAME (MP_STR), for
	// the server to resolve: Tarantool 3.0+ only
	// (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES); an older server ignores them
	// and fails the request for its missing IPROTO_SPACE_ID. Either may be
	// set alone.
	SpaceName, IndexName string
	// Key is the key of the tuple to delete, sent as IPROTO_KEY: a whole
	// key, or a scalar for a one-part key. A nil Key is rejected with
	// ErrNilKey.
	Key any
}

// Type returns iproto.IPROTO_DELETE.
func (Delete) Type() iproto.Type { return iproto.IPROTO_DELETE }

// AppendBody appends {SPACE_ID, INDEX_ID, KEY} (SPACE_NAME, INDEX_NAME
// for names set). A nil Key yields
// ErrNilKey. On error dst is returned unchanged.
func (r Delete) AppendBody(dst []byte) ([]byte, error) {
	if r.Key == nil {
		return dst, ErrNilKey
	}
	out := AppendMapHeader(dst, 3)
	out = appendSpaceKV(out, r.Space, r.SpaceName)
	out = appendIndexKV(out, r.Index, r.IndexName)
	out, err := appendKeyKV(out, r.Key)
	if err != nil {
		return dst, err
	}
	return out, nil
}
