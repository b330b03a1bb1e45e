package fake

import (
	"errors"
	"fmt"

	"github.com/txtarantool/txtarantool/client"
)

// System views the client loads its schema from.
const (
	vspaceID = 281
	vindexID = 289
)

// firstSpaceID is the id given to the first space declared without one,
// as Tarantool gives user spaces ids from 512.
const firstSpaceID = 512

// ErrBadSpace is wrapped by New's error for a space without a name, or
// two spaces with one name or id.
var ErrBadSpace = errors.New("fake: bad space")

// Space is one space of the fake's schema.
type Space struct {
	// Name is the space's name; it must be unique and not empty.
	Name string
	// ID is the space's number; 0 gives it the next free id from 512.
	ID uint32
	// Format is the space's format (names and types of its fields), for
	// client.Named and Response.DecodeNamed; it may be empty.
	Format []client.Field
	// Indexes are the names of the space's indexes, by index id (0 first);
	// empty means one index, "primary". Every index is a unique TREE.
	Indexes []string
}

// indexes returns the names of the space's indexes by id.
func (s *Space) indexes() []string {
	if len(s.Indexes) == 0 {
		return []string{"primary"}
	}
	return s.Indexes
}

// assignIDs copies spaces, giving ids to those without one, and checks
// names and ids are unique.
func assignIDs(in []Space) ([]Space, error) {
	out := append([]Space(nil), in...)
	names, ids := map[string]bool{}, map[uint32]bool{}
	for _, s := range out {
		if s.ID != 0 {
			ids[s.ID] = true
		}
	}
	next := uint32(firstSpaceID)
	for i := range out {
		s := &out[i]
		if s.Name == "" {
			return nil, fmt.Errorf("%w: space %d has no name", ErrBadSpace, i)
		}
		if names[s.Name] {
			return nil, fmt.Errorf("%w: two spaces named %q", ErrBadSpace, s.Name)
		}
		names[s.Name] = true
		if s.ID == 0 {
			for ids[next] {
				next++
			}
			s.ID = next
			ids[next] = true
			continue
		}
		for j := range i {
			if out[j].ID == s.ID {
				return nil, fmt.Errorf("%w: spaces %q and %q both have id %d", ErrBadSpace, out[j].Name, s.Name, s.ID)
			}
		}
	}
	return out, nil
}

// vspace returns the _vspace tuples of the schema:
// [id, owner, name, engine, field_count, flags, format].
func (s *Server) vspace() []any {
	rows := make([]any, 0, len(s.spaces))
	for _, sp := range s.spaces {
		format := make([]any, len(sp.Format))
		for i, f := range sp.Format {
			m := map[string]any{"name": f.Name, "type": f.Type}
			if f.IsNullable {
				m["is_nullable"] = true
			}
			format[i] = m
		}
		rows = append(rows, []any{sp.ID, 1, sp.Name, "memtx", 0, map[string]any{}, format})
	}
	return rows
}

// vindex returns the _vindex tuples of the schema:
// [space_id, index_id, name, type, opts, parts].
func (s *Server) vindex() []any {
	var rows []any
	for _, sp := range s.spaces {
		for id, name := range sp.indexes() {
			parts := []any{map[string]any{"field": id, "type": "scalar"}}
			rows = append(rows, []any{sp.ID, id, name, "tree", map[string]any{"unique": true}, parts})
		}
	}
	return rows
}
