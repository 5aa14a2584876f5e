package gateway

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	inst := func(change func(*InstanceFixture)) Fixture {
		in := standardInstance(apigID, FlavorAPIG)
		change(&in)
		return InProject(core.DefaultProjectID, in)
	}
	tests := []struct {
		name    string
		fixture Fixture
		wantErr string
	}{
		{"unknown project", InProject("11111111111111111111111111111111", standardInstance(apigID, FlavorAPIG)), "not known"},
		{"instance twice", InProject(core.DefaultProjectID, standardInstance(apigID, FlavorAPIG), standardInstance(apigID, FlavorROMA)), "already exists"},
		{"unknown flavour", inst(func(in *InstanceFixture) { in.Flavor = "cce" }), "flavor"},
		{"instance without name", inst(func(in *InstanceFixture) { in.Name = "" }), "missing name"},
		{"duplicate app name", inst(func(in *InstanceFixture) { in.Apps = append(in.Apps, App{Name: "app_one"}) }), "APIG.3203"},
		{"bad app name", inst(func(in *InstanceFixture) { in.Apps = append(in.Apps, App{Name: "x"}) }), "APIG.2011"},
		{"built-in env", inst(func(in *InstanceFixture) { in.Envs = append(in.Envs, Env{ID: releaseEnvID, Name: "REL"}) }), "built in"},
		{"published in unknown env", inst(func(in *InstanceFixture) { in.APIs[0].PublishedEnvs = []string{"env-nope"} }), "Environment env-nope does not exist"},
		{"auth of unknown app", inst(func(in *InstanceFixture) {
			in.AppAuths = []AppAuth{{AppID: "app-nope", APIID: "api-app", EnvID: releaseEnvID}}
		}), "App app-nope does not exist"},
		{"auth of unknown api", inst(func(in *InstanceFixture) {
			in.AppAuths = []AppAuth{{AppID: "app1", APIID: "api-nope", EnvID: releaseEnvID}}
		}), "API api-nope does not exist"},
		{"auth in unknown env", inst(func(in *InstanceFixture) {
			in.AppAuths = []AppAuth{{AppID: "app1", APIID: "api-app", EnvID: "env-nope"}}
		}), "Environment env-nope does not exist"},
		{"duplicate auth", inst(func(in *InstanceFixture) {
			a := AppAuth{AppID: "app1", APIID: "api-app", EnvID: releaseEnvID}
			in.AppAuths = []AppAuth{a, a}
		}), "APIG.3316"},
		{"acl of unknown app", inst(func(in *InstanceFixture) {
			in.AppACLs = []AppACL{{AppID: "app-nope", Type: "PERMIT", Values: []string{"10.0.0.1"}}}
		}), "App app-nope does not exist"},
		{"acl with bad value", inst(func(in *InstanceFixture) {
			in.AppACLs = []AppACL{{AppID: "app1", Type: "PERMIT", Values: []string{"10.0.0.300"}}}
		}), "APIG.2015"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, g := newFake(Options{})
			before := c.SnapshotFixture()
			err := load(c, tt.fixture)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error %v, want one containing %q", err, tt.wantErr)
			}
			if after := c.SnapshotFixture(); !reflect.DeepEqual(before, after) || len(g.Snapshot().Projects) != 0 {
				t.Errorf("a failed Load changed the state: %+v", after)
			}
		})
	}
	// An instance cannot be loaded again.
	c, _ := newFake(Options{})
	if err := load(c, standardFixture()); err != nil {
		t.Fatal(err)
	}
	if err := load(c, InProject(core.DefaultProjectID, standardInstance(romaID, FlavorROMA))); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("loading an instance again: %v", err)
	}
}

// TestLoadNewProject: a project the fixture adds holds instances and can be logged in to.
func TestLoadNewProject(t *testing.T) {
	t.Parallel()
	const id, name = "11111111111111111111111111111111", "eu-ch2"
	c, g := newFake(Options{})
	raw, err := json.Marshal(InProject(id, standardInstance(apigID, FlavorAPIG)))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoadFixture(core.Fixture{Projects: []core.ProjectFixture{{ID: id, Name: name}}, Sections: map[string]json.RawMessage{"gateway": raw}}); err != nil {
		t.Fatal(err)
	}
	f := &fake{Service: g, Client: fakecloudtest.Start(t, c, core.DefaultToken), core: c}
	resp := f.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(core.DefaultUserName, core.DefaultPassword, core.DefaultDomainName,
		map[string]any{"project": map[string]string{"name": name}}), "X-Auth-Token", "")
	resp.ExpectStatus(t, http.StatusCreated)
	f.Do(http.MethodGet, "/v2/"+id+"/apigw/instances/"+apigID+"/apps", nil, "X-Auth-Token", resp.Header.Get("X-Subject-Token")).ExpectStatus(t, http.StatusOK)
}

// TestSnapshotRoundTrip: a snapshot loaded into a new server reproduces the state.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	createAuths(t, f, romaV2Base, map[string]any{
		"env_id": releaseEnvID, "app_ids": []string{"app1"}, "api_ids": []string{"api-app"},
		"auth_tunnel": "GREEN", "auth_whitelist": []string{"10.0.0.1"},
	})
	f.Do(http.MethodPut, apigBase+"/apps/app2/app-acl", aclBody("DENY", "10.0.0.0/8")).ExpectStatus(t, http.StatusCreated)

	snap := f.Snapshot()
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var decoded Fixture
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	c2, g2 := newFake(Options{})
	if err := load(c2, decoded); err != nil {
		t.Fatalf("Load(snapshot): %v", err)
	}
	if again := g2.Snapshot(); !reflect.DeepEqual(snap, again) {
		t.Errorf("round trip differs:\n%+v\n%+v", snap, again)
	}
}

func TestBehindTheBackChanges(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	// AddAppAuth accepts what the API refuses (an unpublished API), as the console state may hold it.
	a, err := f.AddAppAuth("", apigID, AppAuth{AppID: "app1", APIID: "api-draft", EnvID: "env-test"})
	if err != nil || !fakecloudtest.RequestIDPattern.MatchString(a.ID) || a.AuthRole != "PROVIDER" || a.InstanceID != apigID {
		t.Fatalf("AddAppAuth = %+v, %v", a, err)
	}
	if _, err := f.AddAppAuth("", apigID, AppAuth{AppID: "app1", APIID: "api-draft", EnvID: "env-test"}); err == nil {
		t.Error("duplicate AddAppAuth accepted")
	}
	if _, err := f.AddAppAuth("", "nope", AppAuth{}); err == nil {
		t.Error("AddAppAuth on unknown instance accepted")
	}
	if err := f.RemoveAppAuth("", apigID, a.ID); err != nil {
		t.Fatal(err)
	}
	f.Do(http.MethodDelete, apigBase+"/app-auths/"+a.ID, nil).ExpectError(t, http.StatusNotFound, "APIG.3009")
	if err := f.RemoveAppAuth("", apigID, a.ID); err == nil {
		t.Error("second RemoveAppAuth succeeded")
	}

	f.Do(http.MethodPut, apigBase+"/apps/app1/app-acl", aclBody("PERMIT", "10.0.0.1")).ExpectStatus(t, http.StatusCreated)
	if err := f.RemoveAppACL("", apigID, "app1"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(f.Do(http.MethodGet, apigBase+"/apps/app1/app-acl", nil).Body)); got != "{}" {
		t.Errorf("ACL after RemoveAppACL: %s", got)
	}
	if err := f.RemoveAppACL("", apigID, "app1"); err == nil {
		t.Error("RemoveAppACL without ACL succeeded")
	}

	createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1", "app2"}, []string{"api-app", "api-two"}))
	if err := f.RemoveAPI("", apigID, "api-two"); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveApp(core.DefaultProjectID, apigID, "app2"); err != nil {
		t.Fatal(err)
	}
	auths := f.AppAuths("", apigID)
	if len(auths) != 1 || auths[0].AppID != "app1" || auths[0].APIID != "api-app" {
		t.Errorf("after removals: %+v", auths)
	}
	f.Do(http.MethodGet, apigBase+"/apps/app2", nil).ExpectError(t, http.StatusNotFound, "APIG.3004")
	f.Do(http.MethodGet, apigBase+"/apis/api-two", nil).ExpectError(t, http.StatusNotFound, "APIG.3002")
	if err := f.RemoveApp("", apigID, "app2"); err == nil {
		t.Error("second RemoveApp succeeded")
	}
	if err := f.RemoveAPI("", apigID, "api-two"); err == nil {
		t.Error("second RemoveAPI succeeded")
	}
	if f.AppAuths("", "nope") != nil {
		t.Error("AppAuths of unknown instance")
	}
}
