package core

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSelfSignedCert: the certificate names the loopback hosts and the extra ones, and verifies against its
// CA and nothing else; a fresh call makes a fresh CA.
func TestSelfSignedCert(t *testing.T) {
	t.Parallel()
	cert, caPEM, err := SelfSignedCert("fakecloud.test", "10.1.2.3", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("CA PEM does not parse:\n%s", caPEM)
	}
	leaf := cert.Leaf
	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Errorf("key %T, want ECDSA P-256", leaf.PublicKey)
	}
	if life := leaf.NotAfter.Sub(leaf.NotBefore); life > CertValidity || life < time.Hour {
		t.Errorf("valid for %v", life)
	}
	if leaf.IsCA {
		t.Error("the server certificate is a CA")
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost", "fakecloud.test", "10.1.2.3"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: host}); err != nil {
			t.Errorf("verify for %s: %v", host, err)
		}
	}
	if len(leaf.DNSNames) != 2 || len(leaf.IPAddresses) != 3 {
		t.Errorf("names %v %v: a host given twice is listed once", leaf.DNSNames, leaf.IPAddresses)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "example.com"}); err == nil {
		t.Error("verified for a host it does not name")
	}
	_, otherPEM, err := SelfSignedCert()
	if err != nil {
		t.Fatal(err)
	}
	other := x509.NewCertPool()
	other.AppendCertsFromPEM(otherPEM)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: other, DNSName: "localhost"}); err == nil {
		t.Error("verified against another call's CA")
	}
}

// TestSelfSignedCertServes: an HTTPS server with the certificate answers a client trusting the CA; a client
// trusting the system roots only refuses it.
func TestSelfSignedCertServes(t *testing.T) {
	t.Parallel()
	cert, caPEM, err := SelfSignedCert()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below is expected
	hs.StartTLS()
	t.Cleanup(hs.Close)

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := trusting.Get(hs.URL)
	if err != nil {
		t.Fatalf("trusting client: %v", err)
	}
	resp.Body.Close()

	_, err = (&http.Client{Transport: &http.Transport{}}).Get(hs.URL)
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("client trusting the system roots: %v, want an unknown authority", err)
	}
}
