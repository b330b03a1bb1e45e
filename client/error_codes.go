package client

import "github.com/tarantool/go-iproto"

// The Tarantool error codes services check most often, as ErrorCode
// values: errors.Is(err, client.CodeTupleFound) reports whether err is
// (or wraps) a *ServerError with that code, exactly as
// errors.Is(err, client.ErrorCode(iproto.ER_TUPLE_FOUND)) does. They are
// named Code… rather than Err… because they are server codes, not errors
// of this client (ErrNotSent, ErrClosed, ...): a CodeTimeout is the
// server's ER_TIMEOUT, not a request's timeout. Any other code works
// through ErrorCode(iproto.ER_…).
const (
	CodeIllegalParams       = ErrorCode(iproto.ER_ILLEGAL_PARAMS)        // a request's arguments are wrong
	CodeMemoryIssue         = ErrorCode(iproto.ER_MEMORY_ISSUE)          // the server is out of memory (memtx_memory)
	CodeTupleFound          = ErrorCode(iproto.ER_TUPLE_FOUND)           // duplicate key in a unique index
	CodeTupleNotFound       = ErrorCode(iproto.ER_TUPLE_NOT_FOUND)       // no tuple with this key
	CodeUnsupported         = ErrorCode(iproto.ER_UNSUPPORTED)           // the engine or index does not support it
	CodeReadonly            = ErrorCode(iproto.ER_READONLY)              // the instance is read-only (a replica)
	CodeFieldType           = ErrorCode(iproto.ER_FIELD_TYPE)            // a field's type does not match the format
	CodeExactMatch          = ErrorCode(iproto.ER_EXACT_MATCH)           // a unique lookup needs the full key
	CodeKeyPartCount        = ErrorCode(iproto.ER_KEY_PART_COUNT)        // the key has too many parts
	CodeProcLua             = ErrorCode(iproto.ER_PROC_LUA)              // a Lua error in a called function or eval
	CodeNoSuchProc          = ErrorCode(iproto.ER_NO_SUCH_PROC)          // Call of an unknown function
	CodeNoSuchIndex         = ErrorCode(iproto.ER_NO_SUCH_INDEX_ID)      // no index with this number
	CodeNoSuchIndexName     = ErrorCode(iproto.ER_NO_SUCH_INDEX_NAME)    // no index with this name
	CodeNoSuchSpace         = ErrorCode(iproto.ER_NO_SUCH_SPACE)         // no space with this number or name
	CodeNoSuchFieldName     = ErrorCode(iproto.ER_NO_SUCH_FIELD_NAME)    // an update names an unknown field
	CodeFieldMissing        = ErrorCode(iproto.ER_FIELD_MISSING)         // the tuple lacks a non-nullable field
	CodeAccessDenied        = ErrorCode(iproto.ER_ACCESS_DENIED)         // the user lacks a privilege
	CodeNoSuchUser          = ErrorCode(iproto.ER_NO_SUCH_USER)          // authentication for an unknown user
	CodeCredsMismatch       = ErrorCode(iproto.ER_CREDS_MISMATCH)        // wrong password (or user)
	CodeTimeout             = ErrorCode(iproto.ER_TIMEOUT)               // a server-side timeout (e.g. a lock)
	CodeTransactionConflict = ErrorCode(iproto.ER_TRANSACTION_CONFLICT)  // a concurrent transaction won (vinyl, mvcc)
	CodeLoading             = ErrorCode(iproto.ER_LOADING)               // the instance is still starting
	CodeSQLExecute          = ErrorCode(iproto.ER_SQL_EXECUTE)           // an SQL statement failed
	CodeSQLSyntax           = ErrorCode(iproto.ER_SQL_SYNTAX_NEAR_TOKEN) // SQL syntax error
)
