package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// ReloadSchema reads _vspace and _vindex again, installs the new snapshot
// and returns it. It blocks until the load is done or ctx ends (the load
// itself goes on for the other waiters). Concurrent reloads share one
// load. The client reloads by itself when the server reports a schema
// change or a request names an unknown space or index, so calling this is
// rarely needed. A nil ctx fails at once with an *ArgumentError
// (ErrNilContext), starting no load.
func (c *Client) ReloadSchema(ctx context.Context) (*Schema, error) {
	if ctx == nil {
		return nil, nilContextError()
	}
	return c.reloadSchema().Await(ctx)
}

// reloadSchema starts a schema load, or joins the one in progress. The
// load is bounded by Options.DialTimeout, not by any caller's context,
// because its result is shared.
func (c *Client) reloadSchema() *future.Future[*Schema] {
	c.reloadMu.Lock()
	if r := c.reload; r != nil {
		c.reloadMu.Unlock()
		return r
	}
	// Not on the client's executor: requests waiting for this load (an
	// unknown name, a stale schema version) must not wait for user
	// callbacks or a blocked handler. The callbacks run on the goroutine
	// that settles the load (a connection's reader) and never block.
	f, p := future.New[*Schema]()
	c.reload = f
	c.reloadMu.Unlock()

	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if c.opts.DialTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, c.opts.DialTimeout)
	}
	c.loadSchema(ctx, 0).Finally(func(s *Schema, err error) (*Schema, error) {
		cancel()
		var first *future.FirstError
		if errors.As(err, &first) {
			err = first.Err // one of the two selects' own error
		}
		if err == nil {
			c.counters.schemaLoads.Add(1)
			c.schema.Store(s)
			c.log.Debug("txtarantool: schema loaded", "version", s.Version, "spaces", s.Spaces())
		}
		c.reloadMu.Lock()
		c.reload = nil
		c.reloadMu.Unlock()
		p.Complete(s, err)
		return s, err
	})
	return f
}

// maxSchemaAttempts bounds how often a schema load is repeated when the
// schema changes between reading _vspace and _vindex.
const maxSchemaAttempts = 5

// loadSchema reads both system views; if their schema versions differ (a
// change happened in between) it reads them again.
func (c *Client) loadSchema(ctx context.Context, attempt int) *future.Future[*Schema] {
	spaces := c.doInternal(ctx, schemaQueries[0])
	indexes := c.doInternal(ctx, schemaQueries[1])
	return future.Chain(future.All(spaces, indexes), func(rs []*Response) *future.Future[*Schema] {
		v0, v1 := rs[0].SchemaVersion(), rs[1].SchemaVersion()
		if v0 != v1 {
			if attempt+1 >= maxSchemaAttempts {
				return future.Rejected[*Schema](fmt.Errorf("txtarantool: schema kept changing while loading (versions %d, %d)", v0, v1))
			}
			return c.loadSchema(ctx, attempt+1)
		}
		s, err := buildSchema(v0, rs[0], rs[1])
		if err != nil {
			return future.Rejected[*Schema](err)
		}
		s.user = c.opts.User
		if s.user == "" {
			s.user = "guest"
		}
		return future.Resolved(s)
	})
}

// retryAfterSchemaReload resends a call that failed with
// ER_WRONG_SCHEMA_VERSION once the schema is reloaded. Called on the
// reader goroutine; it only chains work, never blocks.
func (c *Client) retryAfterSchemaReload(cl *call) {
	c.reloadSchema().Finally(func(s *Schema, err error) (*Schema, error) {
		if err != nil {
			cl.finish(nil, fmt.Errorf("txtarantool: reloading schema after a schema change: %w", err))
			return s, err
		}
		c.submit(cl)
		return s, nil
	})
}

// isUnknownName reports whether err is a *SchemaError about a name the
// snapshot lacks. (A separate function keeps errors.As's target off the
// heap on the hot path.)
func isUnknownName(err error) bool {
	var serr *SchemaError
	return errors.As(err, &serr) && serr.unknownName()
}

// unknownName reports whether the schema error is about a name the
// snapshot lacks, which a reload may find, rather than an identifier of a
// type that cannot name anything (no reload can help that one).
func (e *SchemaError) unknownName() bool {
	if e.Index != nil {
		name, ok := e.Index.(string)
		return ok && name != ""
	}
	name, ok := e.Space.(string)
	return ok && name != ""
}

// System views the schema is loaded from. They show only the spaces and
// indexes the user may access.
const (
	vspaceSpaceID = 281 // _vspace: [id, owner, name, engine, field_count, flags, format]
	vindexSpaceID = 289 // _vindex: [space_id, index_id, name, type, opts, parts]
)

// schemaQueries are the two selects that read a schema snapshot.
var schemaQueries = [2]protocol.Select{
	{Space: vspaceSpaceID, Iterator: iproto.ITER_ALL, Limit: math.MaxUint32},
	{Space: vindexSpaceID, Iterator: iproto.ITER_ALL, Limit: math.MaxUint32},
}

// formatFields reads a space format as _vspace holds it (decoded by
// protocol.DecodeValue): an array of maps with "name", "type" and
// "is_nullable". A format that is not of that shape gives nil: it only
// makes DecodeNamed unavailable for the space, never the schema load fail.
func formatFields(v any) []Field {
	entries, ok := v.([]any)
	if !ok || len(entries) == 0 {
		return nil
	}
	fields := make([]Field, len(entries))
	for i, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			return nil
		}
		fields[i].Name, _ = m["name"].(string)
		fields[i].Type, _ = m["type"].(string)
		fields[i].IsNullable, _ = m["is_nullable"].(bool)
	}
	return fields
}

// buildSchema assembles a snapshot from the _vspace and _vindex responses.
// Read are _vspace [id, owner, name, engine, _, _, format]
// and _vindex [space_id, index_id, name, type, opts, ...].
func buildSchema(version uint64, spaces, indexes *Response) (*Schema, error) {
	spaceRows, err := spaces.Values()
	if err != nil {
		return nil, fmt.Errorf("txtarantool: decoding _vspace: %w", err)
	}
	indexRows, err := indexes.Values()
	if err != nil {
		return nil, fmt.Errorf("txtarantool: decoding _vindex: %w", err)
	}
	s := &Schema{
		Version: version,
		spaces:  make(map[string]*Space, len(spaceRows)),
		byID:    make(map[uint32]*Space, len(spaceRows)),
	}
	for _, row := range spaceRows {
		t, ok := row.([]any)
		if !ok || len(t) < 4 {
			return nil, fmt.Errorf("txtarantool: malformed _vspace tuple %v", row)
		}
		id, okID := numericID(t[0])
		name, okName := t[2].(string)
		engine, _ := t[3].(string)
		if !okID || !okName {
			return nil, fmt.Errorf("txtarantool: malformed _vspace tuple %v", row)
		}
		sp := &Space{ID: id, Name: name, Engine: engine,
			Indexes: map[string]*Index{}, IndexesByID: map[uint32]*Index{}}
		if len(t) > 6 {
			sp.Fields = formatFields(t[6])
		}
		s.spaces[name] = sp
		s.byID[id] = sp
	}
	for _, row := range indexRows {
		t, ok := row.([]any)
		if !ok || len(t) < 4 {
			return nil, fmt.Errorf("txtarantool: malformed _vindex tuple %v", row)
		}
		spaceID, okSpace := numericID(t[0])
		indexID, okIndex := numericID(t[1])
		name, okName := t[2].(string)
		typ, _ := t[3].(string)
		// Tarantool keeps the type as it was spelled at creation ("tree"
		// from Lua, "TREE" from SQL) and matches it case-insensitively.
		typ = strings.ToUpper(typ)
		if !okSpace || !okIndex || !okName {
			return nil, fmt.Errorf("txtarantool: malformed _vindex tuple %v", row)
		}
		sp, ok := s.byID[spaceID]
		if !ok {
			continue
		}
		unique := true
		if len(t) > 4 {
			if opts, ok := t[4].(map[string]any); ok {
				if u, ok := opts["unique"].(bool); ok {
					unique = u
				}
			}
		}
		idx := &Index{ID: indexID, Name: name, Type: typ, Unique: unique}
		sp.Indexes[name] = idx
		sp.IndexesByID[indexID] = idx
	}
	return s, nil
}
