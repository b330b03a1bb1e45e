package client

import (
	"context"
	"errors"

	"github.com/txtarantool/txtarantool/protocol"
)

// Pager pages through the tuples a select matches, pageSize at a time,
// each page resuming after the position the server returned for the one
// before (Tarantool 2.10+ pagination: FetchPos and After). Make one with
// Pages; it is not safe for concurrent use.
//
//	for p := client.Pages(ctx, c, "items", "primary", nil, 100, client.Iterator(iproto.ITER_ALL)); p.Next(); {
//		... p.Page() ...
//	}
type Pager struct {
	ctx               context.Context
	conn              Conn
	space, index, key any
	size              uint32
	opts              []SelectOption
	pos               []byte
	page              *Response
	err               error
	done              bool
}

// errZeroPageSize is the error (inside an *ArgumentError) of a Pager
// made with a pageSize of 0.
var errZeroPageSize = errors.New("page size 0: no page would ever hold a tuple")

// pagerAfter is the option that resumes each page after the position of
// the one before.
type pagerAfter struct{ p *Pager }

func (o pagerAfter) applySelect(s *protocol.Select) {
	if o.p.pos != nil {
		s.After, s.AfterTuple = o.p.pos, nil
	}
}

// Pages returns a Pager over the tuples of space whose index matches key
// (as Select; opts may add Iterator, and After or AfterTuple to start
// after a known place; Limit is replaced by pageSize). Each Next makes one
// select of at most pageSize tuples with ctx and waits for it. A pageSize
// of 0 is an *ArgumentError from the first Next. On a server without the
// pagination feature the first Next fails with a *FeatureError, nothing
// sent. Cost: one select (one round trip) per page, plus one more when the
// last page is full; the Pager and its options slice are allocated once.
func Pages(ctx context.Context, c Conn, space, index, key any, pageSize uint32, opts ...SelectOption) *Pager {
	p := &Pager{ctx: ctx, conn: c, space: space, index: index, key: key, size: pageSize}
	p.opts = make([]SelectOption, 0, len(opts)+3)
	p.opts = append(append(p.opts, opts...), Limit(pageSize), FetchPos(), pagerAfter{p})
	return p
}

// Next fetches the next page and reports whether there is one: false at
// the end (an empty page, or after a page shorter than pageSize or without
// a position) and on the first error, which Err then returns. It blocks
// until the page arrives or ctx ends (ctx's error, as Await gives it).
func (p *Pager) Next() bool {
	p.page = nil
	if p.done || p.err != nil {
		return false
	}
	if p.size == 0 {
		p.err = &ArgumentError{Arg: "pageSize", Err: errZeroPageSize}
		return false
	}
	resp, err := p.conn.Select(p.ctx, p.space, p.index, p.key, p.opts...).Await(p.ctx)
	if err != nil {
		p.err = err
		return false
	}
	data, err := resp.Data()
	if err == nil && data == nil {
		err = &protocol.MalformedError{What: "select response without IPROTO_DATA", Offset: -1}
	}
	var n int
	if err == nil {
		n, _, err = protocol.DecodeArrayHeader(data)
	}
	if err != nil {
		p.err = err
		return false
	}
	if n == 0 {
		p.done = true
		return false
	}
	pos, ok := resp.Position()
	if !ok || uint32(n) < p.size {
		p.done = true
	}
	p.pos = pos
	p.page = resp
	return true
}

// Page returns the page the last Next fetched (its data, an array of at
// most pageSize tuples, decodes as a Select's), nil once Next returned
// false.
func (p *Pager) Page() *Response { return p.page }

// Err returns the error that ended the paging, nil if it ended at the last
// page (or has not ended).
func (p *Pager) Err() error { return p.err }
