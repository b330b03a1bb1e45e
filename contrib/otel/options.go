package txotel

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Option configures [NewTracer].
type Option func(*config)

// config is what the options set.
type config struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	queryText      bool
	attrs          []attribute.KeyValue
}

// WithTracerProvider makes the tracer start its spans from tp instead of
// the global provider (otel.GetTracerProvider). A nil tp is ignored.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tracerProvider = tp
		}
	}
}

// WithMeterProvider makes the tracer record its histogram with mp instead
// of the global provider (otel.GetMeterProvider). A nil mp is ignored.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.meterProvider = mp
		}
	}
}

// WithQueryText records the SQL of Execute and Prepare and the Lua of Eval
// as db.query.text on spans (never on the metric). Off by default: the
// text may carry literal values, and it lengthens every span.
func WithQueryText() Option {
	return func(c *config) { c.queryText = true }
}

// WithAttributes adds attrs to every span and to every measurement of the
// histogram (so they should have few values: a service or cluster name).
// Each call appends to those of earlier calls.
func WithAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}
