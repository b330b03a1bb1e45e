package txprometheus_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/contrib/internal/contribtest"
	txprometheus "github.com/txtarantool/txtarantool/contrib/prometheus"
)

func TestExamples(t *testing.T) {
	server.PointExamples(t, &exampleAddr, &exampleUser, &examplePassword)
	require.Equal(t, "call: <nil>\n"+
		"txtarantool_connects_total 1\n"+
		`txtarantool_request_duration_seconds_count{kind="call",outcome="ok"} 1`+"\n"+
		`txtarantool_requests_total{outcome="ok"} 1`+"\n",
		contribtest.CaptureStdout(t, ExampleNewCollector))
}

// TestScrapeRealClient scrapes, over HTTP, the metrics of a client that
// made requests on a real server: the counters and the histogram agree
// with what the server answered.
func TestScrapeRealClient(t *testing.T) {
	addr := server.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	labels := txprometheus.WithConstLabels(prometheus.Labels{"db": "main"})
	durations, err := txprometheus.NewTracer(labels)
	require.NoError(t, err)
	c, err := client.Dial(ctx, addr, client.Options{User: contribtest.User, Password: contribtest.Password, Tracer: durations})
	require.NoError(t, err)
	defer c.Close()
	counters, err := txprometheus.NewCollector(c, labels)
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(counters))
	require.NoError(t, reg.Register(durations))

	key := 970_101
	_, err = c.Replace(ctx, "test", []any{key, "scraped"}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Insert(ctx, "test", []any{key, "again"}).Await(ctx)
	require.ErrorIs(t, err, client.CodeTupleFound)
	_, err = c.Select(ctx, "test", "primary", []any{key}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Select(ctx, "no_such_space", "primary", []any{key}).Await(ctx)
	require.Error(t, err)
	_, err = c.Delete(ctx, "test", "primary", []any{key}).Await(ctx)
	require.NoError(t, err)

	hs := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	defer hs.Close()
	resp, err := http.Get(hs.URL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	text := string(body)
	for _, line := range []string{
		`txtarantool_requests_total{db="main",outcome="ok"} 3`,
		`txtarantool_requests_total{db="main",outcome="server_error"} 1`,
		`txtarantool_requests_total{db="main",outcome="invalid"} 1`,
		`txtarantool_requests_total{db="main",outcome="not_sent"} 0`,
		`txtarantool_connects_total{db="main"} 1`,
		`txtarantool_reconnects_total{db="main"} 0`,
		`txtarantool_disconnects_total{db="main"} 0`,
		`txtarantool_in_flight{db="main"} 0`,
		`txtarantool_request_duration_seconds_count{db="main",kind="replace",outcome="ok"} 1`,
		`txtarantool_request_duration_seconds_count{db="main",kind="insert",outcome="server_error"} 1`,
		`txtarantool_request_duration_seconds_count{db="main",kind="select",outcome="ok"} 1`,
		`txtarantool_request_duration_seconds_count{db="main",kind="select",outcome="invalid"} 1`,
		`txtarantool_request_duration_seconds_count{db="main",kind="delete",outcome="ok"} 1`,
	} {
		require.Contains(t, text, line+"\n")
	}
}
