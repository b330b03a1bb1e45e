package transport_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/transport"
)

const pw = "Pw-9d2e-secret"

func TestSplitCredentials(t *testing.T) {
	cases := []struct{ in, rest, user, password string }{
		{"tester:" + pw + "@localhost:3301", "localhost:3301", "tester", pw},
		{"tester@localhost:3301", "localhost:3301", "tester", ""},
		{"tester:@localhost:3301", "localhost:3301", "tester", ""},
		{"tcp://tester:" + pw + "@[::1]:3301", "tcp://[::1]:3301", "tester", pw},
		{"TCP://tester:" + pw + "@host:1", "TCP://host:1", "tester", pw},
		{"tester:" + pw + "@unix/:/tmp/t.sock", "unix/:/tmp/t.sock", "tester", pw},
		{"tester:" + pw + "@3301", "3301", "tester", pw},
		{"tester:a:b@host:1", "host:1", "tester", "a:b"},
		{"  tester:" + pw + "@host:1 ", "host:1", "tester", pw},
		// No userinfo, or a Unix form whose path may hold '@' and ':'.
		{"localhost:3301", "localhost:3301", "", ""},
		{"unix:/tmp/u:p@x.sock", "unix:/tmp/u:p@x.sock", "", ""},
		{"unix/:/tmp/a@b", "unix/:/tmp/a@b", "", ""},
		{"/tmp/a:b@c", "/tmp/a:b@c", "", ""},
		{"./a@b", "./a@b", "", ""},
		{"http://u:" + pw + "@host:1", "http://u:" + pw + "@host:1", "", ""},
	}
	for _, tc := range cases {
		rest, user, password, err := transport.SplitCredentials(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, []string{tc.rest, tc.user, tc.password}, []string{rest, user, password}, tc.in)
	}
	// What SplitCredentials leaves parses; a dialer takes it.
	rest, _, _, err := transport.SplitCredentials("tester:" + pw + "@unix/:/tmp/t.sock")
	require.NoError(t, err)
	a, err := transport.ParseAddress(rest)
	require.NoError(t, err)
	require.Equal(t, transport.Address{Network: transport.NetworkUnix, Address: "/tmp/t.sock"}, a)

	_, _, _, err = transport.SplitCredentials(":" + pw + "@host:1")
	var ae *transport.AddressError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, ":xxxxx@host:1", ae.Input)
	require.Contains(t, ae.Reason, "missing user")
}

// An address with credentials is refused by ParseAddress and NewDialer,
// and no way of printing the error shows the password.
func TestAddressErrorRedactsPassword(t *testing.T) {
	cases := []struct{ in, shown string }{
		{"tester:" + pw + "@localhost:3301", "tester:xxxxx@localhost:3301"},
		{"tcp://tester:" + pw + "@localhost:3301", "tcp://tester:xxxxx@localhost:3301"},
		{"tester:" + pw + "@localhost", "tester:xxxxx@localhost"},
		{"http://tester:" + pw + "@localhost:1", "http://tester:xxxxx@localhost:1"},
		{"tester:" + pw + "@unix/:/tmp/t.sock", "tester:xxxxx@unix/:/tmp/t.sock"},
		{"tester:p@ss" + pw + "@host:1", "tester:xxxxx@host:1"},
		{":" + pw + "@host:1", ":xxxxx@host:1"},
	}
	for _, tc := range cases {
		_, perr := transport.ParseAddress(tc.in)
		_, derr := transport.NewDialer(tc.in)
		for _, err := range []error{perr, derr} {
			var ae *transport.AddressError
			require.True(t, errors.As(err, &ae), "%s: %v", tc.in, err)
			require.Equal(t, tc.shown, ae.Input)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%t", "%T"} {
				text := fmt.Sprintf(verb, err)
				require.NotContains(t, text, pw, verb)
				require.NotContains(t, text, fmt.Sprintf("%x", pw), verb)
			}
		}
	}
	for in, want := range map[string]string{
		"no-at-sign":                      "no-at-sign",
		"user@host:1":                     "user@host:1",
		"unix:tester:" + pw + "@/tmp/x":   "unix:tester:xxxxx@/tmp/x",
		" unix/:tester:" + pw + "@/tmp/x": " unix/:tester:xxxxx@/tmp/x",
		"/tmp/a:b@c":                      "/tmp/a:xxxxx@c",
	} {
		require.Equal(t, want, transport.RedactedForTest(in), in)
	}
}
