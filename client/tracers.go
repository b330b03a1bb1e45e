package client

import "context"

// Tracers composes tracers into one, as go-redis chains its hooks: each
// request's start goes to them in order, each one given the context the
// previous returned; its end goes to them in reverse order, with the
// context the last start returned (which carries what each of them kept
// in it). Connection events (ConnTracer) go, in order, to those of them
// that implement ConnTracer. Nil entries are skipped; with none left
// Tracers returns nil (no tracer), with one that tracer itself. Cost: one
// slice; per request, the tracers' own costs and an indirect call each.
func Tracers(ts ...Tracer) Tracer {
	var list multiTracer
	for _, t := range ts {
		if t != nil {
			list = append(list, t)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

// multiTracer is what Tracers returns for two tracers or more.
type multiTracer []Tracer

// TraceRequestStart calls each tracer's, in order.
func (m multiTracer) TraceRequestStart(ctx context.Context, req *TraceRequest) context.Context {
	for _, t := range m {
		if next := t.TraceRequestStart(ctx, req); next != nil {
			ctx = next
		}
	}
	return ctx
}

// TraceRequestEnd calls each tracer's, in reverse order.
func (m multiTracer) TraceRequestEnd(ctx context.Context, req *TraceRequest, end TraceEnd) {
	for i := len(m) - 1; i >= 0; i-- {
		m[i].TraceRequestEnd(ctx, req, end)
	}
}

// TraceConnect calls the TraceConnect of each tracer that has one.
func (m multiTracer) TraceConnect(c *Client, ev ConnectEvent) {
	for _, t := range m {
		if ct, ok := t.(ConnTracer); ok {
			ct.TraceConnect(c, ev)
		}
	}
}

// TraceDisconnect calls the TraceDisconnect of each tracer that has one.
func (m multiTracer) TraceDisconnect(c *Client, ev DisconnectEvent) {
	for _, t := range m {
		if ct, ok := t.(ConnTracer); ok {
			ct.TraceDisconnect(c, ev)
		}
	}
}
