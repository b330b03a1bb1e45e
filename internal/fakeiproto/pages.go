package fakeiproto

import (
	"fmt"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/protocol"
)

// rowSet is an in-memory space Serve answers selects on (see ServeRows).
type rowSet struct {
	space uint32
	rows  [][]any
}

// ServeRows makes Serve answer SELECT requests on space from rows, an
// ordered list (ascending by first field, an integer: the primary key),
// as a Tarantool 2.10+ server with the pagination feature answers them on
// the primary index: ITER_ALL (the key ignored), Offset, Limit, and
// IPROTO_AFTER_POSITION or IPROTO_AFTER_TUPLE (resume after the tuple
// whose first field is the position's or tuple's); with
// IPROTO_FETCH_POSITION the body gets IPROTO_POSITION, the position of
// the last tuple returned, unless the page is empty. The fake's position
// is the MessagePack array of that tuple's key, as opaque to the client
// as the real server's. Selects on other spaces get empty data.
func (c *Conn) ServeRows(space uint32, rows [][]any) { c.rowSet = &rowSet{space: space, rows: rows} }

// selectFields are the fields of a SELECT body ServeRows reads.
type selectFields struct {
	space, offset, limit uint64
	after                []byte // key array of the tuple to resume after
	fetch                bool
}

func intOf(v any) (uint64, bool) {
	switch n := v.(type) {
	case int64:
		return uint64(n), n >= 0
	case uint64:
		return n, true
	}
	return 0, false
}

// parseSelect reads the body of a SELECT request.
func parseSelect(body []byte) (selectFields, error) {
	var f selectFields
	m, err := Request{Body: body}.Fields()
	if err != nil {
		return f, err
	}
	for key, v := range m {
		switch key {
		case iproto.IPROTO_SPACE_ID:
			f.space, _ = intOf(v)
		case iproto.IPROTO_OFFSET:
			f.offset, _ = intOf(v)
		case iproto.IPROTO_LIMIT:
			f.limit, _ = intOf(v)
		case iproto.IPROTO_FETCH_POSITION:
			f.fetch, _ = v.(bool)
		case iproto.IPROTO_AFTER_POSITION:
			s, ok := v.(string)
			if !ok {
				return f, fmt.Errorf("fakeiproto: IPROTO_AFTER_POSITION is %T, not a string", v)
			}
			f.after = []byte(s)
		case iproto.IPROTO_AFTER_TUPLE:
			t, ok := v.([]any)
			if !ok || len(t) == 0 {
				return f, fmt.Errorf("fakeiproto: IPROTO_AFTER_TUPLE is %T, not a non-empty array", v)
			}
			if f.after, err = protocol.AppendValue(nil, t[:1]); err != nil {
				return f, err
			}
		}
	}
	return f, nil
}

// replySelect answers req, a SELECT on the row set.
func (c *Conn) replySelect(req Request, f selectFields) error {
	rows := c.rowSet.rows
	start := 0
	if f.after != nil {
		v, _, err := protocol.DecodeValue(f.after)
		key, ok := v.([]any)
		if err != nil || !ok || len(key) != 1 {
			return c.ReplyError(req, iproto.ER_ITERATOR_POSITION, "Iterator position is invalid")
		}
		after, _ := intOf(key[0])
		for start < len(rows) {
			if k, _ := intOf(rows[start][0]); k > after {
				break
			}
			start++
		}
	}
	start += int(min(f.offset, uint64(len(rows))))
	start = min(start, len(rows))
	end := start + int(min(f.limit, uint64(len(rows)-start)))
	page := rows[start:end]
	n := uint32(1)
	position := f.fetch && len(page) > 0
	if position {
		n++
	}
	if c.tupleExt() {
		n++
	}
	b := protocol.AppendMapHeader(nil, n)
	b = protocol.AppendUint(b, uint64(iproto.IPROTO_DATA))
	b = protocol.AppendArrayHeader(b, uint32(len(page)))
	for _, t := range page {
		var err error
		if b, err = c.appendRow(b, t); err != nil {
			return err
		}
	}
	if c.tupleExt() {
		b = c.appendFormats(b)
	}
	if position {
		pos, err := protocol.AppendValue(nil, page[len(page)-1][:1])
		if err != nil {
			return err
		}
		b = protocol.AppendUint(b, uint64(iproto.IPROTO_POSITION))
		b = protocol.AppendString(b, string(pos))
	}
	return c.Write(Frame(ResponseHeader(uint32(iproto.IPROTO_OK), req.Sync), b))
}
