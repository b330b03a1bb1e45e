// Package txotel traces and measures txtarantool requests with
// OpenTelemetry: [NewTracer] returns a [client.Tracer] (set it as
// client.Options.Tracer) that starts one client span per request and records
// its duration in the db.client.operation.duration histogram, following the
// OpenTelemetry database semantic conventions (semconv v1.39.0).
//
// The package is named txotel, not otel, so that it does not clash with
// go.opentelemetry.io/otel, which programs using it import too.
//
// It lives in a module of its own (github.com/txtarantool/txtarantool/contrib/otel)
// so that the main module keeps its three dependencies.
//
// # Spans
//
// A span is named "{db.operation.name} {target}", the target being the space
// (db.collection.name) or the function called (db.stored_procedure.name), or
// just the operation ("PING", "EVAL", "EXECUTE"). Its kind is
// [trace.SpanKindClient], its parent the span in the context given to the
// request, its start and end the request's own times (TraceRequest.Start and
// TraceEnd.Duration). Attributes:
//
//	db.system.name            "tarantool"
//	db.operation.name         the IPROTO request type without its prefix:
//	                          SELECT, INSERT, REPLACE, UPDATE, UPSERT, DELETE,
//	                          CALL, CALL_16, EVAL, EXECUTE, PREPARE, PING, ...
//	db.collection.name        the space's name (its number if the name is unknown)
//	db.stored_procedure.name  the function called
//	server.address            the host, or the socket path for a Unix socket
//	server.port               the TCP port (none for a Unix socket)
//	db.query.text             the SQL or Lua text, only with [WithQueryText]
//	db.response.status_code   the server's error code ("3" for ER_TUPLE_FOUND)
//	error.type                that code again, or the client.Outcome of a request
//	                          that failed otherwise: "not_sent", "unknown",
//	                          "canceled", "invalid"
//
// A failed request (any outcome but client.OutcomeOK) gets span status Error
// with the error's text as description. Credentials in the address
// ("user:password@host:port") never reach an attribute.
//
// # Metric
//
// db.client.operation.duration (unit "s", buckets 0.001, 0.005, 0.01, 0.05,
// 0.1, 0.5, 1, 5, 10 as the conventions advise) with the span's attributes
// but db.query.text.
//
// # Cost
//
// Measured with BenchmarkTracer (go test -bench Tracer -benchmem, the SDK
// with an always-on sampler, a no-op span exporter and a ManualReader, on 2
// shared cores): see README.md for the figures. The cost is the SDK's: a
// sampled span costs a few microseconds and about twenty allocations, the
// histogram record about as much again; an unsampled span (a parent-based
// sampler under an unsampled parent) skips the span's work. With no tracer
// set the client pays one nil check per request.
package txotel
