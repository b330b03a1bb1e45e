package client_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/transport"
)

// An address in Tarantool's URI form logs in as its user: the forms
// user:password@host:port and tcp://user:password@host:port, and a user in
// the address with the password in Options; a Pool too.
func TestDialAddressCredentials(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	ctx := testContext(t)
	whoami := func(c client.Conn) string {
		t.Helper()
		got, err := client.One[string](c.Eval(ctx, "return box.session.user()", nil)).Await(ctx)
		require.NoError(t, err)
		return got.Value
	}
	for _, tc := range []struct {
		addr string
		opts client.Options
	}{
		{testUser + ":" + testPassword + "@" + srv.Addr(), client.Options{}},
		{"tcp://" + testUser + ":" + testPassword + "@" + srv.Addr(), client.Options{}},
		{testUser + "@" + srv.Addr(), client.Options{Password: testPassword}},
		{testUser + ":" + testPassword + "@" + srv.Addr(), client.Options{User: testUser, Password: testPassword}},
		{testUser + ":" + testPassword + "@" + srv.Addr(), client.Options{User: testUser}},
	} {
		c, err := client.Dial(ctx, tc.addr, tc.opts)
		require.NoError(t, err, "%s with %v", tc.addr, tc.opts)
		require.Equal(t, testUser, whoami(c), tc.addr)
		require.Equal(t, srv.Addr(), c.Addr(), "the address without its userinfo")
		require.NotContains(t, c.String(), testPassword)
		require.NoError(t, c.Close())
	}
	p, err := client.DialPool(ctx, testUser+":"+testPassword+"@"+srv.Addr(), 2, client.Options{})
	require.NoError(t, err)
	require.Equal(t, testUser, whoami(p))
	require.Equal(t, fmt.Sprintf("txtarantool.Pool{addr: %s, size: 2, user: %q}", srv.Addr(), testUser), p.String())
	require.NoError(t, p.Close())

	// The password of the address is the one sent: a wrong one fails.
	_, err = client.Dial(ctx, testUser+":wrong-"+testPassword+"@"+srv.Addr(), client.Options{})
	var ae *client.AuthError
	require.ErrorAs(t, err, &ae)
	require.NotContains(t, err.Error(), "wrong-"+testPassword)
}

// Credentials in the address that differ from those of Options are a
// typed error that names no password; an address's userinfo is never
// shown.
func TestAddressCredentialsConflict(t *testing.T) {
	t.Parallel()
	const pw = "Conflict-pw-31c"
	for _, tc := range []struct {
		addr string
		opts client.Options
	}{
		{"ann:" + pw + "@127.0.0.1:3301", client.Options{User: "bob"}},
		{"ann:" + pw + "@127.0.0.1:3301", client.Options{User: "ann", Password: "other-" + pw}},
		{"ann@127.0.0.1:3301", client.Options{User: "bob", Password: pw}},
	} {
		for _, err := range []error{
			func() error { _, err := client.Lazy(tc.addr, tc.opts); return err }(),
			func() error { _, err := client.LazyPool(tc.addr, 2, tc.opts); return err }(),
			func() error { _, err := client.Dial(testContext(t), tc.addr, tc.opts); return err }(),
		} {
			var arg *client.ArgumentError
			require.ErrorAs(t, err, &arg, tc.addr)
			require.Equal(t, "addr", arg.Arg)
			require.ErrorIs(t, err, client.ErrCredentialsConflict)
			require.ErrorIs(t, err, client.ErrNotSent)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				require.NotContains(t, fmt.Sprintf(verb, err), pw)
			}
		}
	}
	// A user alone in the address, or the same user and password in both,
	// is no conflict; a Unix socket address takes a userinfo too.
	for _, tc := range []struct {
		addr, want string
		opts       client.Options
	}{
		{"ann:" + pw + "@unix/:/tmp/t.sock", "unix:/tmp/t.sock", client.Options{}},
		{"ann:" + pw + "@127.0.0.1:3301", "127.0.0.1:3301", client.Options{User: "ann", Password: pw}},
		{"tcp://ann@[::1]:3301", "[::1]:3301", client.Options{Password: pw}},
	} {
		c, err := client.Lazy(tc.addr, tc.opts)
		require.NoError(t, err, tc.addr)
		require.Equal(t, tc.want, c.Addr())
		require.Equal(t, `txtarantool.Client{addr: `+tc.want+`, user: "ann"}`, c.String())
		require.NoError(t, c.Close())
	}
	// A malformed address with a password shows it redacted.
	_, err := client.Lazy("ann:"+pw+"@localhost", client.Options{})
	var ae *transport.AddressError
	require.ErrorAs(t, err, &ae)
	require.NotContains(t, fmt.Sprintf("%#v %v", err, err), pw)
	_, err = client.Lazy(":"+pw+"@localhost:1", client.Options{})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, ":xxxxx@localhost:1", ae.Input)
	require.True(t, errors.As(err, &ae))
}
