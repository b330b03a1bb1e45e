package client

import (
	"context"
	"log/slog"
)

// SlogTracerOptions configure SlogTracer.
type SlogTracerOptions struct {
	// Level is the level requests are logged at; nil means
	// slog.LevelDebug.
	Level slog.Leveler
	// Query, if set, logs the SQL or Lua text of Execute, Prepare and
	// Eval (TraceRequest.Query), which may carry literal values; off by
	// default.
	Query bool
}

// SlogTracer returns a Tracer that logs every request as it ends, one
// record "txtarantool: request" at opts.Level with the attributes kind,
// space (or space_id), index, function, stream, addr, duration, outcome,
// code (server errors), bytes_sent, bytes_received and error, those that
// are empty left out; query only with opts.Query. It never logs a
// password, the request's arguments nor its tuples. Request logging is
// off unless this tracer is set as Options.Tracer (combine it with others
// with Tracers). A nil logger returns nil (no tracer).
//
// Cost: the logger's Enabled check per request; while the level is
// disabled nothing else, no allocation. When enabled, the handler's cost
// of a record with up to 13 attributes.
func SlogTracer(logger *slog.Logger, opts SlogTracerOptions) Tracer {
	if logger == nil {
		return nil
	}
	level := slog.LevelDebug
	if opts.Level != nil {
		level = opts.Level.Level()
	}
	return &slogTracer{log: logger, level: level, query: opts.Query}
}

// slogTracer is SlogTracer's tracer.
type slogTracer struct {
	log   *slog.Logger
	level slog.Level
	query bool
}

// TraceRequestStart does nothing: the request is logged when it ends.
func (t *slogTracer) TraceRequestStart(ctx context.Context, _ *TraceRequest) context.Context {
	return ctx
}

// TraceRequestEnd logs the request, if the logger's level allows.
func (t *slogTracer) TraceRequestEnd(ctx context.Context, req *TraceRequest, end TraceEnd) {
	if !t.log.Enabled(ctx, t.level) {
		return
	}
	var buf [13]slog.Attr
	attrs := append(buf[:0], slog.String("kind", req.Kind.String()))
	switch {
	case req.Space != "":
		attrs = append(attrs, slog.String("space", req.Space))
	case req.SpaceID != 0:
		attrs = append(attrs, slog.Uint64("space_id", uint64(req.SpaceID)))
	}
	if req.Index != "" {
		attrs = append(attrs, slog.String("index", req.Index))
	}
	if req.Function != "" {
		attrs = append(attrs, slog.String("function", req.Function))
	}
	if t.query && req.Query != "" {
		attrs = append(attrs, slog.String("query", req.Query))
	}
	if req.StreamID != 0 {
		attrs = append(attrs, slog.Uint64("stream", req.StreamID))
	}
	attrs = append(attrs,
		slog.String("addr", req.Addr),
		slog.Duration("duration", end.Duration),
		slog.String("outcome", end.Outcome.String()))
	if end.Code != 0 {
		attrs = append(attrs, slog.String("code", end.Code.String()))
	}
	if end.BytesSent != 0 {
		attrs = append(attrs, slog.Int("bytes_sent", end.BytesSent))
	}
	if end.BytesReceived != 0 {
		attrs = append(attrs, slog.Int("bytes_received", end.BytesReceived))
	}
	if end.Err != nil {
		attrs = append(attrs, slog.Any("error", end.Err))
	}
	t.log.LogAttrs(ctx, t.level, "txtarantool: request", attrs...)
}
