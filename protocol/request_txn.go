package protocol

import (
	"math"

	"github.com/tarantool/go-iproto"
)

// Isolation is a transaction isolation level, sent as IPROTO_TXN_ISOLATION
// in a Begin (Tarantool 2.10+; the numbers of box.txn_isolation_level).
type Isolation uint32

// The isolation levels a Begin may ask for. IsolationDefault leaves the
// server's box.cfg.txn_isolation; IsolationLinearizable needs 2.11.
const (
	IsolationDefault       Isolation = 0
	IsolationReadCommitted Isolation = 1
	IsolationReadConfirmed Isolation = 2
	IsolationBestEffort    Isolation = 3
	IsolationLinearizable  Isolation = 4
)

// Begin is an IPROTO_BEGIN request (Tarantool 2.10+, sent with a stream
// id in the header): it starts an interactive transaction in the stream.
type Begin struct {
	// Timeout, in seconds, after which the server rolls the transaction
	// back, sent as IPROTO_TIMEOUT (a double); 0 omits it (the server's
	// box.cfg.txn_timeout).
	Timeout float64
	// Isolation is the transaction's isolation level, sent as
	// IPROTO_TXN_ISOLATION; IsolationDefault omits it.
	Isolation Isolation
	// IsSync makes the transaction synchronous (it waits for the quorum
	// of replicas, as if it wrote to a synchronous space), sent as
	// IPROTO_IS_SYNC true; false omits it (the server accepts only true).
	// Tarantool 3.2+ (IPROTO_FEATURE_IS_SYNC).
	IsSync bool
}

// Type returns iproto.IPROTO_BEGIN.
func (Begin) Type() iproto.Type { return iproto.IPROTO_BEGIN }

// AppendBody appends {TIMEOUT, TXN_ISOLATION, IS_SYNC}, each only when
// set (an empty map when none is). A negative, NaN or infinite Timeout fails
// with an *UnsupportedTypeError. It does not allocate unless dst grows.
func (r Begin) AppendBody(dst []byte) ([]byte, error) {
	if r.Timeout < 0 || math.IsNaN(r.Timeout) || math.IsInf(r.Timeout, 0) {
		return dst, &UnsupportedTypeError{Err: errBadTimeout}
	}
	var n uint32
	if r.Timeout != 0 {
		n++
	}
	if r.Isolation != IsolationDefault {
		n++
	}
	if r.IsSync {
		n++
	}
	out := AppendMapHeader(dst, n)
	if r.Timeout != 0 {
		out = AppendUint(out, uint64(iproto.IPROTO_TIMEOUT))
		out = AppendFloat64(out, r.Timeout)
	}
	if r.Isolation != IsolationDefault {
		out = appendUintKV(out, iproto.IPROTO_TXN_ISOLATION, uint64(r.Isolation))
	}
	if r.IsSync {
		out = appendIsSync(out)
	}
	return out, nil
}

// appendIsSync appends IPROTO_IS_SYNC: true.
func appendIsSync(dst []byte) []byte {
	return append(AppendUint(dst, uint64(iproto.IPROTO_IS_SYNC)), 0xc3)
}

// Commit is an IPROTO_COMMIT request (2.10+): it commits the stream's
// transaction. It has no body unless IsSync is set.
type Commit struct {
	// IsSync commits the transaction synchronously (waiting for the
	// quorum of replicas), sent as IPROTO_IS_SYNC true in a body {IS_SYNC};
	// false sends no body. Tarantool 3.2+ (IPROTO_FEATURE_IS_SYNC).
	IsSync bool
}

// Type returns iproto.IPROTO_COMMIT.
func (Commit) Type() iproto.Type { return iproto.IPROTO_COMMIT }

// AppendBody appends nothing, or {IS_SYNC: true} when IsSync is set. It
// does not allocate unless dst grows.
func (r Commit) AppendBody(dst []byte) ([]byte, error) {
	if !r.IsSync {
		return dst, nil
	}
	return appendIsSync(AppendMapHeader(dst, 1)), nil
}

// Rollback is an IPROTO_ROLLBACK request (2.10+): it rolls the stream's
// transaction back. It has no body.
type Rollback struct{}

// Type returns iproto.IPROTO_ROLLBACK.
func (Rollback) Type() iproto.Type { return iproto.IPROTO_ROLLBACK }

// AppendBody appends nothing.
func (Rollback) AppendBody(dst []byte) ([]byte, error) { return dst, nil }

// errBadTimeout is the cause of a Begin whose Timeout cannot be sent.
var errBadTimeout = &MalformedError{What: "transaction timeout is negative, NaN or infinite", Offset: -1}
