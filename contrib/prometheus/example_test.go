package txprometheus_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/txtarantool/txtarantool/client"
	txprometheus "github.com/txtarantool/txtarantool/contrib/prometheus"
)

// The server the examples dial (TestExamples points them at the test
// server).
var (
	exampleAddr     = "127.0.0.1:3301"
	exampleUser     = "tester"
	examplePassword = os.Getenv("TT_PASSWORD")
)

// ExampleNewCollector exposes a client's counters and its request
// durations on /metrics, and scrapes them once.
func ExampleNewCollector() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	durations, err := txprometheus.NewTracer()
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword, Tracer: durations})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	counters, err := txprometheus.NewCollector(c)
	if err != nil {
		log.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(counters, durations)

	_, err = c.Call(ctx, "sum", 1, 2).Await(ctx)
	fmt.Println("call:", err)

	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "txtarantool_connects_total") ||
			strings.HasPrefix(line, `txtarantool_requests_total{outcome="ok"}`) ||
			strings.HasPrefix(line, `txtarantool_request_duration_seconds_count{kind="call",outcome="ok"}`) {
			fmt.Println(line)
		}
	}
}
