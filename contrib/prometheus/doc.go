// Package txprometheus exposes txtarantool's counters and request
// durations to Prometheus:
//
//   - [NewCollector] turns anything with a Stats method ([StatsSource]:
//     *client.Client, *client.Pool) into a prometheus.Collector of the
//     client's counters, read from Stats at each scrape;
//   - [NewTracer] returns a [client.Tracer] (set it as client.Options.Tracer)
//     that is also a prometheus.Collector: the histogram
//     txtarantool_request_duration_seconds{kind,outcome}.
//
// It lives in a module of its own
// (github.com/txtarantool/txtarantool/contrib/prometheus) so that the main
// module keeps its three dependencies; the package is named txprometheus
// so that it does not clash with client_golang's prometheus.
//
// # Metrics
//
//	txtarantool_requests_total{outcome}   counter, requests ended, by client.Outcome
//	txtarantool_in_flight                 gauge, requests sent and not yet answered
//	txtarantool_queued_bytes              gauge, bytes queued and not yet written
//	txtarantool_connects_total            counter, connections made
//	txtarantool_reconnects_total          counter, connections made after the first
//	txtarantool_disconnects_total         counter, connections that broke
//	txtarantool_schema_reloads_total      counter, schema loads after the first
//	txtarantool_request_duration_seconds{kind,outcome}  histogram (NewTracer)
//
// The namespace ("txtarantool") and constant labels are options
// ([WithNamespace], [WithConstLabels]); two clients registered in one
// registry need different constant labels.
//
// # Cost
//
// The collector costs nothing between scrapes: a scrape calls Stats once
// (atomic loads) and builds the handful of constant metrics. The tracer
// looks up, per request, an observer made at construction for each
// kind×outcome pair and observes the duration: no allocation
// (BenchmarkTracer; README.md has the figures).
package txprometheus
