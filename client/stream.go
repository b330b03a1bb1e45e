package client

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// ErrStreamLost is the cause (inside a *ConnectionError with Sent false)
// of a stream request made after the connection the stream started on
// broke: the server dropped the stream and its transaction with that
// connection, so the request is never sent on a new one.
var ErrStreamLost = errors.New("txtarantool: the stream's connection broke; its transaction is lost")

// Stream is an IPROTO stream (Tarantool 2.10+): its requests carry the
// stream's id and the server runs them one after another, in the order
// sent, and Begin, Commit and Rollback run an interactive transaction in
// it. A Stream has every command of Conn (not Close, Connected or
// WaitConnected: it closes with its client).
//
// A stream belongs to one connection, the one its first request goes on:
// once that connection breaks, every later request fails, not sent, with
// a *ConnectionError whose cause is ErrStreamLost. On a server without the
// streams feature (before 2.10) the first request fails, not sent, with a
// *FeatureError naming IPROTO_FEATURE_STREAMS. A Prepared made on a stream
// executes outside it. A Stream is safe for concurrent use, though
// requests sent concurrently run in the order they reached the
// connection.
type Stream struct {
	commands // the box commands, on the stream's client with its id

	id   uint64
	link atomic.Pointer[link] // the connection of the first request
}

// NewStream returns a new stream on the client. It sends nothing: the
// stream is created on the server by its first request. Stream ids come
// from a counter of the client (from 1), so they are unique on each of
// its connections. Cost: one allocation.
func (c *Client) NewStream() *Stream {
	s := &Stream{id: c.nextStream.Add(1)}
	s.commands = commands{client: c, stream: s}
	return s
}

// NewStream returns a new stream on one member of the pool (the live one
// with the fewest requests in flight, as a command would pick): all its
// requests go to that member. See Client.NewStream.
func (p *Pool) NewStream() *Stream { return p.pick().NewStream() }

// ID returns the stream's id, sent as IPROTO_STREAM_ID.
func (s *Stream) ID() uint64 { return s.id }

// pin ties the stream to ln, the connection a request of it is about to
// go on, at its first request; it fails, with the error the request must
// settle with, if the stream already belongs to another connection (or
// ln is nil and the stream has one) or the server lacks streams. A nil ln
// for a stream not yet tied is no error (the request waits or fails as
// not connected). Cost: an atomic load, and a compare-and-swap once.
func (s *Stream) pin(ln *link) error {
	if cur := s.link.Load(); cur != nil {
		if cur != ln {
			return s.lost()
		}
		return nil
	}
	if ln == nil {
		return nil
	}
	if !ln.info.Has(iproto.IPROTO_FEATURE_STREAMS) {
		info := ln.info
		return &FeatureError{Missing: []iproto.Feature{iproto.IPROTO_FEATURE_STREAMS}, Server: info}
	}
	if !s.link.CompareAndSwap(nil, ln) && s.link.Load() != ln {
		return s.lost()
	}
	return nil
}

func (s *Stream) lost() error {
	return &ConnectionError{Addr: s.client.addr, Sent: false, Err: ErrStreamLost}
}

// BeginOption adjusts a Begin: TxnIsolation, TxnTimeout or TxnSync.
type BeginOption func(*protocol.Begin)

// TxnIsolation sets the transaction's isolation level (default: the
// server's box.cfg.txn_isolation).
func TxnIsolation(level protocol.Isolation) BeginOption {
	return func(b *protocol.Begin) { b.Isolation = level }
}

// TxnTimeout sets the time after which the server rolls the transaction
// back (default: the server's box.cfg.txn_timeout). Not the request's
// timeout: that is the context's.
func TxnTimeout(d time.Duration) BeginOption {
	return func(b *protocol.Begin) { b.Timeout = d.Seconds() }
}

// TxnSync makes the transaction synchronous (IPROTO_IS_SYNC): its commit
// waits for the quorum of replicas (box.cfg.replication_synchro_quorum),
// as if it wrote to a synchronous space. Tarantool 3.2+
// (IPROTO_FEATURE_IS_SYNC): on an older server, which would ignore it and
// commit asynchronously, the Begin fails at once with a *FeatureError,
// not sent.
func TxnSync() BeginOption {
	return func(b *protocol.Begin) { b.IsSync = true }
}

// Begin starts an interactive transaction in the stream (IPROTO_BEGIN).
// The server's memtx engine needs box.cfg{memtx_use_mvcc_engine = true}
// for transactions that span requests. Cost: a command's, plus one
// allocation for the request.
func (s *Stream) Begin(ctx context.Context, opts ...BeginOption) *future.Future[*Response] {
	var b protocol.Begin
	for _, o := range opts {
		o(&b)
	}
	return s.target().doNeeding(ctx, b, need(b.IsSync, iproto.IPROTO_FEATURE_IS_SYNC))
}

// CommitOption adjusts a Commit: CommitSync.
type CommitOption func(*protocol.Commit)

// CommitSync commits synchronously (IPROTO_IS_SYNC): the commit waits for
// the quorum of replicas, even if the transaction was begun without
// TxnSync. Tarantool 3.2+ (IPROTO_FEATURE_IS_SYNC): on an older server the
// Commit fails at once with a *FeatureError, not sent (the transaction
// stays open: roll it back or commit without the option).
func CommitSync() CommitOption {
	return func(c *protocol.Commit) { c.IsSync = true }
}

// Commit commits the stream's transaction (IPROTO_COMMIT); Commit(ctx)
// sends no body, CommitSync asks for a synchronous commit. Cost: a
// command's (the options' slice, when given, is Go's).
func (s *Stream) Commit(ctx context.Context, opts ...CommitOption) *future.Future[*Response] {
	var r protocol.Commit
	for _, o := range opts {
		o(&r)
	}
	return s.target().doNeeding(ctx, r, need(r.IsSync, iproto.IPROTO_FEATURE_IS_SYNC))
}

// Rollback rolls the stream's transaction back (IPROTO_ROLLBACK).
func (s *Stream) Rollback(ctx context.Context) *future.Future[*Response] {
	return s.target().do(ctx, protocol.Rollback{})
}

// Tx runs fn in a transaction on a new stream: Begin, fn, then Commit if
// fn returns nil, or Rollback if it returns an error (returned, joined
// with the rollback's error if that failed too) or panics (re-panicking
// with the same value after the rollback). It blocks until the last of
// these requests is answered; the rollback is sent even if ctx has ended
// (with ctx's values, not its cancellation), so it ends with the
// connection or Options.RequestTimeout. Cost: a stream and three
// requests, awaited in turn.
func (c *Client) Tx(ctx context.Context, fn func(tx *Stream) error) error {
	return runTx(ctx, c.NewStream(), fn)
}

// Tx is Client.Tx on one member of the pool (see Pool.NewStream).
func (p *Pool) Tx(ctx context.Context, fn func(tx *Stream) error) error {
	return runTx(ctx, p.NewStream(), fn)
}

func runTx(ctx context.Context, s *Stream, fn func(tx *Stream) error) (err error) {
	if _, err := s.Begin(ctx).Await(ctx); err != nil {
		return err
	}
	done := false
	defer func() {
		if done {
			return
		}
		r := recover()
		rctx := context.WithoutCancel(ctx)
		_, rbErr := s.Rollback(rctx).Await(rctx)
		if r != nil {
			panic(r)
		}
		if rbErr != nil {
			err = errors.Join(err, rbErr)
		}
	}()
	if err = fn(s); err != nil {
		return err
	}
	done = true
	_, err = s.Commit(ctx).Await(ctx)
	return err
}
