package provider_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
)

// identities are the identity attributes of every resource type: a public contract (version 0), which this
// table pins. Each is the argument of the same name; a value of "" here is the argument's default.
var identities = map[string]map[string]string{
	"authz_apig_app_authorization":          {"instance_id": "", "env_id": "", "app_id": "", "api_id": ""},
	"authz_roma_app_authorization":          {"instance_id": "", "env_id": "", "app_id": "", "api_id": ""},
	"authz_apig_app_authorization_set":      {"instance_id": "", "env_id": "", "app_id": ""},
	"authz_roma_app_authorization_set":      {"instance_id": "", "env_id": "", "app_id": ""},
	"authz_apig_app_acl":                    {"instance_id": "", "app_id": ""},
	"authz_roma_app_acl":                    {"instance_id": "", "app_id": ""},
	"authz_modelarts_app_authorization":     {"service_id": "", "api_id": "", "app_id": "", "workspace_id": "0"},
	"authz_modelarts_api_authorization_set": {"service_id": "", "api_id": "", "workspace_id": "0"},
	"authz_service_request_authorization":   {"authorization_id": ""},
}

// TestAccIdentity creates every resource type, checks the identity Terraform records for it, then imports it
// into an empty state with an `import { identity = {...} }` block and requires a plan that imports it with
// that identity and changes nothing.
func TestAccIdentity(t *testing.T) {
	t.Parallel()
	acctest.SkipBelow(t, "1.12.0", "import by identity")
	types := slices.DeleteFunc(slices.Sorted(maps.Keys(newWorld(t).blocks())), func(k string) bool { return strings.HasPrefix(k, "data.") })
	if !slices.Equal(types, slices.Sorted(maps.Keys(identities))) {
		t.Fatalf("resource types %v, identities pinned for %v", types, slices.Sorted(maps.Keys(identities)))
	}
	for _, typ := range types {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			// The host password is never read back, so an imported decision would plan to replace it: import one
			// without hosts.
			cfg := w.config(withAccessKey, []string{typ}, map[string]map[string]string{typ: {"host_credentials": unset}})
			block := w.blocks()[typ]
			want := map[string]knownvalue.Check{}
			for name, def := range identities[typ] {
				value := def
				if expr, ok := block.args[name]; ok {
					var err error
					if value, err = strconv.Unquote(expr); err != nil {
						t.Fatalf("%s = %s: %v", name, expr, err)
					}
				}
				want[name] = knownvalue.StringExact(value)
			}
			addr := typ + ".test"
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
				Steps: []resource.TestStep{
					{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, want)}},
					{Config: cfg, ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
				},
			})
		})
	}
}

// TestAccIdentity_importBlocks imports by identity as a user writes it: a ModelArts authorization without its
// optional workspace_id (the default workspace), and identities that cannot name a resource, refused with the
// attribute at fault before any call.
func TestAccIdentity_importBlocks(t *testing.T) {
	t.Parallel()
	acctest.SkipBelow(t, "1.12.0", "import by identity")
	w := newWorld(t)
	typ := "authz_modelarts_app_authorization"
	cfg := w.config(withAccessKey, []string{typ}, nil)
	acctest.NewTerraform(t, cfg).MustRun("apply", "-auto-approve")
	importBlock := func(identity string) string {
		return cfg + fmt.Sprintf("import {\n  to = %s.test\n  identity = {\n%s\n  }\n}\n", typ, identity)
	}
	tf := acctest.NewTerraform(t, importBlock(fmt.Sprintf("service_id = %q\napi_id = %q\napp_id = %q", w.ma.ServiceID, w.ma.APIIDs[0], w.ma.AppIDs[0])))
	if r := tf.Run("plan", "-no-color"); r.ExitCode != 0 || !strings.Contains(r.Stdout, "1 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("importing by identity without workspace_id does not plan one import and nothing else:\n%s", r)
	}
	for identity, want := range map[string]string{
		fmt.Sprintf("service_id = %q\napi_id = %q\napp_id = \"a/b\"", w.ma.ServiceID, w.ma.APIIDs[0]):     `The identity's app_id "a/b" must not contain a slash`,
		fmt.Sprintf("service_id = %q\napi_id = %q\napp_id = \"\"", w.ma.ServiceID, w.ma.APIIDs[0]):        `The identity of authz_modelarts_app_authorization needs app_id`,
		fmt.Sprintf("service_id = %q\napi_id = \"bad id!\"\napp_id = %q", w.ma.ServiceID, w.ma.AppIDs[0]): `api_id "bad id!" must be 1 to 64 letters`,
	} {
		w.f.ResetRequests()
		tf.SetConfig(importBlock(identity))
		if r := tf.Run("plan"); r.ExitCode != 1 || !acctest.ExpectError(regexp.QuoteMeta(want)).MatchString(r.Output()) {
			t.Errorf("identity {%s}: want an error matching %q, got:\n%s", identity, want, r)
		}
		for _, r := range w.f.Requests() {
			if strings.Contains(r.Path, "/authorizations") || strings.Contains(r.Path, "/apps") {
				t.Errorf("identity {%s}: an invalid identity let %s %s through", identity, r.Method, r.Path)
			}
		}
	}
}
