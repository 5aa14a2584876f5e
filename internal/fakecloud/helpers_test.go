package fakecloud

import (
	"net/http"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// The whole fake cloud's tests run on the demo fixture: they prove it loads, and its APIG instance serves the
// core's features as the provider meets them.
const (
	demoFixture = "../../examples/demo/fixture.json"
	apigID      = "eddc4d25480b4cd6b512f270a1b8b341"
	apigBase    = "/v2/" + DefaultProjectID + "/apigw/instances/" + apigID
	appID       = "356de8eb7a8742168586e5daf5339965" // billing_frontend
	apiID       = "5f918d104dc84480a75166ba99efff21" // list_orders, published in RELEASE
	releaseEnv  = "DEFAULT_ENVIRONMENT_RELEASE_ID"

	modelArtsBase = "/v1/" + DefaultProjectID
	maServiceID   = "2c8a6e4f-1b3d-4f5a-9c7e-0d2b4f6a8c1e" // fraud_detector
	maAPIID       = "7d3f9b1e5a2c4e6f8b0d2a4c6e8f0b1d"     // score_transaction, app authentication
	maAppID       = "4a6c8e0b2d4f4a6c8e0b2d4f6a8c0e1b"     // checkout_service
)

type fake struct {
	*Server
	*fakecloudtest.Client
}

func start(t *testing.T, opts Options) *fake {
	t.Helper()
	s := New(opts)
	return &fake{Server: s, Client: fakecloudtest.Start(t, s, DefaultToken)}
}

func startDemo(t *testing.T, opts Options) *fake {
	t.Helper()
	f := start(t, opts)
	if err := f.LoadFile(demoFixture); err != nil {
		t.Fatal(err)
	}
	return f
}

// authorize asks for the demo app to be authorized for the demo API in RELEASE.
func (f *fake) authorize() fakecloudtest.Response {
	f.T.Helper()
	return f.Do(http.MethodPost, apigBase+"/app-auths", map[string]any{"env_id": releaseEnv, "app_ids": []string{appID}, "api_ids": []string{apiID}})
}

// authorized returns the item of a successful authorize.
func (f *fake) authorized() (id, status string) {
	f.T.Helper()
	resp := f.authorize()
	resp.ExpectStatus(f.T, http.StatusCreated)
	var body struct {
		Auths []struct {
			ID         string `json:"id"`
			AuthResult struct {
				Status string `json:"status"`
			} `json:"auth_result"`
		} `json:"auths"`
	}
	resp.Decode(f.T, &body)
	if len(body.Auths) != 1 {
		f.T.Fatalf("authorize answered %s", resp.Body)
	}
	return body.Auths[0].ID, body.Auths[0].AuthResult.Status
}
