package client_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

// TestOptionsNeverShowPassword formats Options with every verb and as JSON.
func TestOptionsNeverShowPassword(t *testing.T) {
	const secret = "s3cr3t-pa55word"
	opts := client.Options{User: "app", Password: secret}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, opts)
		require.NotContains(t, out, secret, verb)
		require.Contains(t, out, "app", verb)
	}
	js, err := json.Marshal(opts)
	require.NoError(t, err)
	require.NotContains(t, string(js), secret)
	require.Contains(t, string(js), `"Password":"[redacted]"`)
	js, err = json.Marshal(struct{ Opts client.Options }{opts})
	require.NoError(t, err)
	require.NotContains(t, string(js), secret)
}
