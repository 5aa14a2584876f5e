package sdkconformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/modelarts"
)

// ModelArts has no SDK: seed 002 (canceling the authorization of an API to an app, DeleteApiAppAuth in API
// Explorer) is the reference. These types are its parameter tables, written the way the SDK's generator
// writes models: what the tables mark mandatory without omitempty, everything else a pointer with omitempty.

// seedRevokeRequest is the request body.
type seedRevokeRequest struct {
	Apps        []seedApp `json:"apps"`
	WorkspaceID *string   `json:"workspace_id,omitempty"`
}

type seedApp struct {
	AppID string `json:"app_id"`
}

// seedRevokeResponse is the body of the 200.
type seedRevokeResponse struct {
	UnauthResult *[]seedAppAuthResultInfo `json:"unauth_result,omitempty"`
}

type seedAppAuthResultInfo struct {
	APIID   *string `json:"api_id,omitempty"`
	AppID   *string `json:"app_id,omitempty"`
	AuthID  *string `json:"auth_id,omitempty"`
	Reason  *string `json:"reason,omitempty"`
	Success *bool   `json:"success,omitempty"`
}

// seedErrorBody is the body of the 401 and 403.
type seedErrorBody struct {
	ErrorCode *string `json:"error_code,omitempty"`
	ErrorMsg  *string `json:"error_msg,omitempty"`
}

// The seed's examples, verbatim. The example response names other IDs than the example request.
const (
	seedRequestExample  = `{"apps":[{"app_id":"fb1a9eadd87b48abbd74b8ba1755dffd"}]}`
	seedResponseExample = `{"unauth_result":[{"api_id":"logic-api-fe84e858-49ec-41c6-80d7-a34fc22435c2",` +
		`"app_id":"logic-app-9b9acb40-6df6-4623-9f87-e0dae781d867","success":true}]}`
)

const (
	maService = "3b9d6a0e-2c4f-4e1a-9a7b-5c8d1e2f3a4b"
	maAPI     = "logic-api-fe84e858-49ec-41c6-80d7-a34fc22435c2" // the example response's API
	maApp     = "fb1a9eadd87b48abbd74b8ba1755dffd"               // the example request's app
)

func modelArtsFixture() fakecloud.Fixture {
	return fakecloud.Fixture{ModelArts: modelarts.InProject(fakecloud.DefaultProjectID,
		[]modelarts.App{{ID: maApp, Name: "seed_app"}},
		[]modelarts.ServiceFixture{{ID: maService, Name: "seed-service", APIs: []modelarts.API{{ID: maAPI, Name: "predict", AuthType: "APP"}}}},
		modelarts.Authorization{ServiceID: maService, APIID: maAPI, AppID: maApp},
	)}
}

func TestModelArtsSeedTypes(t *testing.T) {
	t.Parallel()
	// The types above take the seed's own examples, or they are not the seed's.
	for _, ex := range []struct {
		raw   string
		model reflect.Type
	}{
		{seedRequestExample, reflect.TypeFor[seedRevokeRequest]()},
		{seedResponseExample, reflect.TypeFor[seedRevokeResponse]()},
	} {
		for _, p := range checkShape([]byte(ex.raw), ex.model) {
			t.Errorf("seed example %s: %s", ex.raw, p)
		}
	}
}

func TestModelArts(t *testing.T) {
	t.Parallel()
	c := start(t, fakecloud.Options{}, modelArtsFixture())
	project := "/v1/" + fakecloud.DefaultProjectID
	revokePath := fmt.Sprintf("%s/services/%s/app-auth-apis/%s/app-auth-api", project, maService, maAPI)
	// The seed names this path as the same call.
	olderPath := fmt.Sprintf("%s/app-auth/%s/apis/%s/auths", project, maService, maAPI)

	// revoke sends the seed's example request and checks the answer: status, the strict shape, and that each
	// field of the seed's example answer is there in its JSON type.
	revoke := func(t *testing.T, path string, wantSuccess bool) seedAppAuthResultInfo {
		t.Helper()
		ex := c.raw(t, http.MethodDelete, path, seedRequestExample)
		if ex.status != http.StatusOK {
			t.Fatalf("DeleteApiAppAuth: %d %s, want 200", ex.status, ex.body)
		}
		expectShape(t, "DeleteApiAppAuth", ex, reflect.TypeFor[seedRevokeResponse]())
		for _, p := range sameJSONTypes([]byte(seedResponseExample), ex.body) {
			t.Errorf("DeleteApiAppAuth (%s %s) against the seed's example answer: %s", ex.method, ex.path, p)
		}
		var body seedRevokeResponse
		if err := json.Unmarshal(ex.body, &body); err != nil || len(deref(body.UnauthResult)) != 1 {
			t.Fatalf("DeleteApiAppAuth: %s, want one item", ex.body)
		}
		item := deref(body.UnauthResult)[0]
		if deref(item.APIID) != maAPI || deref(item.AppID) != maApp || deref(item.Success) != wantSuccess {
			t.Errorf("DeleteApiAppAuth: item %s, want api %s, app %s, success %t", ex.body, maAPI, maApp, wantSuccess)
		}
		if !wantSuccess && deref(item.Reason) == "" {
			t.Errorf("DeleteApiAppAuth: a failed item without a reason: %s", ex.body)
		}
		return item
	}

	t.Run("DeleteApiAppAuth", func(t *testing.T) {
		revoke(t, revokePath, true)
		// Per-app failures come inside the 200: the app is not authorized any more.
		revoke(t, revokePath+"?workspace_id=0", false)
	})
	t.Run("DeleteApiAppAuth under the older path", func(t *testing.T) {
		if err := c.ModelArts().Authorize(fakecloud.DefaultProjectID, maService, maAPI, "0", maApp); err != nil {
			t.Fatal(err)
		}
		revoke(t, olderPath, true)
	})
	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			path    string
			headers []string
			status  int
			code    string
		}{
			{"DeleteApiAppAuth of an unknown service", fmt.Sprintf("%s/services/%s/app-auth-apis/%s/app-auth-api", project, "00000000-0000-4000-8000-000000000000", maAPI), nil, http.StatusNotFound, "ModelArts.3502"},
			{"DeleteApiAppAuth of an unknown API", fmt.Sprintf("%s/services/%s/app-auth-apis/%s/app-auth-api", project, maService, "logic-api-00000000-0000-4000-8000-000000000000"), nil, http.StatusNotFound, "ModelArts.3512"},
			{"DeleteApiAppAuth without a token", revokePath, []string{"X-Auth-Token", ""}, http.StatusUnauthorized, "ModelArts.0101"},
			{"DeleteApiAppAuth with another project's token", revokePath, []string{"X-Auth-Token", fakecloud.OtherProjectToken}, http.StatusForbidden, "ModelArts.0105"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ex := c.raw(t, http.MethodDelete, tt.path, seedRequestExample, tt.headers...)
				var body seedErrorBody
				if err := json.Unmarshal(ex.body, &body); err != nil || ex.status != tt.status || deref(body.ErrorCode) != tt.code || deref(body.ErrorMsg) == "" {
					t.Errorf("%d %s, want %d with error_code %s and a message", ex.status, ex.body, tt.status, tt.code)
				}
				if !requestIDPattern.MatchString(ex.header.Get("X-Request-Id")) {
					t.Errorf("X-Request-Id %q", ex.header.Get("X-Request-Id"))
				}
				expectShape(t, "DeleteApiAppAuth", ex, reflect.TypeFor[seedErrorBody]())
			})
		}
	})
}

// sameJSONTypes reports each field of the example (an object, its arrays' first items followed) that the
// answer lacks or holds in another JSON type.
func sameJSONTypes(example, answer []byte) []string {
	decode := func(raw []byte) (any, error) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		return v, dec.Decode(&v)
	}
	ex, err := decode(example)
	if err != nil {
		return []string{"example: " + err.Error()}
	}
	got, err := decode(answer)
	if err != nil {
		return []string{"answer: " + err.Error()}
	}
	var problems []string
	var walk func(path string, ex, got any)
	walk = func(path string, ex, got any) {
		if reflect.TypeOf(ex) != reflect.TypeOf(got) {
			problems = append(problems, fmt.Sprintf("%s: %s in the example, %s in the answer", path, describe(ex), describe(got)))
			return
		}
		switch e := ex.(type) {
		case map[string]any:
			g := got.(map[string]any)
			for _, k := range slices.Sorted(maps.Keys(e)) {
				walk(join(path, k), e[k], g[k])
			}
		case []any:
			if g := got.([]any); len(e) > 0 && len(g) > 0 {
				walk(path+"[0]", e[0], g[0])
			}
		}
	}
	walk("", ex, got)
	return problems
}
