package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/transport"
)

// secretsPassword is the password every value of TestNoVerbPrintsPassword
// is built with; finding it (or its hex form) in any text means a leak.
const secretsPassword = "Zq-secret-pw-4b1e"

// secretsVerbs are the fmt directives tried on every value: every verb
// fmt knows, with and without flags.
var secretsVerbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%+q", "%#q", "%d", "%t", "%o", "%O", "%b",
	"%x", "%X", "% x", "%#x", "%c", "%U", "%e", "%E", "%f", "%F", "%g", "%G",
	"%T", "%p", "%w", "%8.3v", "%-20s", "%z",
}

// leakedSecret reports whether text shows secretsPassword, as it is or in
// the hex form %x gives strings.
func leakedSecret(text string) bool {
	lower := strings.ToLower(text)
	return strings.Contains(text, secretsPassword) ||
		strings.Contains(lower, fmt.Sprintf("%x", secretsPassword)) ||
		strings.Contains(lower, fmt.Sprintf("% x", secretsPassword))
}

// exportedTypes lists the exported type names declared in the client
// package's non-test sources.
func exportedTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var names []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, spec := range gd.Specs {
					if ts := spec.(*ast.TypeSpec); ts.Name.IsExported() {
						names = append(names, ts.Name.Name)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// TestNoVerbPrintsPassword builds a value of every exported type of the
// package (and of the transport errors a Client returns), the ones that
// can reach the options with a password, and formats each with every fmt
// verb, as a value, a pointer, inside a struct and a slice, and through
// slog's JSON and text handlers with AddSource; no text may show the
// password. The list of types is checked against the package's source, so
// a new exported type must be added here.
func TestNoVerbPrintsPassword(t *testing.T) {
	// The lazy clients are closed (Close waits for their goroutines)
	// before they are printed: the verbs fmt answers by walking a value's
	// fields (%w, %p) would otherwise read them while the clients'
	// supervisors write them, a data race.
	opts := client.Options{User: "secrets_user", Password: secretsPassword, SkipSchema: true, Reconnect: reconnect.Never()}
	lazy, err := client.Lazy("127.0.0.1:1", opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = lazy.Close() })
	pool, err := client.LazyPool("127.0.0.1:1", 2, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pool.Close() })
	closers := []interface{ Close() error }{lazy, pool}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.ErrorIs(t, lazy.WaitConnected(ctx), client.ErrReconnectStopped)
	watcher, err := lazy.Watch("k", func(client.Event) {})
	require.NoError(t, err)
	poolWatcher, err := pool.Watch("k", func(client.Event) {})
	require.NoError(t, err)
	require.NoError(t, lazy.Close())
	require.NoError(t, pool.Close())
	// Errors that name an address or a user.
	_, addrErr := client.Dial(ctx, "secrets_user:"+secretsPassword+"@localhost", client.Options{})
	var ae *transport.AddressError
	require.ErrorAs(t, addrErr, &ae)
	_, dialErr := client.Dial(ctx, "127.0.0.1:1", opts)
	var de *transport.DialError
	require.ErrorAs(t, dialErr, &de)
	closed, err := client.Lazy("127.0.0.1:1", opts)
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	_, connErr := closed.Ping(ctx).Await(ctx)
	require.Error(t, connErr)

	values := map[string][]any{
		"Client": {lazy, lazy.NewStream()},
		"Pool":   {pool},
		"Stream": {lazy.NewStream(), pool.NewStream()},
		"Conn":   {client.Conn(lazy), client.Conn(pool)},
		"Pager":  {client.Pages(ctx, lazy, 512, 0, nil, 10), client.Pages(ctx, pool, 512, 0, nil, 10)},
		"Options": {opts, &opts, client.Options{User: "u", Password: secretsPassword,
			Handlers: client.Handlers{Closed: func(*client.Client, error) {}}}},
		"Handlers":           {client.Handlers{Connected: func(*client.Client) {}}},
		"ArgumentError":      {&client.ArgumentError{Arg: "ctx", Err: client.ErrNilContext}},
		"AuthError":          {&client.AuthError{User: "secrets_user", Err: errors.New("x")}},
		"ConnectionError":    {connErr, &client.ConnectionError{Addr: lazy.Addr(), Err: dialErr}},
		"ContextError":       {&client.ContextError{Err: context.Canceled}},
		"EncodeError":        {&client.EncodeError{Err: errors.New("x")}},
		"FeatureError":       {&client.FeatureError{Server: lazy.ServerInfo()}},
		"InFlightLimitError": {&client.InFlightLimitError{Limit: 1}},
		"SchemaError":        {&client.SchemaError{Space: "s", Reason: "x"}},
		"ServerError":        {&client.ServerError{Code: iproto.ER_PROC_LUA, Message: "x"}},
		"ErrorCode":          {client.ErrorCode(iproto.ER_PROC_LUA)},
		"MalformedError":     {&client.MalformedError{What: "x"}},
		"UnmarshalError":     {&client.UnmarshalError{Err: errors.New("x")}},
		"FieldCountError":    {&client.FieldCountError{Type: reflect.TypeOf(opts)}},
		"ServerInfo":         {lazy.ServerInfo()},
		"FullPolicy":         {client.FailWhenFull},
		"Prepared":           {&client.Prepared{StmtID: 1}},
		"Push":               {client.Push{}},
		"Response":           {&client.Response{}},
		"Optional":           {client.Optional[string]{Value: "v", Found: true}},
		"SQLResult":          {client.SQLResult[[]any]{}},
		"ColumnMeta":         {client.ColumnMeta{Name: "c"}},
		"SQLInfo":            {client.SQLInfo{}},
		"Schema":             {lazy.Schema(), &client.Schema{}},
		"Space":              {&client.Space{Name: "s"}},
		"Index":              {&client.Index{Name: "i"}},
		"Field":              {client.Field{Name: "f"}},
		"Op":                 {client.Op{}},
		"SelectOption":       {client.Limit(1)},
		"BeginOption":        {client.BeginOption(func(*protocol.Begin) {})},
		"CommitOption":       {client.CommitSync()},
		"DeadPeerError":      {&client.DeadPeerError{Silence: 3 * time.Second}},
		"Event":              {client.Event{Key: "k"}},
		"Watcher":            {watcher, poolWatcher},
		"Tracer": {newRecordingTracer(), client.SlogTracer(slog.New(slog.DiscardHandler), client.SlogTracerOptions{}),
			client.Tracers(newRecordingTracer(), &connRecorder{})},
		"TraceRequest":      {client.TraceRequest{Addr: lazy.Addr()}, &client.TraceRequest{}},
		"TraceEnd":          {client.TraceEnd{Err: connErr}},
		"Outcome":           {client.OutcomeNotSent},
		"Stats":             {lazy.Stats(), pool.Stats()},
		"ConnTracer":        {&connRecorder{}},
		"ConnectEvent":      {client.ConnectEvent{Addr: lazy.Addr(), Err: dialErr}},
		"DisconnectEvent":   {client.DisconnectEvent{Addr: lazy.Addr(), Cause: connErr}},
		"SlogTracerOptions": {client.SlogTracerOptions{Query: true}},
		// transport errors a Client returns
		"transport.AddressError": {addrErr},
		"transport.DialError":    {dialErr},
	}
	if srv := server; srv != nil {
		// A connected client, its user and password given in the address.
		admin := dial(t, srv.Addr())
		_, err := await(t, admin.Eval(ctx, `local user, password = ...
			box.schema.user.create(user, {password = password, if_not_exists = true})
			box.schema.user.passwd(user, password)`,
			"secrets_user", secretsPassword))
		require.NoError(t, err)
		live, err := client.Dial(ctx, "secrets_user:"+secretsPassword+"@"+srv.Addr(), client.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = live.Close() })
		closers = append(closers, live)
		resp, err := live.Ping(ctx).Await(ctx)
		require.NoError(t, err)
		values["Client"] = append(values["Client"], live)
		values["Response"] = append(values["Response"], resp)
		values["ServerInfo"] = append(values["ServerInfo"], live.ServerInfo())
		values["Schema"] = append(values["Schema"], live.Schema())
		values["Stream"] = append(values["Stream"], live.NewStream())
		if prep, err := live.Prepare(ctx, "SELECT 1").Await(ctx); err == nil {
			values["Prepared"] = append(values["Prepared"], prep)
		}
		_, authErr := client.Dial(ctx, srv.Addr(), client.Options{User: "secrets_user", Password: secretsPassword + "-wrong"})
		values["AuthError"] = append(values["AuthError"], authErr)
	}

	// Every exported type has values.
	for _, name := range exportedTypes(t) {
		require.NotEmpty(t, values[name], "exported type %s: add values of it to TestNoVerbPrintsPassword", name)
	}

	var leaks []string
	check := func(name, how, text string) {
		if leakedSecret(text) {
			leaks = append(leaks, fmt.Sprintf("%s %s: %.200s", name, how, text))
		}
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	// The first pass tries every verb but %w and %p, the second only those
	// two, once every client is closed: fmt answers them (for these
	// types, a misuse) by reading the fields without Format, a data race
	// with the goroutines of a live client.
	var early, late []string
	for _, verb := range secretsVerbs {
		if verb == "%w" || verb == "%p" {
			late = append(late, verb)
		} else {
			early = append(early, verb)
		}
	}
	formatAll := func(verbs []string, others bool) {
		for _, name := range names {
			formatValues(name, values[name], verbs, others, check)
		}
	}
	formatAll(early, true)
	for _, c := range closers {
		require.NoError(t, c.Close())
	}
	formatAll(late, false)
	require.Empty(t, leaks, "the password was printed:\n%s", strings.Join(leaks, "\n"))
}

// formatValues formats each of values (of the type called name) with
// each of verbs, as a value, a pointer, inside a struct and a slice, and
// with others also with Sprint, Error, String, GoString and through slog's
// JSON and text handlers with AddSource, passing every text to check.
func formatValues(name string, values []any, verbs []string, others bool, check func(name, how, text string)) {
	{
		for i, v := range values {
			forms := map[string]any{
				"value":  v,
				"ptr":    &v,
				"struct": struct{ V any }{v},
				"slice":  []any{v},
			}
			for form, x := range forms {
				for _, verb := range verbs {
					if name == "Options" && (verb == "%p" || verb == "%w") {
						// fmt answers these two (meaningless for a struct)
						// by printing the fields without calling Format:
						// Options.Password is an exported field, so they
						// show it. No type of the package holds a password
						// within their reach (see hidePassword).
						continue
					}
					check(name, fmt.Sprintf("#%d %s %s", i, form, verb), fmt.Sprintf(verb, x))
				}
			}
			if !others {
				continue
			}
			check(name, fmt.Sprintf("#%d Sprint", i), fmt.Sprint(v)+fmt.Sprintln(v))
			if e, ok := v.(error); ok && e != nil {
				check(name, fmt.Sprintf("#%d Error", i), e.Error())
			}
			if s, ok := v.(fmt.Stringer); ok && s != nil {
				check(name, fmt.Sprintf("#%d String", i), s.String())
			}
			if s, ok := v.(fmt.GoStringer); ok && s != nil {
				check(name, fmt.Sprintf("#%d GoString", i), s.GoString())
			}
			var logged bytes.Buffer
			hopts := &slog.HandlerOptions{AddSource: true}
			for _, h := range []slog.Handler{slog.NewJSONHandler(&logged, hopts), slog.NewTextHandler(&logged, hopts)} {
				lg := slog.New(h)
				lg.Info("value", "v", v, slog.Any("any", v), slog.Group("g", "v", v))
				lg.With("v", v).Error("with")
			}
			check(name, fmt.Sprintf("#%d slog", i), logged.String())
		}
	}
}
