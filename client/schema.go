package client

import (
	"fmt"
	"math"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// Schema is a snapshot of the spaces and indexes visible to the client's
// user, used to resolve names to numbers. It is immutable.
type Schema struct {
	// Version is the server's schema version the snapshot was read at.
	Version uint64
	spaces  map[string]*Space
	byID    map[uint32]*Space
	// user is the user the snapshot was read as: _vspace shows only the
	// spaces it may access, which an unknown name's error says.
	user string
}

// Space describes one space of a Schema.
type Space struct {
	ID     uint32 // the space's number
	Name   string // the space's name
	Engine string // "memtx", "vinyl", ...
	// Fields is the space's format (space:format()) from _vspace, in
	// field order; nil for a space without one. Response.DecodeNamed
	// names tuple fields with it.
	Fields  []Field
	Indexes map[string]*Index // the space's indexes by name
	// IndexesByID lists the same indexes by number.
	IndexesByID map[uint32]*Index
}

// Index describes one index of a Space.
type Index struct {
	ID     uint32 // the index's number in its space (0: the primary index)
	Name   string // the index's name
	Type   string // "HASH", "TREE", ...
	Unique bool   // whether the index is unique
}

// FieldNo returns the position (0-based) of the field with that name in
// the space's format.
func (sp *Space) FieldNo(name string) (int, bool) {
	for i, f := range sp.Fields {
		if f.Name == name {
			return i, true
		}
	}
	return 0, false
}

// SpaceByName returns the space with that name.
func (s *Schema) SpaceByName(name string) (*Space, bool) {
	sp, ok := s.spaces[name]
	return sp, ok
}

// SpaceByID returns the space with that number.
func (s *Schema) SpaceByID(id uint32) (*Space, bool) {
	sp, ok := s.byID[id]
	return sp, ok
}

// Spaces returns the number of spaces in the snapshot.
func (s *Schema) Spaces() int { return len(s.byID) }

// resolveSpace turns a space given by number or name into its number. A
// number is trusted (the server checks it); a name must be in the schema.
func (s *Schema) resolveSpace(space any) (uint32, error) {
	if name, ok := space.(string); ok {
		if s != nil {
			if sp, ok := s.spaces[name]; ok {
				return sp.ID, nil
			}
		}
		return 0, s.unknownSpace(name)
	}
	id, ok := numericID(space)
	if !ok {
		return 0, &SchemaError{Space: space, Reason: fmt.Sprintf("a space is named by a string or a number in [0, 2^32), not %T", space)}
	}
	return id, nil
}

// noSchemaReason is the reason of a name given without a schema (see
// Options.SkipSchema) to a server that cannot take names.
const noSchemaReason = "no schema is loaded (Options.SkipSchema) and the server lacks " +
	"IPROTO_FEATURE_SPACE_AND_INDEX_NAMES (Tarantool 3.0+) to resolve names itself: give it by number"

// unknownSpace is the error of a space name the snapshot lacks. Since
// _vspace lists only the spaces the user may access, the space may exist
// unseen: the reason says so for any user but admin, who sees them all.
func (s *Schema) unknownSpace(name string) *SchemaError {
	if name == "" {
		return &SchemaError{Space: name, Reason: "empty space name", Code: iproto.ER_NO_SUCH_SPACE}
	}
	reason := "no such space"
	if s == nil {
		reason = noSchemaReason
	} else if s.user != "admin" {
		reason = fmt.Sprintf("no such space (or not visible to user %s)", s.user)
	}
	return &SchemaError{Space: name, Reason: reason, Code: iproto.ER_NO_SUCH_SPACE}
}

// resolveIndex turns an index given by number or name into its number;
// nil means the primary index (0).
func (s *Schema) resolveIndex(spaceID uint32, space, index any) (uint32, error) {
	switch index := index.(type) {
	case nil:
		return 0, nil
	case string:
		if s != nil {
			if sp, ok := s.byID[spaceID]; ok {
				if idx, ok := sp.Indexes[index]; ok {
					return idx.ID, nil
				}
			}
		}
		if index == "" {
			return 0, &SchemaError{Space: space, Index: index, Reason: "empty index name", Code: iproto.ER_NO_SUCH_INDEX_NAME}
		}
		reason := "no such index"
		if s == nil {
			reason = noSchemaReason
		}
		return 0, &SchemaError{Space: space, Index: index, Reason: reason, Code: iproto.ER_NO_SUCH_INDEX_NAME}
	}
	id, ok := numericID(index)
	if !ok {
		return 0, &SchemaError{Space: space, Index: index, Reason: fmt.Sprintf("an index is named by a string or a number in [0, 2^32), not %T", index)}
	}
	return id, nil
}

// numericID converts any Go integer in [0, 2^32) to uint32.
func numericID(v any) (uint32, bool) {
	var n int64
	switch v := v.(type) {
	case int:
		n = int64(v)
	case int8:
		n = int64(v)
	case int16:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	case uint:
		if uint64(v) > math.MaxUint32 {
			return 0, false
		}
		return uint32(v), true
	case uint8:
		return uint32(v), true
	case uint16:
		return uint32(v), true
	case uint32:
		return v, true
	case uint64:
		if v > math.MaxUint32 {
			return 0, false
		}
		return uint32(v), true
	default:
		return 0, false
	}
	if n < 0 || n > math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}

// bind fills in, in place, the space and index numbers of a schema-bound
// request (a pointer to a protocol request struct), so that resending it
// after a schema reload needs no new allocation. With byName (no schema,
// a server with IPROTO_FEATURE_SPACE_AND_INDEX_NAMES) a space or index
// given by a non-empty string goes in the request's SpaceName or
// IndexName for the server to resolve; otherwise the name fields are
// cleared. Cost: no allocation.
func (s *Schema) bind(req protocol.Request, space, index any, byName bool) error {
	spaceID, spaceName, err := s.spaceRef(space, byName)
	if err != nil {
		return err
	}
	switch r := req.(type) {
	case *protocol.Select:
		r.Space, r.SpaceName = spaceID, spaceName
		r.Index, r.IndexName, err = s.indexRef(spaceID, space, index, byName)
	case *protocol.Update:
		r.Space, r.SpaceName = spaceID, spaceName
		r.Index, r.IndexName, err = s.indexRef(spaceID, space, index, byName)
	case *protocol.Delete:
		r.Space, r.SpaceName = spaceID, spaceName
		r.Index, r.IndexName, err = s.indexRef(spaceID, space, index, byName)
	case *protocol.Insert:
		r.Space, r.SpaceName = spaceID, spaceName
	case *protocol.Replace:
		r.Space, r.SpaceName = spaceID, spaceName
	case *protocol.Upsert:
		r.Space, r.SpaceName = spaceID, spaceName
	default:
		err = fmt.Errorf("txtarantool: internal: %T is not a space request", req)
	}
	return err
}

// spaceRef is resolveSpace, or, with byName, a non-empty space name as
// it is (for IPROTO_SPACE_NAME).
func (s *Schema) spaceRef(space any, byName bool) (uint32, string, error) {
	if name, ok := space.(string); ok && byName && name != "" {
		return 0, name, nil
	}
	id, err := s.resolveSpace(space)
	return id, "", err
}

// indexRef is resolveIndex, or, with byName, a non-empty index name as it
// is (for IPROTO_INDEX_NAME).
func (s *Schema) indexRef(spaceID uint32, space, index any, byName bool) (uint32, string, error) {
	if name, ok := index.(string); ok && byName && name != "" {
		return 0, name, nil
	}
	id, err := s.resolveIndex(spaceID, space, index)
	return id, "", err
}
