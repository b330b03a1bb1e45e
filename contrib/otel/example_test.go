package txotel_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/txtarantool/txtarantool/client"
	txotel "github.com/txtarantool/txtarantool/contrib/otel"
)

// The server the examples dial (TestExamples points them at the test
// server).
var (
	exampleAddr     = "127.0.0.1:3301"
	exampleUser     = "tester"
	examplePassword = os.Getenv("TT_PASSWORD")
)

// ExampleNewTracer traces a call into an in-memory exporter: the client's
// span is a child of the caller's, named after the function.
func ExampleNewTracer() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	spans := tracetest.NewInMemoryExporter() // an OTLP exporter in production
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer func() { _ = tp.Shutdown(ctx) }()
	tracer, err := txotel.NewTracer(txotel.WithTracerProvider(tp))
	if err != nil {
		log.Fatal(err)
	}

	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword, Tracer: tracer})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ctx, span := tp.Tracer("shop").Start(ctx, "checkout")
	_, err = c.Call(ctx, "sum", 1, 2).Await(ctx)
	span.End()
	fmt.Println("call:", err)

	for _, s := range spans.GetSpans() {
		fmt.Println(s.Name, s.SpanKind, s.Parent.SpanID() == span.SpanContext().SpanID())
	}
}
