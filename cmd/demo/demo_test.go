package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/internal/tarantooltest"
)

// TestTour runs the whole demo against a server the demo starts itself and
// checks that every step printed its line.
func TestTour(t *testing.T) {
	if _, ok := tarantooltest.Available(); !ok {
		if tarantooltest.Required() {
			t.Fatal("TARANTOOL_REQUIRED=1 but tarantool is not on PATH")
		}
		t.Skip("tarantool not found on PATH; install it with `apt-get install tarantool` or run `make test`")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	cfg := config{user: "tester", password: "secret", requests: 2, interval: time.Millisecond, pipeline: 2000}
	require.NoError(t, run(ctx, cfg, &out))
	for _, want := range []string{
		"server    started tarantool",
		`then      replace kv["greeting"] -> "hello" (callback)`,
		`await     select kv["greeting"] -> "hello" (typed decoding)`,
		"ER_TUPLE_FOUND matched: true",
		"pipeline  2000 calls on one connection",
		"request   #2 ok in",
		"client    closed",
		"server    stopped",
	} {
		require.Contains(t, out.String(), want)
	}
}
