package protocol

import "github.com/tarantool/go-iproto"

// Execute is an IPROTO_EXECUTE request: run the SQL statement SQL, or, when
// SQL is empty, the prepared statement StmtID. Args is the array of bound
// parameters: positional values, or single-entry maps {":name": value} for
// named ones (nil sends an empty array). With both SQL and StmtID empty, an
// empty SQL text is sent and the server rejects it.
type Execute struct {
	// SQL is the statement text, sent as IPROTO_SQL_TEXT. When non-empty
	// it is sent and StmtID is ignored.
	SQL string
	// StmtID is the ID of a prepared statement, sent as IPROTO_STMT_ID
	// when SQL is empty. Zero (with SQL empty) sends an empty SQL text.
	StmtID uint64
	// Args are the bound parameters, sent as IPROTO_SQL_BIND; they must
	// encode to an array, and nil sends an empty one.
	Args any
}

// Type returns iproto.IPROTO_EXECUTE.
func (Execute) Type() iproto.Type { return iproto.IPROTO_EXECUTE }

// AppendBody appends {SQL_TEXT or STMT_ID, SQL_BIND: args, OPTIONS: []}. On
// error dst is returned unchanged.
func (r Execute) AppendBody(dst []byte) ([]byte, error) {
	if uint64(len(r.SQL)) > 1<<32-1 {
		return dst, &UnsupportedTypeError{Err: errTooLong}
	}
	out := AppendMapHeader(dst, 3)
	if r.SQL != "" || r.StmtID == 0 {
		out = appendStrKV(out, iproto.IPROTO_SQL_TEXT, r.SQL)
	} else {
		out = appendUintKV(out, iproto.IPROTO_STMT_ID, r.StmtID)
	}
	out, err := appendKV(out, iproto.IPROTO_SQL_BIND, r.Args)
	if err != nil {
		return dst, err
	}
	out = AppendUint(out, uint64(iproto.IPROTO_OPTIONS))
	return append(out, 0x90), nil
}

// Prepare is an IPROTO_PREPARE request (Tarantool 2.3+): prepare SQL and
// return its statement ID and metadata. With SQL empty and StmtID non-zero
// it unprepares (forgets) statement StmtID instead.
type Prepare struct {
	// SQL is the statement text to prepare, sent as IPROTO_SQL_TEXT. When
	// non-empty, StmtID is ignored.
	SQL string
	// StmtID is the ID of the statement to unprepare, sent as
	// IPROTO_STMT_ID when SQL is empty. Zero (with SQL empty) sends an
	// empty SQL text instead.
	StmtID uint64
}

// Type returns iproto.IPROTO_PREPARE.
func (Prepare) Type() iproto.Type { return iproto.IPROTO_PREPARE }

// AppendBody appends {SQL_TEXT} or, to unprepare, {STMT_ID}. It does not
// allocate unless dst grows.
func (r Prepare) AppendBody(dst []byte) ([]byte, error) {
	if uint64(len(r.SQL)) > 1<<32-1 {
		return dst, &UnsupportedTypeError{Err: errTooLong}
	}
	out := AppendMapHeader(dst, 1)
	if r.SQL == "" && r.StmtID != 0 {
		return appendUintKV(out, iproto.IPROTO_STMT_ID, r.StmtID), nil
	}
	return appendStrKV(out, iproto.IPROTO_SQL_TEXT, r.SQL), nil
}
