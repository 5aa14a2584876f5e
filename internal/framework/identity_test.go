package framework_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// identified is a resource base with two required identity attributes and two optional ones.
var identified = framework.ResourceBase{TypeName: "authz_thing", Identity: framework.Identity{
	Required: []string{"service_id", "api_id"}, Optional: []string{"workspace_id", "zone_id"},
}}

func identitySchema(t *testing.T) resource.IdentitySchemaResponse {
	t.Helper()
	var resp resource.IdentitySchemaResponse
	identified.IdentitySchema(context.Background(), resource.IdentitySchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}

// identity is an identity of the schema above with the given attributes set (the others null).
func identity(t *testing.T, values map[string]string) *tfsdk.ResourceIdentity {
	t.Helper()
	s := identitySchema(t).IdentitySchema
	typ := s.Type().TerraformType(context.Background()).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(tftypes.String, nil)
		if v, ok := values[name]; ok {
			attrs[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	return &tfsdk.ResourceIdentity{Schema: s, Raw: tftypes.NewValue(typ, attrs)}
}

func TestIdentitySchema(t *testing.T) {
	s := identitySchema(t).IdentitySchema
	if s.Version != framework.IdentityVersion {
		t.Errorf("version %d, want %d", s.Version, framework.IdentityVersion)
	}
	for name, required := range map[string]bool{"service_id": true, "api_id": true, "workspace_id": false, "zone_id": false} {
		a, ok := s.Attributes[name]
		if !ok || a.IsRequiredForImport() != required || a.IsOptionalForImport() == required {
			t.Errorf("attribute %s: %+v, want required for import %v", name, a, required)
		}
	}
	if len(s.Attributes) != 4 {
		t.Errorf("attributes %v, want 4", s.Attributes)
	}
}

func TestImportID(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		id       string
		identity map[string]string // nil: no identity
		want     string            // the ID, or the error
	}{
		"by ID":                         {id: "s1/a1", want: "s1/a1"},
		"by ID, identity null":          {id: "s1/a1/w1", want: "s1/a1/w1"},
		"every part":                    {identity: map[string]string{"service_id": "s1", "api_id": "a1", "workspace_id": "w1", "zone_id": "z1"}, want: "s1/a1/w1/z1"},
		"optional left out":             {identity: map[string]string{"service_id": "s1", "api_id": "a1"}, want: "s1/a1"},
		"last optional left out":        {identity: map[string]string{"service_id": "s1", "api_id": "a1", "workspace_id": "w1"}, want: "s1/a1/w1"},
		"optional after a left-out one": {identity: map[string]string{"service_id": "s1", "api_id": "a1", "zone_id": "z1"}, want: "The identity of authz_thing gives zone_id without the optional attributes before it (workspace_id, zone_id)."},
		"required missing":              {identity: map[string]string{"service_id": "s1"}, want: "The identity of authz_thing needs api_id."},
		"required empty":                {identity: map[string]string{"service_id": "s1", "api_id": ""}, want: "The identity of authz_thing needs api_id."},
		"slash":                         {identity: map[string]string{"service_id": "s1/x", "api_id": "a1"}, want: `The identity's service_id "s1/x" must not contain a slash.`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			req := resource.ImportStateRequest{ID: c.id}
			if c.identity != nil {
				req.Identity = identity(t, c.identity)
			} else if name == "by ID, identity null" {
				s := identitySchema(t).IdentitySchema
				req.Identity = &tfsdk.ResourceIdentity{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
			}
			var diags diag.Diagnostics
			got, ok := identified.ImportID(ctx, req, &diags)
			switch {
			case ok && (got != c.want || diags.HasError()):
				t.Errorf("got %q, %v; want %q", got, diags, c.want)
			case !ok && (len(diags) != 1 || diags[0].Detail() != c.want || diags[0].Summary() != "Invalid import identity"):
				t.Errorf("got %v; want one error %q", diags, c.want)
			}
		})
	}
}

func TestInvalidImport(t *testing.T) {
	for _, c := range []struct {
		req         resource.ImportStateRequest
		summary     string
		detailBegin string
	}{
		{resource.ImportStateRequest{ID: "x"}, "Invalid import ID", "bad"},
		{resource.ImportStateRequest{ID: ""}, "Invalid import ID", "bad"},
		{resource.ImportStateRequest{Identity: identity(t, map[string]string{"service_id": "s1"})}, "Invalid import identity", "The identity's parts, joined as an import ID, do not name a resource: bad"},
	} {
		var diags diag.Diagnostics
		framework.InvalidImport(c.req, errors.New("bad"), &diags)
		if len(diags) != 1 || diags[0].Summary() != c.summary || !strings.HasPrefix(diags[0].Detail(), c.detailBegin) {
			t.Errorf("%+v: got %v, want %s: %s", c.req, diags, c.summary, c.detailBegin)
		}
	}
}

// KeepIdentity copies each identity attribute from the state attribute of its name; an unknown one stays
// null, and a removed state leaves the identity as it was.
func TestKeepIdentity(t *testing.T) {
	ctx := context.Background()
	resourceSchema := schema.Schema{Attributes: map[string]schema.Attribute{
		"service_id": schema.StringAttribute{Required: true}, "api_id": schema.StringAttribute{Required: true},
		"workspace_id": schema.StringAttribute{Optional: true, Computed: true}, "zone_id": schema.StringAttribute{Optional: true},
		"name": schema.StringAttribute{Computed: true},
	}}
	typ := resourceSchema.Type().TerraformType(ctx)
	state := func(values map[string]tftypes.Value) *tfsdk.State {
		return &tfsdk.State{Schema: resourceSchema, Raw: tftypes.NewValue(typ, values)}
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	full := state(map[string]tftypes.Value{"service_id": str("s1"), "api_id": str("a1"), "workspace_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"zone_id": tftypes.NewValue(tftypes.String, nil), "name": str("n")})
	id := identity(t, nil)
	var diags diag.Diagnostics
	framework.KeepIdentity(ctx, full, id, &diags)
	want := identity(t, map[string]string{"service_id": "s1", "api_id": "a1"})
	if diags.HasError() || !id.Raw.Equal(want.Raw) {
		t.Errorf("got %v, %v; want %v", id.Raw, diags, want.Raw)
	}
	removed := &tfsdk.State{Schema: resourceSchema, Raw: tftypes.NewValue(typ, nil)}
	framework.KeepIdentity(ctx, removed, id, &diags)
	if diags.HasError() || !id.Raw.Equal(want.Raw) {
		t.Errorf("a removed state changed the identity to %v, %v", id.Raw, diags)
	}
	framework.KeepIdentity(ctx, full, nil, &diags) // a client without identities
	if diags.HasError() {
		t.Error(diags)
	}

	// A Read that removes the resource keeps the identity of the state it was given.
	resp := &resource.ReadResponse{State: *removed, Identity: identity(t, nil)}
	framework.KeepReadIdentity(ctx, resource.ReadRequest{State: *full}, resp)
	if resp.Diagnostics.HasError() || !resp.Identity.Raw.Equal(want.Raw) {
		t.Errorf("a removing Read set the identity %v, %v; want %v", resp.Identity.Raw, resp.Diagnostics, want.Raw)
	}
	// One that records a state takes its identity.
	other := state(map[string]tftypes.Value{"service_id": str("s2"), "api_id": str("a2"), "workspace_id": str("w2"),
		"zone_id": tftypes.NewValue(tftypes.String, nil), "name": str("n")})
	resp = &resource.ReadResponse{State: *other, Identity: identity(t, nil)}
	framework.KeepReadIdentity(ctx, resource.ReadRequest{State: *full}, resp)
	if want := identity(t, map[string]string{"service_id": "s2", "api_id": "a2", "workspace_id": "w2"}); !resp.Identity.Raw.Equal(want.Raw) {
		t.Errorf("a Read set the identity %v, %v; want %v", resp.Identity.Raw, resp.Diagnostics, want.Raw)
	}
}
