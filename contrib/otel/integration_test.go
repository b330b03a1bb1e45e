package txotel_test

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/contrib/internal/contribtest"
	txotel "github.com/txtarantool/txtarantool/contrib/otel"
)

func TestExamples(t *testing.T) {
	server.PointExamples(t, &exampleAddr, &exampleUser, &examplePassword)
	require.Equal(t, "call: <nil>\nCALL sum client true\ncheckout internal false\n", contribtest.CaptureStdout(t, ExampleNewTracer))
}

// TestRealClient traces requests of a client on a real server: their
// spans and measurements carry what the server did.
func TestRealClient(t *testing.T) {
	addr := server.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := newRecorder(t, sdktrace.AlwaysSample(), txotel.WithQueryText())
	c, err := client.Dial(ctx, addr, client.Options{User: contribtest.User, Password: contribtest.Password, Tracer: r.tracer})
	require.NoError(t, err)
	defer c.Close()

	parentCtx, parent := r.tp.Tracer("test").Start(ctx, "parent")
	key := 970_001
	_, err = c.Replace(parentCtx, "test", []any{key, "traced"}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Select(parentCtx, "test", "primary", []any{key}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Insert(parentCtx, "test", []any{key, "again"}).Await(ctx)
	require.Error(t, err, "duplicate key")
	_, err = c.Eval(parentCtx, "return ...", 1).Await(ctx)
	require.NoError(t, err)
	canceled, cancelNow := context.WithCancel(parentCtx)
	cancelNow()
	_, err = c.Call(canceled, "sleep", 1).Await(ctx)
	require.Error(t, err)
	_, err = c.Delete(parentCtx, "test", "primary", []any{key}).Await(ctx)
	require.NoError(t, err)
	parent.End()

	spans := r.spans.GetSpans()
	require.Len(t, spans, 7, "six requests and the parent")
	host, port := splitHostPort(t, addr)
	wantNames := []string{"REPLACE test", "SELECT test", "INSERT test", "EVAL", "CALL sleep", "DELETE test"}
	for i, s := range spans[:6] {
		require.Equal(t, wantNames[i], s.Name)
		require.Equal(t, trace.SpanKindClient, s.SpanKind)
		require.Equal(t, parent.SpanContext().SpanID(), s.Parent.SpanID(), s.Name)
		a := attrMap(s.Attributes)
		require.Equal(t, "tarantool", a["db.system.name"])
		require.Equal(t, host, a["server.address"])
		require.Equal(t, port, a["server.port"])
		require.False(t, s.EndTime.Before(s.StartTime))
	}
	require.Equal(t, codes.Unset, spans[1].Status.Code)
	dup := attrMap(spans[2].Attributes)
	require.Equal(t, codes.Error, spans[2].Status.Code)
	require.Contains(t, spans[2].Status.Description, "Duplicate key")
	require.Equal(t, strconv.Itoa(int(client.CodeTupleFound)), dup["db.response.status_code"])
	require.Equal(t, dup["db.response.status_code"], dup["error.type"])
	require.Equal(t, "return ...", attrMap(spans[3].Attributes)["db.query.text"])
	require.Equal(t, codes.Error, spans[4].Status.Code)
	require.Equal(t, "canceled", attrMap(spans[4].Attributes)["error.type"])
	require.Equal(t, "sleep", attrMap(spans[4].Attributes)["db.stored_procedure.name"])

	var total uint64
	for _, dp := range r.histogram(t).DataPoints {
		total += dp.Count
		_, ok := dp.Attributes.Value("db.query.text")
		require.False(t, ok)
	}
	require.Equal(t, uint64(6), total)
}

// splitHostPort returns the server.address and server.port a TCP address
// gives.
func splitHostPort(t *testing.T, addr string) (string, int64) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	n, err := strconv.Atoi(port)
	require.NoError(t, err)
	return host, int64(n)
}
