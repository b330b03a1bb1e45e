package cluster

import (
	"context"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/future"
	"github.com/txtarantool/txtarantool/protocol"
)

// View is the cluster's commands with modes of their own: reads (Ping,
// Select), writes (Insert, Replace, ReplaceExisting, Update, Upsert,
// Delete) and calls (Call, Call16, CallWithPush, Eval, EvalWithPush,
// Execute, Prepare). The Cluster embeds the View of Options.DefaultMode,
// ModeRW and Options.CallMode; Mode returns one with a single mode for
// all. A View satisfies client.Conn; its Close does nothing (close the
// Cluster), its Connected and WaitConnected are the cluster's. A View is a
// small value: making one costs nothing.
//
// Every command returns a future at once, as a client's does, and settles
// with the chosen instance's response or error, or with a *RouteError
// (not sent) when no instance of the mode is there. Writes and calls are
// failed over as the package documentation says; reads are not resent.
type View struct {
	c                 *Cluster
	read, write, call Mode
}

var (
	_ client.Conn = View{}
	_ client.Conn = (*Cluster)(nil)
)

// Mode returns a view of the cluster whose every command goes in mode m
// (an invalid m means the cluster's defaults), e.g.
// c.Mode(cluster.ModeRO).Select(...). Cost: none (a value).
func (c *Cluster) Mode(m Mode) View {
	if !m.valid() {
		return c.View
	}
	return View{c: c, read: m, write: m, call: m}
}

// readNow is the instance a read goes to at once, or nil when it must go
// through Cluster.read (no such instance yet, or a nil ctx, which read
// rejects). Ping and Select try it first so that the usual read makes no
// closure: it costs what the instance's client.Client's command costs.
func (v View) readNow(ctx context.Context) *member {
	if ctx == nil {
		return nil
	}
	return v.c.pick(v.read)
}

// Ping checks that an instance of the read mode answers.
func (v View) Ping(ctx context.Context) *future.Future[*client.Response] {
	if m := v.readNow(ctx); m != nil {
		return m.c.Ping(ctx)
	}
	return v.c.read(ctx, v.read, func(c *client.Client) *future.Future[*client.Response] { return c.Ping(ctx) })
}

// Select is client.Client.Select on an instance of the read mode.
func (v View) Select(ctx context.Context, space, index, key any, opts ...client.SelectOption) *future.Future[*client.Response] {
	if m := v.readNow(ctx); m != nil {
		return m.c.Select(ctx, space, index, key, opts...)
	}
	return v.c.read(ctx, v.read, func(c *client.Client) *future.Future[*client.Response] {
		return c.Select(ctx, space, index, key, opts...)
	})
}

// Insert is client.Client.Insert on the write mode's instance.
func (v View) Insert(ctx context.Context, space, tuple any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.write, func(c *client.Client) *future.Future[*client.Response] { return c.Insert(ctx, space, tuple) })
}

// Replace is client.Client.Replace on the write mode's instance.
func (v View) Replace(ctx context.Context, space, tuple any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.write, func(c *client.Client) *future.Future[*client.Response] { return c.Replace(ctx, space, tuple) })
}

// ReplaceExisting is client.Client.ReplaceExisting on the write mode's
// instance.
func (v View) ReplaceExisting(ctx context.Context, space, tuple any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.write, func(c *client.Client) *future.Future[*client.Response] {
		return c.ReplaceExisting(ctx, space, tuple)
	})
}

// Update is client.Client.Update on the write mode's instance.
func (v View) Update(ctx context.Context, space, index, key any, ops []protocol.Op) *future.Future[*client.Response] {
	return v.c.write(ctx, v.write, func(c *client.Client) *future.Future[*client.Response] {
		return c.Update(ctx, space, index, key, ops)
	})
}

// Upsert is client.Client.Upsert on the write mode's instance.
func (v View) Upsert(ctx context.Context, space, tuple any, ops []protocol.Op) *future.Future[*client.Response] {
	return v.c.write(ctx, v.write, func(c *client.Client) *future.Future[*client.Response] {
		return c.Upsert(ctx, space, tuple, ops)
	})
}

// Delete is client.Client.Delete on the write mode's instance.
func (v View) Delete(ctx context.Context, space, index, key any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.write, func(c *client.Client) *future.Future[*client.Response] {
		return c.Delete(ctx, space, index, key)
	})
}

// Call is client.Client.Call on the call mode's instance.
func (v View) Call(ctx context.Context, function string, args ...any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.Call(ctx, function, args...)
	})
}

// CallWithPush is client.Client.CallWithPush on the call mode's instance
// (onPush runs on that instance's client's executor).
func (v View) CallWithPush(ctx context.Context, onPush func(*client.Push), function string, args ...any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.CallWithPush(ctx, onPush, function, args...)
	})
}

// EvalWithPush is client.Client.EvalWithPush on the call mode's instance.
func (v View) EvalWithPush(ctx context.Context, onPush func(*client.Push), expr string, args ...any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.EvalWithPush(ctx, onPush, expr, args...)
	})
}

// Call16 is client.Client.Call16 on the call mode's instance.
func (v View) Call16(ctx context.Context, function string, args ...any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.Call16(ctx, function, args...)
	})
}

// Eval is client.Client.Eval on the call mode's instance.
func (v View) Eval(ctx context.Context, expr string, args ...any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.Eval(ctx, expr, args...)
	})
}

// Execute is client.Client.Execute on the call mode's instance.
func (v View) Execute(ctx context.Context, sql string, args ...any) *future.Future[*client.Response] {
	return v.c.write(ctx, v.call, func(c *client.Client) *future.Future[*client.Response] {
		return c.Execute(ctx, sql, args...)
	})
}

// Prepare is client.Client.Prepare on the call mode's instance, picked
// now (no wait, no resend): the statement belongs to that instance's
// connection, where the Prepared always executes.
func (v View) Prepare(ctx context.Context, sql string) *future.Future[*client.Prepared] {
	if ctx == nil {
		return future.Rejected[*client.Prepared](nilContextError())
	}
	m := v.c.pick(v.call)
	if m == nil {
		return future.Rejected[*client.Prepared](missing(v.call, nil))
	}
	return m.c.Prepare(ctx, sql)
}

// Connected is Cluster.Connected.
func (v View) Connected() bool { return v.c.Connected() }

// WaitConnected is Cluster.WaitConnected.
func (v View) WaitConnected(ctx context.Context) error { return v.c.WaitConnected(ctx) }

// Close does nothing and returns nil: a view does not own the cluster.
func (v View) Close() error { return nil }
