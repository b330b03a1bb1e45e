package txprometheus

import "github.com/prometheus/client_golang/prometheus"

// DefaultNamespace is the prefix of every metric's name unless
// WithNamespace names another.
const DefaultNamespace = "txtarantool"

// Option configures NewCollector and NewTracer.
type Option func(*config)

// config is what the options set.
type config struct {
	namespace   string
	constLabels prometheus.Labels
	buckets     []float64
}

// newConfig applies opts over the defaults.
func newConfig(opts []Option) config {
	cfg := config{namespace: DefaultNamespace, buckets: DefaultBuckets()}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// WithNamespace replaces the "txtarantool" prefix of the metrics' names
// ("" leaves the names without one: requests_total, ...).
func WithNamespace(ns string) Option {
	return func(c *config) { c.namespace = ns }
}

// WithConstLabels adds labels with fixed values to every metric, as
// prometheus.Opts.ConstLabels: to tell apart two clients registered in one
// registry, for one. Each call adds to those of earlier calls.
func WithConstLabels(labels prometheus.Labels) Option {
	return func(c *config) {
		if c.constLabels == nil {
			c.constLabels = prometheus.Labels{}
		}
		for k, v := range labels {
			c.constLabels[k] = v
		}
	}
}

// DefaultBuckets returns the upper bounds, in seconds, of the duration
// histogram's buckets unless WithBuckets names others: 16 buckets from
// 100 µs to 10 s. It allocates a new slice on each call.
func DefaultBuckets() []float64 {
	return []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// WithBuckets sets the upper bounds, in seconds, of the duration
// histogram's buckets (NewTracer; NewCollector ignores it). They must be
// in increasing order, or NewTracer fails.
func WithBuckets(buckets ...float64) Option {
	return func(c *config) { c.buckets = append([]float64(nil), buckets...) }
}
