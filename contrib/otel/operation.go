package txotel

import (
	"strconv"
	"strings"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// operationName is the db.operation.name of a request kind: its IPROTO
// name without the prefix ("SELECT", "CALL_16"). It does not allocate for
// the kinds go-iproto names; another kind gives "Type(N)".
func operationName(kind iproto.Type) string {
	return strings.TrimPrefix(kind.String(), "IPROTO_")
}

// collectionName is the db.collection.name of req: the space's name, or its
// number when the schema did not name it, "" for a request on no space.
// A number costs one small allocation.
func collectionName(req *client.TraceRequest) string {
	if req.Space != "" || req.SpaceID == 0 {
		return req.Space
	}
	return strconv.FormatUint(uint64(req.SpaceID), 10)
}

// spanName is "{operation} {target}", the target being the space or the
// function, or the operation alone. It allocates the joined string.
func spanName(op, collection, function string) string {
	switch {
	case collection != "":
		return op + " " + collection
	case function != "":
		return op + " " + function
	}
	return op
}

// errorType is the error.type of a request that ended with end, and its
// db.response.status_code ("" unless the server answered with an error).
// A server error code above 99 costs one small allocation.
func errorType(end client.TraceEnd) (errType, statusCode string) {
	if end.Outcome == client.OutcomeServerError {
		code := strconv.FormatUint(uint64(end.Code), 10)
		return code, code
	}
	return end.Outcome.String(), ""
}
