package core

import (
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// fuzzRoutes are IAM's calls: the login, and the two reads clients make with its token.
var fuzzRoutes = []fakecloudtest.FuzzRoute{
	{Method: "POST", Path: "/v3/auth/tokens"},
	{Method: "GET", Path: "/v3/projects"},
	{Method: "GET", Path: "/v3/auth/domains"},
}

// FuzzIAMHandlers sends fuzzed queries and bodies to IAM's calls, with a valid token: whatever comes, the
// answer keeps the clouds' envelope (fakecloudtest.FuzzCall).
func FuzzIAMHandlers(f *testing.F) {
	for _, seed := range []struct {
		route uint8
		query string
		body  string
	}{
		{0, "", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"demo-password-123","domain":{"name":"demo-domain"}}}},"scope":{"project":{"name":"eu-de"}}}}`},
		{0, "nocatalog=true", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"demo-password-123","domain":{"name":"demo-domain"}}}},"scope":{"domain":{"id":"5d1c6b0a4e8f4c2d9a7b3e1f0c6d8a2b"}}}}`},
		{0, "", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"wrong","domain":{"name":"demo-domain"}}}},"scope":{"project":{"id":"0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b","name":"eu-nl"}}}}`},
		{0, "", `{"auth":{"identity":{"methods":"password"},"scope":{"project":null,"domain":{}}}}`},
		{0, "", `[]`},
		{1, "name=eu-de", ""},
		{1, "name=%ZZ&name=eu-nl", ""},
		{2, "", ""},
	} {
		f.Add(seed.route, seed.query, []byte(seed.body))
	}
	srv := fakecloudtest.StartFuzz(f)
	f.Fuzz(func(t *testing.T, route uint8, rawQuery string, body []byte) {
		srv.Serve(New(Options{}))
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		srv.FuzzCall(t, DefaultToken, r.Method, r.Path, rawQuery, body)
	})
}
