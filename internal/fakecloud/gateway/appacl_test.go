package gateway

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func aclBody(typ string, values ...string) map[string]any {
	return map[string]any{"app_acl_type": typ, "app_acl_values": values}
}

func TestAppACLLifecycle(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	for _, gw := range []struct{ base, instanceID string }{{apigBase, apigID}, {romaV2Base, romaID}} {
		base, path := gw.base, gw.base+"/apps/app1/app-acl"
		f.Do(http.MethodGet, path, nil).ExpectStatus(t, http.StatusOK)
		if got := string(f.Do(http.MethodGet, path, nil).Body); strings.TrimSpace(got) != "{}" {
			t.Errorf("%s: ACL of an app without one = %s, want {}", base, got)
		}

		values := []string{"192.168.0.5-192.168.0.10", "10.0.0.1", "192.168.0.100/28", "::1", "2407:c080:17ef:ffff::3104:703a/64"}
		resp := f.Do(http.MethodPut, path, aclBody("PERMIT", values...))
		resp.ExpectStatus(t, http.StatusCreated)
		var acl AppACL
		resp.Decode(t, &acl)
		if acl.AppID != "app1" || acl.Type != "PERMIT" || strings.Join(acl.Values, ",") != strings.Join(values, ",") {
			t.Errorf("%s: PUT answered %+v", base, acl)
		}
		f.Do(http.MethodGet, path, nil).Decode(t, &acl)
		if strings.Join(acl.Values, ",") != strings.Join(values, ",") {
			t.Errorf("%s: GET lost the order: %+v", base, acl)
		}

		// PUT replaces the whole ACL, type included.
		f.Do(http.MethodPut, path, aclBody("DENY", "172.16.0.1")).ExpectStatus(t, http.StatusCreated)
		f.Do(http.MethodGet, path, nil).Decode(t, &acl)
		if acl.Type != "DENY" || len(acl.Values) != 1 {
			t.Errorf("%s: after replace %+v", base, acl)
		}

		f.Do(http.MethodDelete, path, nil).ExpectStatus(t, http.StatusNoContent)
		if _, found := f.AppACL("", gw.instanceID, "app1"); found {
			t.Errorf("%s: ACL left after DELETE", base)
		}
		f.Do(http.MethodDelete, path, nil).ExpectStatus(t, http.StatusNoContent) // idempotent (quirks.go)
	}
}

func TestAppACLValidation(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	tooMany := make([]string, maxACLValues+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("10.0.%d.%d", i/256, i%256)
	}
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"missing type", "app1", map[string]any{"app_acl_values": []string{"10.0.0.1"}}, 400, "APIG.2001", "parameterName:app_acl_type"},
		{"bad type", "app1", aclBody("ALLOW", "10.0.0.1"), 400, "APIG.2011", "parameterName:app_acl_type"},
		{"missing values", "app1", map[string]any{"app_acl_type": "PERMIT"}, 400, "APIG.2001", "parameterName:app_acl_values"},
		{"too many values", "app1", aclBody("PERMIT", tooMany...), 400, "APIG.2011", "parameterName:app_acl_values"},
		{"not an address", "app1", aclBody("PERMIT", "10.0.0.1", "example.com"), 400, "APIG.2015", "Invalid IP address."},
		{"octet out of range", "app1", aclBody("PERMIT", "10.0.0.256"), 400, "APIG.2015", ""},
		{"bad prefix", "app1", aclBody("PERMIT", "10.0.0.0/33"), 400, "APIG.2015", ""},
		{"reversed range", "app1", aclBody("PERMIT", "10.0.0.9-10.0.0.1"), 400, "APIG.2015", ""},
		{"mixed-family range", "app1", aclBody("PERMIT", "10.0.0.1-::1"), 400, "APIG.2015", ""},
		{"zone", "app1", aclBody("PERMIT", "fe80::1%eth0"), 400, "APIG.2015", ""},
		{"malformed JSON", "app1", `{"app_acl_type":`, 400, "APIG.2000", ""},
		{"unknown app", "nope", aclBody("PERMIT", "10.0.0.1"), 404, "APIG.3004", "App nope does not exist"},
		{"invalid app id", strings.Repeat("a", 65), aclBody("PERMIT", "10.0.0.1"), 400, "APIG.2012", "Invalid parameter value,parameterName:app_id. Please refer to the support documentation"},
		{"app id with bad characters", "a.b", aclBody("PERMIT", "10.0.0.1"), 400, "APIG.2012", "parameterName:app_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := f.Do(http.MethodPut, apigBase+"/apps/"+tt.path+"/app-acl", tt.body).ExpectError(t, tt.wantStatus, tt.wantCode)
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
	f.Do(http.MethodGet, apigBase+"/apps/nope/app-acl", nil).ExpectError(t, http.StatusNotFound, "APIG.3004")
	f.Do(http.MethodDelete, apigBase+"/apps/nope/app-acl", nil).ExpectError(t, http.StatusNotFound, "APIG.3004")
	if _, found := f.AppACL("", apigID, "app1"); found {
		t.Error("a rejected PUT stored an ACL")
	}
}
