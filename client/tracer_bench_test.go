package client_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
)

// nopTracer is the cheapest Tracer: what the client itself pays for
// tracing, without a tracer's own work.
type nopTracer struct{}

func (nopTracer) TraceRequestStart(ctx context.Context, _ *client.TraceRequest) context.Context {
	return ctx
}

func (nopTracer) TraceRequestEnd(context.Context, *client.TraceRequest, client.TraceEnd) {}

// benchPingTraced is BenchmarkClientPingPipelinedNoDeadline on a client
// with tr as its Options.Tracer.
func benchPingTraced(b *testing.B, tr client.Tracer) {
	ctx := context.Background()
	benchPipelined(b,
		func(c *client.Client, i int) *future.Future[*client.Response] { return c.Ping(ctx) },
		func(*client.Response, int) error { return nil },
		withTracer(tr))
}

// BenchmarkClientPingPipelinedTracerNop: the client's cost of tracing
// (the pooled record, two clock reads, the calls) with a tracer that does
// nothing.
func BenchmarkClientPingPipelinedTracerNop(b *testing.B) { benchPingTraced(b, nopTracer{}) }

// BenchmarkClientPingPipelinedSlogDisabled: SlogTracer with its level
// disabled, as it runs in production with debug logging off.
func BenchmarkClientPingPipelinedSlogDisabled(b *testing.B) {
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	benchPingTraced(b, client.SlogTracer(logger, client.SlogTracerOptions{}))
}

// BenchmarkClientPingPipelinedSlogEnabled: SlogTracer logging every
// request (to io.Discard, through a text handler).
func BenchmarkClientPingPipelinedSlogEnabled(b *testing.B) {
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	benchPingTraced(b, client.SlogTracer(logger, client.SlogTracerOptions{}))
}
