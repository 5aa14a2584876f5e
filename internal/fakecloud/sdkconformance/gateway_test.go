package sdkconformance

import (
	"net/http"
	"slices"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	apig "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2"
	apigmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2/model"
	roma "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/roma/v2"
	romamodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/roma/v2/model"
)

// The objects of the gateway every APIG and ROMA Connect subtest starts from.
const (
	gwInstance = "conformance-gw"
	gwEnv      = "env-test"
	gwAppA     = "app-a" // authorized to nothing
	gwAppB     = "app-b" // authorized to gwAPIBound in gwEnv (record gwAuth), with an ACL
	gwAPIPub   = "api-pub"
	gwAPIDraft = "api-draft" // never published: authorizing it fails per item
	gwAPIBound = "api-bound"
	gwAuth     = "auth-b"
	gwUnknown  = "does-not-exist"
)

func gatewayFixture(flavor gateway.Flavor) fakecloud.Fixture {
	return fakecloud.Fixture{Gateway: gateway.InProject(fakecloud.DefaultProjectID, gateway.InstanceFixture{
		ID: gwInstance, Name: "conformance", Flavor: flavor,
		Apps: []gateway.App{{ID: gwAppA, Name: "app_alpha"}, {ID: gwAppB, Name: "app_beta", Remark: "bound"}},
		Envs: []gateway.Env{{ID: gwEnv, Name: "TEST", Remark: "conformance"}},
		APIs: []gateway.API{
			{ID: gwAPIPub, Name: "api_pub", GroupID: "group-1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/pub", AuthType: "APP", PublishedEnvs: []string{gwEnv}},
			{ID: gwAPIDraft, Name: "api_draft", GroupID: "group-1", GroupName: "group_one", ReqMethod: "POST", ReqURI: "/draft", AuthType: "APP"},
			{ID: gwAPIBound, Name: "api_bound", GroupID: "group-1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/bound", AuthType: "APP", Type: 2, PublishedEnvs: []string{gwEnv}},
		},
		AppAuths: []gateway.AppAuth{{ID: gwAuth, AppID: gwAppB, APIID: gwAPIBound, EnvID: gwEnv}},
		AppACLs:  []gateway.AppACL{{AppID: gwAppB, Type: "PERMIT", Values: []string{"10.0.0.1", "10.0.1.0/24"}}},
	})}
}

// gatewayCalls are the provider's calls of one gateway product, through its SDK package; the expectations are
// the same for both.
type gatewayCalls struct {
	create      func(t *testing.T, appID string, apiIDs ...string) []authOutcome
	boundAPIs   func(t *testing.T, appID string) []string                                  // the records' IDs
	unboundAPIs func(t *testing.T, appID string) []string                                  // the APIs' IDs
	boundApps   func(t *testing.T, apiID string) []string                                  // the apps' IDs
	putACL      func(t *testing.T, appID, aclType string, values []string) (echo []string) // app_id, app_acl_type, app_acl_values...
	showACL     func(t *testing.T, appID string) (aclType string, values []string)
	deleteACL   func(t *testing.T, appID string)
	listEnvs    func(t *testing.T) []string // the environments' names
	listAPIs    func(t *testing.T) []string // the APIs' IDs
	cancel      func(t *testing.T, authID string)
	errorCases  []namedCase // error answers, each as the SDK reports it
}

// authOutcome is one item of a create answer as the SDK decoded it.
type authOutcome struct{ apiID, status string }

func TestAPIG(t *testing.T) {
	t.Parallel()
	c := start(t, fakecloud.Options{}, gatewayFixture(gateway.FlavorAPIG))
	runGateway(t, c, apigCalls(c, apig.NewApigClient(c.projectClient(t, apig.ApigClientBuilder()))))
}

func TestROMA(t *testing.T) {
	t.Parallel()
	c := start(t, fakecloud.Options{}, gatewayFixture(gateway.FlavorROMA))
	runGateway(t, c, romaCalls(c, roma.NewRomaClient(c.projectClient(t, roma.RomaClientBuilder()))))
}

// runGateway makes every call in the order a Terraform run would, one subtest each, named after the SDK
// method. Each starts from the fixture's objects where it can, so that one failing leaves the others meaningful.
func runGateway(t *testing.T, c *cloud, g gatewayCalls) {
	t.Run("CreateAuthorizingAppsV2", func(t *testing.T) {
		got := g.create(t, gwAppA, gwAPIPub, gwAPIDraft)
		want := []authOutcome{{gwAPIPub, "SUCCESS"}, {gwAPIDraft, "FAILED"}}
		if !slices.Equal(got, want) {
			t.Errorf("first create: items %v, want %v", got, want)
		}
		// The same pair again: an item SKIPPED, not a second record.
		if got, want := g.create(t, gwAppA, gwAPIPub), []authOutcome{{gwAPIPub, "SKIPPED"}}; !slices.Equal(got, want) {
			t.Errorf("second create: items %v, want %v", got, want)
		}
	})
	t.Run("ListApisBindedToAppV2", func(t *testing.T) {
		if got := g.boundAPIs(t, gwAppB); !slices.Equal(got, []string{gwAuth}) {
			t.Errorf("records %v, want [%s]", got, gwAuth)
		}
	})
	t.Run("ListApisUnbindedToAppV2", func(t *testing.T) {
		if got := g.unboundAPIs(t, gwAppB); !slices.Equal(got, []string{gwAPIPub}) {
			t.Errorf("APIs %v, want [%s]", got, gwAPIPub)
		}
	})
	t.Run("ListAppsBindedToApiV2", func(t *testing.T) {
		if got := g.boundApps(t, gwAPIBound); !slices.Equal(got, []string{gwAppB}) {
			t.Errorf("apps %v, want [%s]", got, gwAppB)
		}
	})
	t.Run("UpdateAppAcl", func(t *testing.T) {
		values := []string{"192.168.0.5-192.168.0.10", "2407:c080:17ef:ffff::3104:703a/64"}
		if got, want := g.putACL(t, gwAppA, "DENY", values), append([]string{gwAppA, "DENY"}, values...); !slices.Equal(got, want) {
			t.Errorf("answer %v, want %v", got, want)
		}
	})
	t.Run("ShowDetailsOfAppAcl", func(t *testing.T) {
		if typ, values := g.showACL(t, gwAppB); typ != "PERMIT" || !slices.Equal(values, []string{"10.0.0.1", "10.0.1.0/24"}) {
			t.Errorf("ACL %s %v, want the fixture's", typ, values)
		}
	})
	t.Run("DeleteAppAcl", func(t *testing.T) {
		g.deleteACL(t, gwAppB)
		// What is left is the empty object, which the model must take too.
		if typ, values := g.showACL(t, gwAppB); typ != "" || values != nil {
			t.Errorf("ACL after delete %s %v, want none", typ, values)
		}
	})
	t.Run("ListEnvironmentsV2", func(t *testing.T) {
		if got := g.listEnvs(t); !slices.Equal(got, []string{"RELEASE", "TEST"}) {
			t.Errorf("environments %v", got)
		}
	})
	t.Run("ListApisV2", func(t *testing.T) {
		if got := g.listAPIs(t); len(got) != 3 {
			t.Errorf("APIs %v, want the fixture's three", got)
		}
	})
	t.Run("CancelingAuthorizationV2", func(t *testing.T) {
		g.cancel(t, gwAuth)
		if got := g.boundAPIs(t, gwAppB); len(got) != 0 {
			t.Errorf("records after cancel %v", got)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tt := range g.errorCases {
			t.Run(tt.name, tt.run)
		}
	})
}

func apigCalls(c *cloud, cli *apig.ApigClient) gatewayCalls {
	return gatewayCalls{
		create: func(t *testing.T, appID string, apiIDs ...string) []authOutcome {
			resp := sdkCall(t, c, http.StatusCreated, cli.CreateAuthorizingAppsV2, &apigmodel.CreateAuthorizingAppsV2Request{
				InstanceId: gwInstance, Body: &apigmodel.ApiAuthCreate{EnvId: gwEnv, AppIds: []string{appID}, ApiIds: apiIDs}})
			var out []authOutcome
			for _, a := range deref(resp.Auths) {
				var status string
				if a.AuthResult != nil && a.AuthResult.Status != nil {
					status = a.AuthResult.Status.Value()
				}
				out = append(out, authOutcome{deref(a.ApiId), status})
			}
			return out
		},
		boundAPIs: func(t *testing.T, appID string) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListApisBindedToAppV2, &apigmodel.ListApisBindedToAppV2Request{InstanceId: gwInstance, AppId: appID})
			return collect(resp.Auths, func(a apigmodel.ApiAuthInfo) *string { return a.Id })
		},
		unboundAPIs: func(t *testing.T, appID string) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListApisUnbindedToAppV2, &apigmodel.ListApisUnbindedToAppV2Request{InstanceId: gwInstance, AppId: appID, EnvId: gwEnv})
			return collect(resp.Apis, func(a apigmodel.ApiOutline) *string { return a.Id })
		},
		boundApps: func(t *testing.T, apiID string) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListAppsBindedToApiV2, &apigmodel.ListAppsBindedToApiV2Request{InstanceId: gwInstance, ApiId: &apiID})
			return collect(resp.Auths, func(a apigmodel.ApiAuthInfo) *string { return a.AppId })
		},
		putACL: func(t *testing.T, appID, aclType string, values []string) []string {
			resp := sdkCall(t, c, http.StatusCreated, cli.UpdateAppAcl, &apigmodel.UpdateAppAclRequest{
				InstanceId: gwInstance, AppId: appID, Body: &apigmodel.AppAclCreate{AppAclType: aclType, AppAclValues: values}})
			return append([]string{deref(resp.AppId), deref(resp.AppAclType)}, deref(resp.AppAclValues)...)
		},
		showACL: func(t *testing.T, appID string) (string, []string) {
			resp := sdkCall(t, c, http.StatusOK, cli.ShowDetailsOfAppAcl, &apigmodel.ShowDetailsOfAppAclRequest{InstanceId: gwInstance, AppId: appID})
			return deref(resp.AppAclType), deref(resp.AppAclValues)
		},
		deleteACL: func(t *testing.T, appID string) {
			sdkCall(t, c, http.StatusNoContent, cli.DeleteAppAcl, &apigmodel.DeleteAppAclRequest{InstanceId: gwInstance, AppId: appID})
		},
		listEnvs: func(t *testing.T) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListEnvironmentsV2, &apigmodel.ListEnvironmentsV2Request{InstanceId: gwInstance})
			return collect(resp.Envs, func(e apigmodel.EnvInfo) *string { return e.Name })
		},
		listAPIs: func(t *testing.T) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListApisV2, &apigmodel.ListApisV2Request{InstanceId: gwInstance})
			return collect(resp.Apis, func(a apigmodel.ApiInfoPerPage) *string { return a.Id })
		},
		cancel: func(t *testing.T, authID string) {
			sdkCall(t, c, http.StatusNoContent, cli.CancelingAuthorizationV2, &apigmodel.CancelingAuthorizationV2Request{InstanceId: gwInstance, AppAuthId: authID})
		},
		errorCases: []namedCase{
			{"CancelingAuthorizationV2 of an unknown record", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3009", cli.CancelingAuthorizationV2, &apigmodel.CancelingAuthorizationV2Request{InstanceId: gwInstance, AppAuthId: gwUnknown})
			}},
			{"ListApisBindedToAppV2 of an unknown app", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3004", cli.ListApisBindedToAppV2, &apigmodel.ListApisBindedToAppV2Request{InstanceId: gwInstance, AppId: gwUnknown})
			}},
			{"ShowDetailsOfAppAcl of an unknown app", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3004", cli.ShowDetailsOfAppAcl, &apigmodel.ShowDetailsOfAppAclRequest{InstanceId: gwInstance, AppId: gwUnknown})
			}},
			{"CreateAuthorizingAppsV2 in an unknown environment", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3003", cli.CreateAuthorizingAppsV2, &apigmodel.CreateAuthorizingAppsV2Request{
					InstanceId: gwInstance, Body: &apigmodel.ApiAuthCreate{EnvId: gwUnknown, AppIds: []string{gwAppA}, ApiIds: []string{gwAPIPub}}})
			}},
			{"ListEnvironmentsV2 of an unknown instance", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3030", cli.ListEnvironmentsV2, &apigmodel.ListEnvironmentsV2Request{InstanceId: gwUnknown})
			}},
		},
	}
}

func romaCalls(c *cloud, cli *roma.RomaClient) gatewayCalls {
	return gatewayCalls{
		create: func(t *testing.T, appID string, apiIDs ...string) []authOutcome {
			// ROMA Connect's own create fields, as the provider sends them: a green tunnel and a visit parameter.
			resp := sdkCall(t, c, http.StatusCreated, cli.CreateAuthorizingAppsV2, &romamodel.CreateAuthorizingAppsV2Request{
				InstanceId: gwInstance, Body: &romamodel.ApiAuthCreate{
					EnvId: gwEnv, AppIds: []string{appID}, ApiIds: apiIDs,
					AuthTunnel: ptr("GREEN"), AuthWhitelist: &[]string{"10.0.0.0/8"},
					VisitParams: &[]romamodel.ApiAuthVisitParam{{ApiId: apiIDs[0], VisitParam: "region_eu"}},
				}})
			var out []authOutcome
			for _, a := range deref(resp.Auths) {
				var status string
				if a.AuthResult != nil && a.AuthResult.Status != nil {
					status = a.AuthResult.Status.Value()
				}
				if status == "SUCCESS" && (deref(a.AuthTunnel) != "GREEN" || deref(a.VisitParams) != "region_eu" || !slices.Equal(deref(a.AuthWhitelist), []string{"10.0.0.0/8"})) {
					t.Errorf("item %s: tunnel %q, whitelist %v, visit_params %q; want the request's", deref(a.ApiId), deref(a.AuthTunnel), deref(a.AuthWhitelist), deref(a.VisitParams))
				}
				out = append(out, authOutcome{deref(a.ApiId), status})
			}
			return out
		},
		boundAPIs: func(t *testing.T, appID string) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListApisBindedToAppV2, &romamodel.ListApisBindedToAppV2Request{InstanceId: gwInstance, AppId: appID})
			return collect(resp.Auths, func(a romamodel.ApiAuthInfo) *string { return a.Id })
		},
		unboundAPIs: func(t *testing.T, appID string) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListApisUnbindedToAppV2, &romamodel.ListApisUnbindedToAppV2Request{InstanceId: gwInstance, AppId: appID, EnvId: gwEnv})
			return collect(resp.Apis, func(a romamodel.ApiOutline) *string { return a.Id })
		},
		boundApps: func(t *testing.T, apiID string) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListAppsBindedToApiV2, &romamodel.ListAppsBindedToApiV2Request{InstanceId: gwInstance, ApiId: &apiID})
			return collect(resp.Auths, func(a romamodel.ApiAuthInfo) *string { return a.AppId })
		},
		putACL: func(t *testing.T, appID, aclType string, values []string) []string {
			resp := sdkCall(t, c, http.StatusCreated, cli.UpdateAppAcl, &romamodel.UpdateAppAclRequest{
				InstanceId: gwInstance, AppId: appID, Body: &romamodel.AppAclCreate{AppAclType: aclType, AppAclValues: values}})
			return append([]string{deref(resp.AppId), deref(resp.AppAclType)}, deref(resp.AppAclValues)...)
		},
		showACL: func(t *testing.T, appID string) (string, []string) {
			resp := sdkCall(t, c, http.StatusOK, cli.ShowDetailsOfAppAcl, &romamodel.ShowDetailsOfAppAclRequest{InstanceId: gwInstance, AppId: appID})
			return deref(resp.AppAclType), deref(resp.AppAclValues)
		},
		deleteACL: func(t *testing.T, appID string) {
			sdkCall(t, c, http.StatusNoContent, cli.DeleteAppAcl, &romamodel.DeleteAppAclRequest{InstanceId: gwInstance, AppId: appID})
		},
		listEnvs: func(t *testing.T) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListEnvironmentsV2, &romamodel.ListEnvironmentsV2Request{InstanceId: gwInstance})
			return collect(resp.Envs, func(e romamodel.EnvInfo) *string { return e.Name })
		},
		listAPIs: func(t *testing.T) []string {
			resp := sdkCall(t, c, http.StatusOK, cli.ListApisV2, &romamodel.ListApisV2Request{InstanceId: gwInstance})
			return collect(resp.Apis, func(a romamodel.ApiInfoPerPage) *string { return a.Id })
		},
		cancel: func(t *testing.T, authID string) {
			sdkCall(t, c, http.StatusNoContent, cli.CancelingAuthorizationV2, &romamodel.CancelingAuthorizationV2Request{InstanceId: gwInstance, AppAuthId: authID})
		},
		errorCases: []namedCase{
			{"CancelingAuthorizationV2 of an unknown record", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3009", cli.CancelingAuthorizationV2, &romamodel.CancelingAuthorizationV2Request{InstanceId: gwInstance, AppAuthId: gwUnknown})
			}},
			{"ListApisBindedToAppV2 of an unknown app", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3004", cli.ListApisBindedToAppV2, &romamodel.ListApisBindedToAppV2Request{InstanceId: gwInstance, AppId: gwUnknown})
			}},
			{"ShowDetailsOfAppAcl of an unknown app", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3004", cli.ShowDetailsOfAppAcl, &romamodel.ShowDetailsOfAppAclRequest{InstanceId: gwInstance, AppId: gwUnknown})
			}},
			{"CreateAuthorizingAppsV2 in an unknown environment", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3003", cli.CreateAuthorizingAppsV2, &romamodel.CreateAuthorizingAppsV2Request{
					InstanceId: gwInstance, Body: &romamodel.ApiAuthCreate{EnvId: gwUnknown, AppIds: []string{gwAppA}, ApiIds: []string{gwAPIPub}}})
			}},
			{"ListEnvironmentsV2 of an unknown instance", func(t *testing.T) {
				sdkError(t, c, http.StatusNotFound, "APIG.3030", cli.ListEnvironmentsV2, &romamodel.ListEnvironmentsV2Request{InstanceId: gwUnknown})
			}},
		},
	}
}
