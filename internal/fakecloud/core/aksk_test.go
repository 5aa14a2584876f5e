package core

import (
	"net/http"
	"net/url"
	"testing"
)

func TestCanonicalForms(t *testing.T) {
	t.Parallel()
	if got, want := canonicalURI("/v2/a b/ä"), "/v2/a%20b/%C3%A4/"; got != want {
		t.Errorf("canonicalURI = %q, want %q", got, want)
	}
	if got, want := canonicalURI("/"), "/"; got != want {
		t.Errorf("canonicalURI(/) = %q, want %q", got, want)
	}
	r := &http.Request{URL: &url.URL{RawQuery: "b=2&a=z&a=y&c=&d=%2A~"}}
	if got, want := canonicalQuery(r), "a=y&a=z&b=2&c=&d=%2A~"; got != want {
		t.Errorf("canonicalQuery = %q, want %q", got, want)
	}
}
