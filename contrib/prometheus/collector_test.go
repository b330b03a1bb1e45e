package txprometheus_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	txprometheus "github.com/txtarantool/txtarantool/contrib/prometheus"
)

// fakeSource is a StatsSource returning what the test sets.
type fakeSource struct{ stats client.Stats }

func (f *fakeSource) Stats() client.Stats { return f.stats }

func TestCollectorExposesStats(t *testing.T) {
	src := &fakeSource{}
	src.stats.Requests[client.OutcomeOK] = 10
	src.stats.Requests[client.OutcomeServerError] = 2
	src.stats.Requests[client.OutcomeNotSent] = 1
	src.stats.InFlight, src.stats.QueuedBytes = 3, 512
	src.stats.Connects, src.stats.Reconnects, src.stats.Disconnects, src.stats.SchemaReloads = 4, 3, 3, 1
	c, err := txprometheus.NewCollector(src)
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(c))

	want := `
# HELP txtarantool_connects_total Connections made (authenticated, schema loaded).
# TYPE txtarantool_connects_total counter
txtarantool_connects_total 4
# HELP txtarantool_disconnects_total Connections that broke.
# TYPE txtarantool_disconnects_total counter
txtarantool_disconnects_total 3
# HELP txtarantool_in_flight Requests sent and not yet answered.
# TYPE txtarantool_in_flight gauge
txtarantool_in_flight 3
# HELP txtarantool_queued_bytes Bytes of frames queued and not yet written to the socket.
# TYPE txtarantool_queued_bytes gauge
txtarantool_queued_bytes 512
# HELP txtarantool_reconnects_total Connections made after the first.
# TYPE txtarantool_reconnects_total counter
txtarantool_reconnects_total 3
# HELP txtarantool_requests_total Requests ended (futures settled), by outcome.
# TYPE txtarantool_requests_total counter
txtarantool_requests_total{outcome="canceled"} 0
txtarantool_requests_total{outcome="invalid"} 0
txtarantool_requests_total{outcome="not_sent"} 1
txtarantool_requests_total{outcome="ok"} 10
txtarantool_requests_total{outcome="server_error"} 2
txtarantool_requests_total{outcome="unknown"} 0
# HELP txtarantool_schema_reloads_total Schema loads after the first.
# TYPE txtarantool_schema_reloads_total counter
txtarantool_schema_reloads_total 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want)))

	// Each scrape reads the source anew.
	src.stats.Requests[client.OutcomeOK] = 11
	src.stats.InFlight = 0
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP txtarantool_in_flight Requests sent and not yet answered.
# TYPE txtarantool_in_flight gauge
txtarantool_in_flight 0
`), "txtarantool_in_flight"))
	require.Equal(t, 11.0, testutil.ToFloat64(gatherOne(t, reg, "txtarantool_requests_total", "ok")))
}

// gatherOne returns the value of a requests_total series as a gauge, for
// testutil.ToFloat64.
func gatherOne(t *testing.T, reg *prometheus.Registry, name, outcome string) prometheus.Gauge {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == outcome {
				g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x"})
				g.Set(m.GetCounter().GetValue())
				return g
			}
		}
	}
	t.Fatalf("no %s{outcome=%q}", name, outcome)
	return nil
}

func TestCollectorOptions(t *testing.T) {
	a, err := txprometheus.NewCollector(&fakeSource{}, txprometheus.WithNamespace("shop_db"),
		txprometheus.WithConstLabels(prometheus.Labels{"client": "a"}))
	require.NoError(t, err)
	b, err := txprometheus.NewCollector(&fakeSource{stats: client.Stats{InFlight: 7}}, txprometheus.WithNamespace("shop_db"),
		txprometheus.WithConstLabels(prometheus.Labels{"client": "b"}))
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(a))
	require.NoError(t, reg.Register(b), "two sources with different constant labels share a registry")
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP shop_db_in_flight Requests sent and not yet answered.
# TYPE shop_db_in_flight gauge
shop_db_in_flight{client="a"} 0
shop_db_in_flight{client="b"} 7
`), "shop_db_in_flight"))

	// The same labels twice collide, as Prometheus requires.
	c, err := txprometheus.NewCollector(&fakeSource{}, txprometheus.WithNamespace("shop_db"),
		txprometheus.WithConstLabels(prometheus.Labels{"client": "a"}))
	require.NoError(t, err)
	var already prometheus.AlreadyRegisteredError
	require.ErrorAs(t, reg.Register(c), &already)
}

func TestCollectorBadInput(t *testing.T) {
	_, err := txprometheus.NewCollector(nil)
	require.ErrorIs(t, err, txprometheus.ErrNilSource)

	for _, opts := range [][]txprometheus.Option{
		{txprometheus.WithNamespace("\xff")},                              // not UTF-8
		{txprometheus.WithConstLabels(prometheus.Labels{"__x": "x"})},     // reserved
		{txprometheus.WithConstLabels(prometheus.Labels{"outcome": "x"})}, // the variable label
		{txprometheus.WithConstLabels(prometheus.Labels{"host": "\xff"})}, // not UTF-8
	} {
		_, err := txprometheus.NewCollector(&fakeSource{}, opts...)
		var cfgErr *txprometheus.ConfigError
		require.ErrorAs(t, err, &cfgErr)
		require.NotNil(t, errors.Unwrap(err))
		require.Contains(t, err.Error(), "txprometheus: invalid options: ")
	}
}
