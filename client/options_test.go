package client_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/tlsproxy"
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

// TestOptionsShowTLSSummary: the options show whether TLS is on, its
// server name, whether a client certificate is set and InsecureSkipVerify,
// and nothing of keys or certificates.
func TestOptionsShowTLSSummary(t *testing.T) {
	pki, err := tlsproxy.NewPKI()
	require.NoError(t, err)
	off := client.Options{User: "app"}
	require.Contains(t, off.String(), "TLS:off")
	js, err := json.Marshal(off)
	require.NoError(t, err)
	require.Contains(t, string(js), `"TLS":null`)

	cfg := pki.ClientConfig(true)
	cfg.ServerName = "db.example"
	opts := client.Options{User: "app", Password: "s3cr3t", TLS: cfg}
	const want = `TLS:{ServerName:"db.example" ClientCert:true InsecureSkipVerify:false}`
	var texts []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, opts)
		require.Contains(t, out, want, verb)
		texts = append(texts, out)
	}
	js, err = json.Marshal(opts)
	require.NoError(t, err)
	require.Contains(t, string(js), `"TLS":{"ServerName":"db.example","ClientCert":true,"InsecureSkipVerify":false}`)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("connecting", "opts", opts)
	require.Contains(t, logged.String(), "db.example")
	texts = append(texts, string(js), logged.String())

	key := pki.Client.PrivateKey.(*ecdsa.PrivateKey).D
	for _, text := range texts {
		require.NotContains(t, text, "PrivateKey")
		require.NotContains(t, text, "BEGIN")
		require.NotContains(t, text, key.String())
		require.NotContains(t, text, key.Text(16))
		require.NotContains(t, text, hex.EncodeToString(pki.Client.Leaf.Raw[:32]))
		require.NotContains(t, text, pki.Client.Leaf.SerialNumber.String())
		require.NotContains(t, text, "s3cr3t")
		require.Less(t, len(text), 400)
	}

	insecure := client.Options{TLS: &tls.Config{InsecureSkipVerify: true}}
	require.Contains(t, insecure.String(), `TLS:{ServerName:"" ClientCert:false InsecureSkipVerify:true}`)
}
