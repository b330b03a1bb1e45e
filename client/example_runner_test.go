package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// exampleKeysFrom and exampleKeysTo bound the keys of spaces test and
// SQLTEST that the examples in the example_*_test.go files write; no other
// test uses them.
const exampleKeysFrom, exampleKeysTo = 960_001, 960_099

// TestReadmeExamples runs the examples behind README.md's snippets against
// the test server and checks what each prints, as TestExamples does for
// example_test.go. It is not parallel: it points the examples' settings at
// the server and captures os.Stdout.
func TestReadmeExamples(t *testing.T) {
	srv := requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := client.Dial(ctx, srv.Addr(), client.Options{User: testUser, Password: testPassword})
	require.NoError(t, err)
	defer admin.Close()
	clear := func() {
		_, err := admin.Eval(ctx, "local from, to = ... local sq = box.space.SQLTEST or box.space.sqltest for k = from, to do box.space.test:delete(k) sq:delete(k) end",
			exampleKeysFrom, exampleKeysTo).Await(ctx)
		require.NoError(t, err)
	}
	clear()
	defer clear()

	saved := [3]string{exampleAddr, exampleUser, examplePassword}
	exampleAddr, exampleUser, examplePassword = srv.Addr(), testUser, testPassword
	defer func() { exampleAddr, exampleUser, examplePassword = saved[0], saved[1], saved[2] }()

	for _, ex := range []struct {
		name string
		fn   func()
		want string
	}{
		{"ExampleClient_Update", ExampleClient_Update, "true 960001 ann b. <nil>\n1 ann b. <nil>\n[42] <nil>\n"},
		{"ExampleClient_Select_then", ExampleClient_Select_then, "name: bob\nsettled\nbob <nil>\n"},
		{"ExampleClient_Eval_sameContext", ExampleClient_Eval_sameContext, "true true\ntrue\n"},
		{"ExampleClient_Eval_timeout", ExampleClient_Eval_timeout, "2 <nil>\n1 <nil>\ntrue\ntrue\n"},
		{"ExampleLazy", ExampleLazy, "connected: <nil>\nping: <nil>\n"},
		{"ExampleDialPool", ExampleDialPool, "4 connections: <nil>\n"},
		{"ExampleOptions_tls", ExampleOptions_tls, "ping over TLS: <nil>\n"},
		{"ExampleHandlers", ExampleHandlers, "connected\nclosed: <nil>\n"},
		{"ExampleOptions_maxInFlight", ExampleOptions_maxInFlight, "true true\nslow: <nil>\n"},
		{"ExampleClient_Schema", ExampleClient_Schema, "512 memtx 0 HASH true\n<nil>\ntrue true\n"},
		{"ExampleNamed", ExampleNamed, "name string true\n[{ann 960032}] <nil>\n[map[id:960032 name:ann]] <nil>\n"},
		{"ExampleClient_EvalWithPush", ExampleClient_EvalWithPush, "step 1 of 3\nstep 2 of 3\nstep 3 of 3\n[done] <nil>\n"},
		{"ExampleClient_Execute", ExampleClient_Execute, "2\n" + sqlName(t, "name") + " string [[960041 sql] [960042 too]]\n1 960042 too <nil>\n<nil>\n"},
		{"ExampleClient_Tx", ExampleClient_Tx, txExampleOutput(t)},
		{"ExampleDial_credentials", ExampleDial_credentials, "<nil> " + srv.Addr() + " false\ntrue\n"},
		{"ExampleClient_Stats", ExampleClient_Stats, "ok: 1 server errors: 1\nconnects: 1 reconnects: 0 in flight: 0\n"},
		{"ExampleClient_Do", ExampleClient_Do, "ping: <nil>\n"},
	} {
		require.Equal(t, ex.want, lcCaptureStdout(t, ex.fn), ex.name)
	}

	// What the examples wrote is on the server.
	r, err := admin.Eval(ctx, "return box.space.test:get(960021), (box.space.SQLTEST or box.space.sqltest):get(960041)").Await(ctx)
	require.NoError(t, err)
	values, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(960_021), "pooled"}, []any{int64(960_041), "sql"}}, values)
}

// txExampleOutput is what ExampleClient_Tx prints on the test server.
func txExampleOutput(t *testing.T) string {
	if serverAtLeast(t, "2.10") {
		return "final <nil>\n"
	}
	return "streams need Tarantool 2.10+: true\n"
}
