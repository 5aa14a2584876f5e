package fakecloud

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	inst := func(change func(*InstanceFixture)) Fixture {
		in := standardInstance(apigID, FlavorAPIG)
		change(&in)
		return Fixture{Projects: []ProjectFixture{{ID: DefaultProjectID, Instances: []InstanceFixture{in}}}}
	}
	tests := []struct {
		name    string
		fixture Fixture
		wantErr string
	}{
		{"bad project id", Fixture{Projects: []ProjectFixture{{ID: "eu-de"}}}, "32 lower-case hex"},
		{"new project without name", Fixture{Projects: []ProjectFixture{{ID: "11111111111111111111111111111111"}}}, "needs a name"},
		{"new project with a taken name", Fixture{Projects: []ProjectFixture{{ID: "11111111111111111111111111111111", Name: OtherProjectName}}}, "taken"},
		{"known project renamed", Fixture{Projects: []ProjectFixture{{ID: DefaultProjectID, Name: "xx-yy"}}}, "is named"},
		{"instance twice", Fixture{Projects: []ProjectFixture{{ID: DefaultProjectID, Instances: []InstanceFixture{
			standardInstance(apigID, FlavorAPIG), standardInstance(apigID, FlavorROMA)}}}}, "already exists"},
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
			s := New(Options{})
			before := s.Snapshot()
			err := s.Load(tt.fixture)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error %v, want one containing %q", err, tt.wantErr)
			}
			if after := s.Snapshot(); !reflect.DeepEqual(before, after) {
				t.Errorf("a failed Load changed the state: %+v", after)
			}
		})
	}
}

func TestLoadNewProject(t *testing.T) {
	t.Parallel()
	const id, name = "11111111111111111111111111111111", "eu-ch2"
	f := start(t, Options{}, Fixture{Projects: []ProjectFixture{{ID: id, Name: name, Instances: []InstanceFixture{standardInstance(apigID, FlavorAPIG)}}}})
	resp := f.do(http.MethodPost, "/v3/auth/tokens", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"name": name}), "X-Auth-Token", "")
	resp.expectStatus(t, http.StatusCreated)
	f.do(http.MethodGet, "/v2/"+id+"/apigw/instances/"+apigID+"/apps", nil, "X-Auth-Token", resp.header.Get("X-Subject-Token")).expectStatus(t, http.StatusOK)
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, err := json.Marshal(standardFixture())
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	s := New(Options{})
	if err := s.LoadFile(write("good.json", string(good))); err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if n := len(s.AppAuths("", apigID)); n != 0 {
		t.Errorf("%d auths", n)
	}
	if err := New(Options{}).LoadFile(write("typo.json", `{"projectz":[]}`)); err == nil || !strings.Contains(err.Error(), "projectz") {
		t.Errorf("unknown field: %v", err)
	}
	if err := New(Options{}).LoadFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file loaded")
	}
}

// TestSnapshotRoundTrip: a snapshot loaded into a new server reproduces the state.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	createAuths(t, f, romaV2Base, map[string]any{
		"env_id": releaseEnvID, "app_ids": []string{"app1"}, "api_ids": []string{"api-app"},
		"auth_tunnel": "GREEN", "auth_whitelist": []string{"10.0.0.1"},
	})
	f.do(http.MethodPut, apigBase+"/apps/app2/app-acl", aclBody("DENY", "10.0.0.0/8")).expectStatus(t, http.StatusCreated)

	snap := f.Snapshot()
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var decoded Fixture
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	s2 := New(Options{})
	if err := s2.Load(decoded); err != nil {
		t.Fatalf("Load(snapshot): %v", err)
	}
	if again := s2.Snapshot(); !reflect.DeepEqual(snap, again) {
		t.Errorf("round trip differs:\n%+v\n%+v", snap, again)
	}
}

func TestBehindTheBackChanges(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	// AddAppAuth accepts what the API refuses (an unpublished API), as the console state may hold it.
	a, err := f.AddAppAuth("", apigID, AppAuth{AppID: "app1", APIID: "api-draft", EnvID: "env-test"})
	if err != nil || !requestIDPattern.MatchString(a.ID) || a.AuthRole != "PROVIDER" || a.InstanceID != apigID {
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
	f.do(http.MethodDelete, apigBase+"/app-auths/"+a.ID, nil).expectError(t, http.StatusNotFound, "APIG.3009")
	if err := f.RemoveAppAuth("", apigID, a.ID); err == nil {
		t.Error("second RemoveAppAuth succeeded")
	}

	f.do(http.MethodPut, apigBase+"/apps/app1/app-acl", aclBody("PERMIT", "10.0.0.1")).expectStatus(t, http.StatusCreated)
	if err := f.RemoveAppACL("", apigID, "app1"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(f.do(http.MethodGet, apigBase+"/apps/app1/app-acl", nil).body)); got != "{}" {
		t.Errorf("ACL after RemoveAppACL: %s", got)
	}
	if err := f.RemoveAppACL("", apigID, "app1"); err == nil {
		t.Error("RemoveAppACL without ACL succeeded")
	}

	createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1", "app2"}, []string{"api-app", "api-two"}))
	if err := f.RemoveAPI("", apigID, "api-two"); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveApp(DefaultProjectID, apigID, "app2"); err != nil {
		t.Fatal(err)
	}
	auths := f.AppAuths("", apigID)
	if len(auths) != 1 || auths[0].AppID != "app1" || auths[0].APIID != "api-app" {
		t.Errorf("after removals: %+v", auths)
	}
	f.do(http.MethodGet, apigBase+"/apps/app2", nil).expectError(t, http.StatusNotFound, "APIG.3004")
	f.do(http.MethodGet, apigBase+"/apis/api-two", nil).expectError(t, http.StatusNotFound, "APIG.3002")
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
