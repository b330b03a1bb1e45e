package client_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
)

// outcomeCounter is a Tracer counting requests by outcome: what a metrics
// adapter does, in a few lines.
type outcomeCounter struct {
	started atomic.Int64
	ended   [client.NumOutcomes]atomic.Int64
}

func (t *outcomeCounter) TraceRequestStart(ctx context.Context, _ *client.TraceRequest) context.Context {
	t.started.Add(1)
	return ctx
}

func (t *outcomeCounter) TraceRequestEnd(_ context.Context, _ *client.TraceRequest, end client.TraceEnd) {
	t.ended[end.Outcome].Add(1)
}

// A Tracer is told of every request's start and end. This one counts
// outcomes; the client here never connects, so its requests fail before
// they are sent.
func ExampleTracer() {
	counter := &outcomeCounter{}
	c, err := client.Lazy("127.0.0.1:1", client.Options{Tracer: counter, Reconnect: reconnect.Never()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	_, _ = c.Ping(ctx).Await(ctx)             // not connected: not sent
	_, _ = c.Insert(ctx, "t", nil).Await(ctx) // a nil tuple: invalid
	fmt.Println("started:", counter.started.Load())
	for o := range client.NumOutcomes {
		if n := counter.ended[o].Load(); n > 0 {
			fmt.Printf("%s: %d\n", client.Outcome(o), n)
		}
	}
	// Output:
	// started: 2
	// not_sent: 1
	// invalid: 1
}

// SlogTracer logs each request as it ends, at debug level by default.
// Here the time and the duration are left out of the output to keep it
// the same on every run.
func ExampleSlogTracer() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	c, err := client.Lazy("127.0.0.1:1", client.Options{
		Tracer:    client.SlogTracer(logger, client.SlogTracerOptions{}),
		Reconnect: reconnect.Never(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	_, _ = c.Insert(ctx, "users", nil).Await(ctx)
	// Output:
	// level=DEBUG msg="txtarantool: request" kind=IPROTO_INSERT space=users addr=127.0.0.1:1 outcome=invalid error="txtarantool: cannot encode request: protocol: nil tuple (a tuple is an array of fields: a slice, an array or an as_array struct)"
}

// Stats counts a client's requests by outcome, its connections and
// schema reloads.
func ExampleClient_Stats() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Ping(ctx).Await(ctx)
	_, _ = c.Call(ctx, "fail", "boom").Await(ctx)
	s := c.Stats()
	fmt.Println("ok:", s.Requests[client.OutcomeOK], "server errors:", s.Requests[client.OutcomeServerError])
	fmt.Println("connects:", s.Connects, "reconnects:", s.Reconnects, "in flight:", s.InFlight)
}

// rawPingRequest is a request type of the caller's own: an IPROTO_PING
// with its body encoded by hand.
type rawPingRequest struct{}

func (rawPingRequest) Type() iproto.Type { return iproto.IPROTO_PING }

func (rawPingRequest) AppendBody(dst []byte) ([]byte, error) { return append(dst, 0x80), nil }

// Do sends any protocol.Request: one the client does not wrap, or one of
// the caller's own types, with the same futures and errors as the
// commands.
func ExampleClient_Do() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	r, err := c.Do(ctx, rawPingRequest{}).Await(ctx)
	fmt.Println("ping:", err)
	r.Release() // hand the request's memory back for reuse
}
