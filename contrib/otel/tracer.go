package txotel

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/txtarantool/txtarantool/client"
)

// ScopeName is the instrumentation scope of the tracer's spans and metric:
// this module's path.
const ScopeName = "github.com/txtarantool/txtarantool/contrib/otel"

// DurationMetric is the name of the histogram of request durations, in
// seconds, from the database semantic conventions.
const DurationMetric = "db.client.operation.duration"

// durationBuckets are the bucket boundaries, in seconds, the conventions
// advise for db.client.operation.duration.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// systemName is db.system.name for every request.
var systemName = semconv.DBSystemNameKey.String("tarantool")

// Tracer is a [client.Tracer] that starts an OpenTelemetry client span per
// request and records its duration (see the package doc for the
// attributes). It is safe for concurrent use by any number of clients.
// Cost per request: the SDK's span and histogram record (README.md has
// the figures), plus the span name's string and the span's attributes;
// the histogram's attribute set is made once per series (up to 4096).
type Tracer struct {
	tracer    trace.Tracer
	duration  metric.Float64Histogram
	queryText bool
	attrs     []attribute.KeyValue
	servers   servers
	series    measurements
}

// NewTracer returns a Tracer taking its tracer and meter from the global
// providers (otel.GetTracerProvider, otel.GetMeterProvider) unless the
// options name others. It fails only if the meter refuses the histogram.
// Cost: creating one tracer and one histogram; do it once per program.
func NewTracer(opts ...Option) (*Tracer, error) {
	cfg := config{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.tracerProvider == nil {
		cfg.tracerProvider = otel.GetTracerProvider()
	}
	if cfg.meterProvider == nil {
		cfg.meterProvider = otel.GetMeterProvider()
	}
	duration, err := cfg.meterProvider.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL)).Float64Histogram(
		DurationMetric,
		metric.WithDescription("Duration of database client operations."),
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(durationBuckets...),
	)
	if err != nil {
		return nil, err
	}
	return &Tracer{
		tracer:    cfg.tracerProvider.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		duration:  duration,
		queryText: cfg.queryText,
		attrs:     cfg.attrs,
	}, nil
}

// TraceRequestStart starts the request's span, a child of the span in ctx,
// at req.Start, and returns ctx with the span in it for TraceRequestEnd.
func (t *Tracer) TraceRequestStart(ctx context.Context, req *client.TraceRequest) context.Context {
	op := operationName(req.Kind)
	collection := collectionName(req)
	attrs := t.requestAttributes(op, collection, req, 1)
	if t.queryText && req.Query != "" {
		attrs = append(attrs, semconv.DBQueryText(req.Query))
	}
	ctx, _ = t.tracer.Start(ctx, spanName(op, collection, req.Function),
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(req.Start),
		trace.WithAttributes(attrs...))
	return ctx
}

// TraceRequestEnd ends the span TraceRequestStart put in ctx, with status
// Error and error.type on failure, and records the request's duration.
func (t *Tracer) TraceRequestEnd(ctx context.Context, req *client.TraceRequest, end client.TraceEnd) {
	failed := end.Outcome != client.OutcomeOK
	var errType, statusCode string
	if failed {
		errType, statusCode = errorType(end)
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		if failed {
			if statusCode != "" {
				span.SetAttributes(semconv.ErrorTypeKey.String(errType), semconv.DBResponseStatusCode(statusCode))
			} else {
				span.SetAttributes(semconv.ErrorTypeKey.String(errType))
			}
			desc := errType
			if end.Err != nil {
				desc = end.Err.Error()
			}
			span.SetStatus(codes.Error, desc)
		}
		span.End(trace.WithTimestamp(req.Start.Add(end.Duration)))
	}
	if !t.duration.Enabled(ctx) {
		return
	}
	key := seriesKey{kind: req.Kind, space: req.Space, function: req.Function, addr: req.Addr,
		spaceID: req.SpaceID, outcome: end.Outcome, code: end.Code}
	opt := t.series.lookup(key, func() metric.RecordOption {
		attrs := t.requestAttributes(operationName(req.Kind), collectionName(req), req, 2)
		if failed {
			attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
			if statusCode != "" {
				attrs = append(attrs, semconv.DBResponseStatusCode(statusCode))
			}
		}
		return metric.WithAttributeSet(attribute.NewSet(attrs...))
	})
	t.duration.Record(ctx, end.Duration.Seconds(), opt)
}

// requestAttributes returns the low-cardinality attributes of req, shared
// by its span and its measurement, in a slice with room for extra more.
func (t *Tracer) requestAttributes(op, collection string, req *client.TraceRequest, extra int) []attribute.KeyValue {
	server := t.servers.lookup(req.Addr)
	attrs := make([]attribute.KeyValue, 0, 4+len(server)+len(t.attrs)+extra)
	attrs = append(attrs, systemName, semconv.DBOperationName(op))
	if collection != "" {
		attrs = append(attrs, semconv.DBCollectionName(collection))
	}
	if req.Function != "" {
		attrs = append(attrs, semconv.DBStoredProcedureName(req.Function))
	}
	attrs = append(attrs, server...)
	return append(attrs, t.attrs...)
}
