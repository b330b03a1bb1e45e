package client_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// printerSecret is a password distinctive enough that finding it in any text
// can only mean it leaked.
const printerSecret = "lc-Sup3r-S3cret-pw-7f3a91"

func TestAuthWrongPassword(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	c, err := client.Dial(testContext(t), srv.Addr(), client.Options{User: testUser, Password: printerSecret})
	require.Nil(t, c)
	var ae *client.AuthError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, testUser, ae.User)
	var se *client.ServerError
	require.ErrorAs(t, err, &se)
	// Tarantool 2.6 answers a wrong password with code 47, which it calls
	// ER_PASSWORD_MISMATCH and go-iproto calls ER_CREDS_MISMATCH.
	require.Equal(t, iproto.ER_CREDS_MISMATCH, se.Code)
	require.Equal(t, iproto.Error(47), se.Code)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_CREDS_MISMATCH))
	require.NotErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_USER))
	require.Contains(t, err.Error(), testUser)
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", se)} {
		require.NotContains(t, text, printerSecret)
	}
}

func TestAuthUnknownUser(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	c, err := client.Dial(testContext(t), srv.Addr(), client.Options{User: "lc-no-such-user", Password: printerSecret})
	require.Nil(t, c)
	var ae *client.AuthError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "lc-no-such-user", ae.User)
	var se *client.ServerError
	require.ErrorAs(t, err, &se)
	want, other := unknownUserCode(t), iproto.ER_CREDS_MISMATCH
	if want == other {
		other = iproto.ER_NO_SUCH_USER
	}
	require.Equal(t, want, se.Code)
	require.ErrorIs(t, err, client.ErrorCode(want))
	require.NotErrorIs(t, err, client.ErrorCode(other))
	require.NotContains(t, err.Error(), printerSecret)
}

func TestAuthUserWithoutGrants(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	// noperm may connect: the schema load reads _vspace and _vindex, which
	// every user may read (they show only what the user may access).
	c := dial(t, srv.Addr(), func(o *client.Options) { o.User, o.Password = "noperm", "noperm" })
	ctx := testContext(t)
	s := c.Schema()
	require.NotNil(t, s)
	_, visible := s.SpaceByName("test")
	require.False(t, visible, "_vspace hides the spaces noperm cannot access")

	r, err := await(t, c.Ping(ctx))
	require.NoError(t, err)
	require.NotNil(t, r)

	// By number the request reaches the server, which refuses it.
	r, err = await(t, c.Select(ctx, 512, 0, 900_000))
	require.Nil(t, r)
	var se *client.ServerError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_ACCESS_DENIED))
	require.Contains(t, se.Message, "noperm")

	// By name the space is unknown to this user's schema: nothing is sent.
	r, err = await(t, c.Select(ctx, "test", nil, 900_000))
	require.Nil(t, r)
	var sce *client.SchemaError
	require.ErrorAs(t, err, &sce)
	require.ErrorIs(t, err, client.ErrNotSent)

	r, err = await(t, c.Call(ctx, "echo", 1))
	require.Nil(t, r)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_ACCESS_DENIED))

	// Errors do not break the connection.
	r, err = await(t, c.Ping(ctx))
	require.NoError(t, err)
	require.NotNil(t, r)
	require.Zero(t, c.InFlight())
}

func TestAuthGuest(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	ctx := testContext(t)
	for _, opts := range []client.Options{{}, {User: "guest"}} {
		c, err := client.Dial(ctx, srv.Addr(), opts)
		require.NoError(t, err, "%+v", opts)
		r, err := await(t, c.Ping(ctx))
		require.NoError(t, err)
		require.NotNil(t, r)
		_, err = await(t, c.Select(ctx, 512, 0, 900_000))
		require.ErrorIs(t, err, client.ErrorCode(iproto.ER_ACCESS_DENIED))
		require.NoError(t, c.Close())
	}
}

func TestOptionsNeverPrintPassword(t *testing.T) {
	t.Parallel()
	const pw = "hunter2"
	opts := client.Options{User: "tester", Password: pw}
	type config struct {
		Name string
		Opts client.Options
		Ptr  *client.Options
	}
	cfg := config{Name: "app", Opts: opts, Ptr: &opts}
	var texts []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		texts = append(texts,
			fmt.Sprintf(verb, opts), fmt.Sprintf(verb, &opts), fmt.Sprintf(verb, cfg))
	}
	texts = append(texts, opts.String(), opts.GoString(), fmt.Sprint(opts), fmt.Sprintln(opts))

	// Logged with slog, with either standard handler.
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("connecting", "opts", opts)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("connecting", "opts", opts)
	texts = append(texts, text.String(), js.String())

	for _, text := range texts {
		require.NotContains(t, text, pw)
		require.Contains(t, text, "tester")
	}
	require.Contains(t, opts.String(), "[redacted]")
	require.True(t, strings.HasPrefix(fmt.Sprintf("%#v", opts), "client.Options{"))
	// Without a password nothing is claimed to be redacted.
	require.NotContains(t, client.Options{User: "u"}.String(), "redacted")
	require.Equal(t, pw, opts.Password, "printing does not modify the options")
	// The JSON log stays valid JSON, the options one string in it.
	var record map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &record), "%s", js.String())
	require.Equal(t, opts.String(), record["opts"])
}

func TestClientNeverPrintsPassword(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	admin := dial(t, srv.Addr())
	ctx := testContext(t)
	_, err := await(t, admin.Eval(ctx, `local user, password = ...
		box.schema.user.create(user, {password = password, if_not_exists = true})
		box.schema.user.passwd(user, password)`, "lc_printer", printerSecret))
	require.NoError(t, err)

	c := dial(t, srv.Addr(), func(o *client.Options) { o.User, o.Password = "lc_printer", printerSecret })
	// Every way of printing c, fmt's %s verb included (it must go through
	// String, not print the struct).
	texts := []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%s", c)}
	for _, text := range texts {
		require.NotContains(t, text, printerSecret)
		require.Contains(t, text, srv.Addr())
		require.Contains(t, text, "lc_printer")
	}
}
