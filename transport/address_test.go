package transport_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/transport"
)

func TestParseAddress(t *testing.T) {
	tcp := func(a string) transport.Address { return transport.Address{Network: "tcp", Address: a} }
	unix := func(p string) transport.Address { return transport.Address{Network: "unix", Address: p} }
	cases := []struct {
		in     string
		want   transport.Address
		str    string
		reason string // non-empty: expect an *AddressError whose Reason contains it
	}{
		{in: "127.0.0.1:3301", want: tcp("127.0.0.1:3301"), str: "127.0.0.1:3301"},
		{in: "localhost:3301", want: tcp("localhost:3301"), str: "localhost:3301"},
		{in: "tcp://localhost:3301", want: tcp("localhost:3301"), str: "localhost:3301"},
		{in: "TCP://10.0.0.1:3301", want: tcp("10.0.0.1:3301"), str: "10.0.0.1:3301"},
		{in: "[::1]:3301", want: tcp("[::1]:3301"), str: "[::1]:3301"},
		{in: "tcp://[::1]:3301", want: tcp("[::1]:3301"), str: "[::1]:3301"},
		{in: "[fe80::1%eth0]:3301", want: tcp("[fe80::1%eth0]:3301"), str: "[fe80::1%eth0]:3301"},
		{in: "3301", want: tcp("127.0.0.1:3301"), str: "127.0.0.1:3301"},
		{in: "  localhost:03301 ", want: tcp("localhost:3301"), str: "localhost:3301"},
		{in: "unix:/tmp/t.sock", want: unix("/tmp/t.sock"), str: "unix:/tmp/t.sock"},
		{in: "UNIX:/tmp/t.sock", want: unix("/tmp/t.sock"), str: "unix:/tmp/t.sock"},
		{in: "unix:///tmp/t.sock", want: unix("/tmp/t.sock"), str: "unix:/tmp/t.sock"},
		{in: "unix/:/tmp/t.sock", want: unix("/tmp/t.sock"), str: "unix:/tmp/t.sock"},
		{in: "unix:t.sock", want: unix("t.sock"), str: "unix:t.sock"},
		{in: "/tmp/t.sock", want: unix("/tmp/t.sock"), str: "unix:/tmp/t.sock"},
		{in: "./t.sock", want: unix("./t.sock"), str: "unix:./t.sock"},
		{in: "../run/t.sock", want: unix("../run/t.sock"), str: "unix:../run/t.sock"},

		{in: "", reason: "empty address"},
		{in: "   ", reason: "empty address"},
		{in: "unix:", reason: "empty unix socket path"},
		{in: "unix://", reason: "absolute path"},
		{in: "unix://tmp/t.sock", reason: "absolute path"},
		{in: "unix:/" + strings.Repeat("x", 120), reason: "the limit is 107"},
		{in: "unix:/tmp/a\x00b", reason: "NUL"},
		{in: "localhost", reason: "missing port"},
		{in: ":3301", reason: "missing host"},
		{in: "localhost:http", reason: "not a number"},
		{in: "localhost:0", reason: "out of range"},
		{in: "localhost:65536", reason: "out of range"},
		{in: "0", reason: "out of range"},
		{in: "::1:3301", reason: "too many colons"},
		{in: "tester@localhost:3301", reason: "credentials"},
		{in: "tcp://localhost:3301/db", reason: "nothing after the port"},
		{in: "http://localhost:3301", reason: "unknown scheme"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := transport.ParseAddress(tc.in)
			if tc.reason != "" {
				var ae *transport.AddressError
				require.True(t, errors.As(err, &ae), "want *AddressError, got %v", err)
				require.Equal(t, tc.in, ae.Input)
				require.Contains(t, ae.Reason, tc.reason)
				require.Contains(t, err.Error(), "invalid address")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.str, got.String())
			again, err := transport.ParseAddress(got.String())
			require.NoError(t, err, "String() must round-trip")
			require.Equal(t, got, again)
		})
	}
}

func TestAddressStringZero(t *testing.T) {
	require.Equal(t, "", transport.Address{}.String())
}
