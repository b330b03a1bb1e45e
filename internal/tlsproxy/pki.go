package tlsproxy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// DefaultServerNames are the names the server certificate of NewPKI is
// valid for when none are given: the loopback addresses and localhost.
var DefaultServerNames = []string{"localhost", "127.0.0.1", "::1"}

// PKI is a throwaway certificate authority with one server and one client
// certificate it signed. Everything lives in memory; keys are ECDSA P-256.
type PKI struct {
	// CA is the self-signed CA certificate.
	CA *x509.Certificate
	// CAPEM is CA in PEM form, as a CA file would hold it.
	CAPEM []byte
	// Server is the server certificate and key, valid for the names given
	// to NewPKI (IP addresses as IP SANs, others as DNS SANs).
	Server tls.Certificate
	// Client is a client certificate and key (CN "txtarantool-test-client")
	// for client authentication.
	Client tls.Certificate
}

// NewPKI generates a CA, a server certificate valid for serverNames
// (DefaultServerNames if none) and a client certificate, valid from an hour
// ago for a day. Cost: three ECDSA key generations and signatures, well
// under a millisecond each.
func NewPKI(serverNames ...string) (*PKI, error) {
	if len(serverNames) == 0 {
		serverNames = DefaultServerNames
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := template("txtarantool-test-ca")
	caTmpl.IsCA = true
	caTmpl.BasicConstraintsValid = true
	caTmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("tlsproxy: create CA: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}

	srvTmpl := template("txtarantool-test-server")
	srvTmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	for _, name := range serverNames {
		if ip := net.ParseIP(name); ip != nil {
			srvTmpl.IPAddresses = append(srvTmpl.IPAddresses, ip)
		} else {
			srvTmpl.DNSNames = append(srvTmpl.DNSNames, name)
		}
	}
	server, err := leaf(srvTmpl, ca, caKey)
	if err != nil {
		return nil, err
	}
	cliTmpl := template("txtarantool-test-client")
	cliTmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	client, err := leaf(cliTmpl, ca, caKey)
	if err != nil {
		return nil, err
	}
	return &PKI{
		CA:     ca,
		CAPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Server: server,
		Client: client,
	}, nil
}

// template returns a certificate template with a random serial number.
func template(cn string) *x509.Certificate {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"txtarantool tests"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
}

// leaf generates a key and a certificate from tmpl signed by ca.
func leaf(tmpl, ca *x509.Certificate, caKey *ecdsa.PrivateKey) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsproxy: create %s: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, nil
}

// Pool returns a new pool holding only the CA certificate.
func (p *PKI) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CA)
	return pool
}

// ServerConfig returns a server configuration presenting the server
// certificate. With requireClientCert, clients must present a certificate
// signed by the CA.
func (p *PKI) ServerConfig(requireClientCert bool) *tls.Config {
	cfg := &tls.Config{Certificates: []tls.Certificate{p.Server}, MinVersion: tls.VersionTLS12}
	if requireClientCert {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = p.Pool()
	}
	return cfg
}

// ClientConfig returns a client configuration trusting only the CA, with
// the client certificate if withCert. ServerName is left empty.
func (p *PKI) ClientConfig(withCert bool) *tls.Config {
	cfg := &tls.Config{RootCAs: p.Pool(), MinVersion: tls.VersionTLS12}
	if withCert {
		cfg.Certificates = []tls.Certificate{p.Client}
	}
	return cfg
}
