package fakeiproto

import (
	"fmt"
	"strconv"

	"github.com/tarantool/go-iproto"
)

// Space is a space the fake server knows by name (see ServeSpaces): its
// id, its name and its index names, the n-th of which has id n (index 0
// is the primary index).
type Space struct {
	ID      uint32
	Name    string
	Indexes []string
}

// ServeSpaces makes Serve resolve the space and index names of data
// requests (SELECT, INSERT, REPLACE, UPDATE, UPSERT, DELETE) against
// spaces, as a Tarantool 3.0+ server (IPROTO_FEATURE_SPACE_AND_INDEX_NAMES)
// does: IPROTO_SPACE_NAME, when present, names the space instead of
// IPROTO_SPACE_ID, and IPROTO_INDEX_NAME, in SELECT, UPDATE and DELETE,
// the index instead of IPROTO_INDEX_ID (of the space named either way);
// an unknown space name gets ER_NO_SUCH_SPACE ("Space '%s' does not
// exist"), an unknown index name ER_NO_SUCH_INDEX_NAME ("No index '%s' is
// defined in space '%s'"), as 3.x answers them. The resolved request is
// then served as Serve serves it by id (a SELECT on the space of
// ServeRows from its rows); an INSERT or REPLACE on one of spaces is
// answered with its tuple, as the real server answers it. Without
// ServeSpaces, Serve answers as a server before 3.0, which ignores the
// name keys: a request without IPROTO_SPACE_ID gets
// ER_MISSING_REQUEST_FIELD ("Missing mandatory field 'SPACE_ID' in
// request"). Announcing the feature in the ID answer (AnswerID) is up to
// the handler.
func (c *Conn) ServeSpaces(spaces ...Space) { c.spaces = spaces }

// Field returns the value of key in the request's body map, decoded by
// protocol.DecodeValue, and whether the body has the key.
func (r Request) Field(key iproto.Key) (any, bool) {
	fields, err := r.Fields()
	if err != nil {
		return nil, false
	}
	v, ok := fields[key]
	return v, ok
}

// isDML reports whether t is a data request that names a space.
func isDML(t iproto.Type) bool {
	switch t {
	case iproto.IPROTO_SELECT, iproto.IPROTO_INSERT, iproto.IPROTO_REPLACE,
		iproto.IPROTO_UPDATE, iproto.IPROTO_UPSERT, iproto.IPROTO_DELETE:
		return true
	}
	return false
}

// resolved is what resolve found: the space id, and the error to answer
// with (code 0: none).
type resolved struct {
	space, index uint64
	code         iproto.Error
	message      string
}

// resolve reads the space and index of a data request, by id or, with
// ServeSpaces, by name, as Tarantool's tx_resolve_space_and_index_name
// does (the name wins over the id when both are sent).
func (c *Conn) resolve(req Request) resolved {
	var r resolved
	id, hasID := req.Field(iproto.IPROTO_SPACE_ID)
	if hasID {
		r.space, _ = intOf(id)
	}
	if v, ok := req.Field(iproto.IPROTO_INDEX_ID); ok {
		r.index, _ = intOf(v)
	}
	spaceName, hasName := req.Field(iproto.IPROTO_SPACE_NAME)
	if c.spaces == nil {
		if !hasID {
			r.code, r.message = iproto.ER_MISSING_REQUEST_FIELD, "Missing mandatory field 'SPACE_ID' in request"
		}
		return r
	}
	if !hasID && !hasName {
		r.code, r.message = iproto.ER_MISSING_REQUEST_FIELD, "Missing mandatory field 'SPACE_ID' in request"
		return r
	}
	var sp *Space
	if hasName {
		name := fmt.Sprint(spaceName)
		if sp = c.spaceBy(func(s *Space) bool { return s.Name == name }); sp == nil {
			r.code, r.message = iproto.ER_NO_SUCH_SPACE, fmt.Sprintf("Space '%s' does not exist", name)
			return r
		}
		r.space = uint64(sp.ID)
	}
	indexName, hasIndexName := req.Field(iproto.IPROTO_INDEX_NAME)
	if !hasIndexName || (req.Type != iproto.IPROTO_SELECT && req.Type != iproto.IPROTO_UPDATE && req.Type != iproto.IPROTO_DELETE) {
		return r
	}
	if sp == nil {
		if sp = c.spaceBy(func(s *Space) bool { return uint64(s.ID) == r.space }); sp == nil {
			r.code, r.message = iproto.ER_NO_SUCH_SPACE, "Space '"+strconv.FormatUint(r.space, 10)+"' does not exist"
			return r
		}
	}
	name := fmt.Sprint(indexName)
	for i, n := range sp.Indexes {
		if n == name {
			r.index = uint64(i)
			return r
		}
	}
	r.code, r.message = iproto.ER_NO_SUCH_INDEX_NAME, fmt.Sprintf("No index '%s' is defined in space '%s'", name, sp.Name)
	return r
}

// spaceBy returns the first of the served spaces match accepts, nil if
// none.
func (c *Conn) spaceBy(match func(*Space) bool) *Space {
	for i := range c.spaces {
		if match(&c.spaces[i]) {
			return &c.spaces[i]
		}
	}
	return nil
}

// checkIsSync answers, and reports, a BEGIN or COMMIT whose IPROTO_IS_SYNC
// is false, which Tarantool 3.2+ refuses with ER_ILLEGAL_PARAMS ("is_sync
// can only be true").
func (c *Conn) checkIsSync(req Request) (bool, error) {
	v, ok := req.Field(iproto.IPROTO_IS_SYNC)
	if !ok || v == true {
		return false, nil
	}
	return true, c.ReplyError(req, iproto.ER_ILLEGAL_PARAMS, "is_sync can only be true")
}
