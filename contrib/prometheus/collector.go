package txprometheus

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/txtarantool/txtarantool/client"
)

// StatsSource is what a Collector reads: *client.Client and *client.Pool
// satisfy it, and so may anything else with a Stats method.
type StatsSource interface {
	// Stats returns a snapshot of the source's counters.
	Stats() client.Stats
}

// Collector is a prometheus.Collector of a StatsSource's counters (see the
// package doc for the metrics). Register it once per source; it reads the
// source only when scraped.
type Collector struct {
	src                                              StatsSource
	requests, inFlight, queuedBytes                  *prometheus.Desc
	connects, reconnects, disconnects, schemaReloads *prometheus.Desc
	outcomeLabels                                    [client.NumOutcomes]string
}

// NewCollector returns a Collector of src's Stats. It fails with
// ErrNilSource for a nil src and with a *ConfigError for a namespace or
// constant label Prometheus refuses. Cost: eight metric descriptions.
func NewCollector(src StatsSource, opts ...Option) (*Collector, error) {
	if src == nil {
		return nil, ErrNilSource
	}
	cfg := newConfig(opts)
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(cfg.namespace, "", name), help, labels, cfg.constLabels)
	}
	c := &Collector{
		src:           src,
		requests:      desc("requests_total", "Requests ended (futures settled), by outcome.", "outcome"),
		inFlight:      desc("in_flight", "Requests sent and not yet answered."),
		queuedBytes:   desc("queued_bytes", "Bytes of frames queued and not yet written to the socket."),
		connects:      desc("connects_total", "Connections made (authenticated, schema loaded)."),
		reconnects:    desc("reconnects_total", "Connections made after the first."),
		disconnects:   desc("disconnects_total", "Connections that broke."),
		schemaReloads: desc("schema_reloads_total", "Schema loads after the first."),
	}
	for o := range c.outcomeLabels {
		c.outcomeLabels[o] = client.Outcome(o).String()
	}
	if err := validate(c); err != nil {
		return nil, err
	}
	return c, nil
}

// Describe sends the descriptions of the collector's metrics.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.requests, c.inFlight, c.queuedBytes, c.connects, c.reconnects, c.disconnects, c.schemaReloads} {
		ch <- d
	}
}

// Collect reads the source's Stats once and sends its metrics: a counter
// per outcome (zeros included), the gauges and the connection counters.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Stats()
	for o, n := range s.Requests {
		ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(n), c.outcomeLabels[o])
	}
	ch <- prometheus.MustNewConstMetric(c.inFlight, prometheus.GaugeValue, float64(s.InFlight))
	ch <- prometheus.MustNewConstMetric(c.queuedBytes, prometheus.GaugeValue, float64(s.QueuedBytes))
	ch <- prometheus.MustNewConstMetric(c.connects, prometheus.CounterValue, float64(s.Connects))
	ch <- prometheus.MustNewConstMetric(c.reconnects, prometheus.CounterValue, float64(s.Reconnects))
	ch <- prometheus.MustNewConstMetric(c.disconnects, prometheus.CounterValue, float64(s.Disconnects))
	ch <- prometheus.MustNewConstMetric(c.schemaReloads, prometheus.CounterValue, float64(s.SchemaReloads))
}

// validate registers c in a registry of its own, which checks the names
// and labels of its descriptions, and wraps a refusal in a *ConfigError.
func validate(c prometheus.Collector) error {
	if err := prometheus.NewPedanticRegistry().Register(c); err != nil {
		return &ConfigError{Err: err}
	}
	return nil
}
