package protocol

import (
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// makeGreeting pads two lines to 64 bytes each, as Tarantool does.
func makeGreeting(line1, line2 string) []byte {
	pad := func(s string) string {
		if len(s) >= 63 {
			return s[:63] + "\n"
		}
		return s + strings.Repeat(" ", 63-len(s)) + "\n"
	}
	return []byte(pad(line1) + pad(line2))
}

var testSalt = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

func TestParseGreeting(t *testing.T) {
	tests := []struct {
		line1 string
		want  Greeting
	}{
		{"Tarantool 2.6.0 (Binary) d42b59dc-f7e4-4ec0-b338-6e2eaceb71af",
			Greeting{Product: "Tarantool", Version: Version{2, 6, 0}, Protocol: "Binary", InstanceUUID: "d42b59dc-f7e4-4ec0-b338-6e2eaceb71af"}},
		{"Tarantool 2.6.0-0-g47aa4e01e (Binary) d42b59dc-f7e4-4ec0-b338",
			Greeting{Product: "Tarantool", Version: Version{2, 6, 0}, Protocol: "Binary", InstanceUUID: "d42b59dc-f7e4-4ec0-b338"}},
		{"Tarantool 2.11.1 (Binary) d42b59dc-f7e4-4ec0-b338-6e2eaceb71af",
			Greeting{Product: "Tarantool", Version: Version{2, 11, 1}, Protocol: "Binary", InstanceUUID: "d42b59dc-f7e4-4ec0-b338-6e2eaceb71af"}},
		{"Tarantool 3.0.0-alpha1 (Binary) x",
			Greeting{Product: "Tarantool", Version: Version{3, 0, 0}, Protocol: "Binary", InstanceUUID: "x"}},
		{"Tarantool 1.6 (Binary)",
			Greeting{Product: "Tarantool", Version: Version{1, 6, 0}, Protocol: "Binary"}},
	}
	for _, tt := range tests {
		t.Run(tt.line1, func(t *testing.T) {
			g, err := ParseGreeting(makeGreeting(tt.line1, testSalt))
			require.NoError(t, err)
			tt.want.Salt = []byte("0123456789abcdef0123456789abcdef")
			require.Equal(t, tt.want, g)
		})
	}
}

func TestParseGreetingErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		is   error
		msg  string
	}{
		{"short", []byte("Tarantool"), ErrShortBuffer, "need 128 bytes"},
		{"console", makeGreeting("Tarantool 2.6.0 (Lua console)", "type 'help' for interactive help"), nil, `"Lua console" protocol`},
		{"no version", makeGreeting("Tarantool", testSalt), nil, "no product and version"},
		{"bad version", makeGreeting("Tarantool x.y.z (Binary) u", testSalt), nil, "bad version"},
		{"one-part version", makeGreeting("Tarantool 2 (Binary) u", testSalt), nil, "bad version"},
		{"version overflow", makeGreeting("Tarantool 2.99999999999.0 (Binary) u", testSalt), nil, "bad version"},
		{"no protocol", makeGreeting("Tarantool 2.6.0 Binary", testSalt), nil, "no protocol"},
		{"unterminated protocol", makeGreeting("Tarantool 2.6.0 (Binary", testSalt), nil, "unterminated"},
		{"bad base64", makeGreeting("Tarantool 2.6.0 (Binary) u", "!!!!"), nil, "not base64"},
		{"short salt", makeGreeting("Tarantool 2.6.0 (Binary) u", base64.StdEncoding.EncodeToString(make([]byte, 19))), ErrSaltTooShort, "salt of 19 bytes"},
		{"empty", make([]byte, 128), nil, "no product"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGreeting(tt.in)
			var ge *GreetingError
			require.ErrorAs(t, err, &ge)
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
			require.Contains(t, err.Error(), tt.msg)
			require.True(t, strings.HasPrefix(err.Error(), "protocol: bad greeting: "))
		})
	}
}

func TestVersion(t *testing.T) {
	v := Version{2, 6, 0}
	require.Equal(t, "2.6.0", v.String())
	require.True(t, v.AtLeast(2, 6, 0))
	require.True(t, v.AtLeast(2, 5, 9))
	require.True(t, v.AtLeast(1, 10, 99))
	require.False(t, v.AtLeast(2, 6, 1))
	require.False(t, v.AtLeast(2, 10, 0))
	require.False(t, v.AtLeast(3, 0, 0))
}

func TestScramble(t *testing.T) {
	salt := []byte("0123456789abcdef0123456789abcdef")
	// Reference computation, spelled out.
	h1 := sha1.Sum([]byte("secret"))
	h2 := sha1.Sum(h1[:])
	h3 := sha1.Sum(append(append([]byte{}, salt[:20]...), h2[:]...))
	want := make([]byte, 20)
	for i := range want {
		want[i] = h1[i] ^ h3[i]
	}
	got, err := Scramble(salt, "secret")
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Only the first 20 bytes of the salt matter.
	got2, err := Scramble(salt[:20], "secret")
	require.NoError(t, err)
	require.Equal(t, want, got2)

	dst := []byte{9}
	out, err := AppendScramble(dst, salt, "secret")
	require.NoError(t, err)
	require.Equal(t, append([]byte{9}, want...), out)

	_, err = Scramble(salt[:19], "secret")
	require.ErrorIs(t, err, ErrSaltTooShort)
	out, err = AppendScramble(dst, nil, "x")
	require.ErrorIs(t, err, ErrSaltTooShort)
	require.Equal(t, []byte{9}, out)
}
