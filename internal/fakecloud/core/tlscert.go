package core

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
	"slices"
	"time"
)

// CertValidity is how long a certificate from SelfSignedCert is valid: long enough for a working session,
// short enough that a copied CA file soon trusts nothing. A restarted server has a new one.
const CertValidity = 7 * 24 * time.Hour

// SelfSignedCert makes a certificate for serving HTTPS on 127.0.0.1, ::1 and localhost and on hosts (more
// IP addresses or DNS names), signed by a fresh CA whose key is thrown away once it has signed: trusting
// caPEM, the CA's certificate, trusts this one server and nothing else. Keys are ECDSA P-256; both
// certificates are valid for CertValidity from an hour ago (for clients whose clock is a little behind).
func SelfSignedCert(hosts ...string) (cert tls.Certificate, caPEM []byte, err error) {
	names := []string{"localhost", "127.0.0.1", "::1"}
	for _, h := range hosts {
		if h != "" && !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	notBefore := time.Now().Add(-time.Hour)
	notAfter := notBefore.Add(CertValidity)

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("fakecloud: CA key: %w", err)
	}
	caTemplate := &x509.Certificate{
		Subject:               pkix.Name{Organization: []string{"fakecloud"}, CommonName: "fakecloud local CA"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true, // it signs the server's certificate, never another CA
	}
	caDER, err := createCert(caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("fakecloud: CA certificate: %w", err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("fakecloud: server key: %w", err)
	}
	template := &x509.Certificate{
		Subject:     pkix.Name{Organization: []string{"fakecloud"}, CommonName: "fakecloud"},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range names {
		if ip := net.ParseIP(h); ip != nil {
			template.IPAddresses = append(template.IPAddresses, ip)
		} else {
			template.DNSNames = append(template.DNSNames, h)
		}
	}
	der, err := createCert(template, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("fakecloud: server certificate: %w", err)
	}
	cert = tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key, Leaf: leaf}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

// createCert signs template with a random 128-bit serial number.
func createCert(template, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("fakecloud: serial number: %w", err)
	}
	template.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("fakecloud: certificate: %w", err)
	}
	return der, nil
}
