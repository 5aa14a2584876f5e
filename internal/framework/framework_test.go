package framework_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

func TestParseImportID(t *testing.T) {
	parts, err := framework.ParseImportID("i1/e1/a1", "instance_id", "env_id", "app_id")
	if err != nil || strings.Join(parts, ",") != "i1,e1,a1" {
		t.Fatalf("got %v, %v", parts, err)
	}
	for id, want := range map[string]string{
		"i1/e1":        `the import ID "i1/e1" must have the form <instance_id>/<env_id>/<app_id>`,
		"i1/e 1/a1":    `env_id "e 1" must be 1 to 64 letters`,
		"i1//a1":       `env_id "" must be 1 to 64 letters`,
		"i1/e1/a1/x/y": `must have the form <instance_id>/<env_id>/<app_id>`,
	} {
		if _, err := framework.ParseImportID(id, "instance_id", "env_id", "app_id"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", id, err, want)
		}
	}
}

// Only a NotFoundError is not-found: a 404 of a wrong endpoint is not.
func TestNotFoundConvention(t *testing.T) {
	gone := &cloud.APIError{StatusCode: 404, Code: "APIG.3004", Message: "App a does not exist"}
	wrapped := fmt.Errorf("reading: %w", framework.NotFound("app a", gone))
	if !framework.IsNotFound(wrapped) || !errors.Is(wrapped, gone) {
		t.Errorf("a wrapped NotFoundError is not recognised, or hides its cause")
	}
	if framework.IsNotFound(&cloud.APIError{StatusCode: 404, Code: "APIG.0101"}) {
		t.Error("a plain 404 counts as not found")
	}
	if got := framework.NotFound("the ACL of app a", nil).Error(); got != "the ACL of app a does not exist" {
		t.Errorf("got %q", got)
	}
}

func TestDescribeShowsItemRefusals(t *testing.T) {
	err := fmt.Errorf("x: %w", &cloud.ItemError{Code: "APIG.3040", Message: "not published", RequestID: "r1"})
	if got := framework.Detail("Authorizing", err); got != "Authorizing: the cloud refused it: APIG.3040: not published (request ID r1)" {
		t.Errorf("got %q", got)
	}
}

// A resource removed from the state because its object is gone says so, with the cloud's code.
func TestWarnRemoved(t *testing.T) {
	ctx := context.Background()
	s := schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")})}
	var diags diag.Diagnostics
	gone := framework.NotFound("app a", &cloud.APIError{StatusCode: 404, Code: "APIG.3004", Message: "App a does not exist", RequestID: "r1"})
	framework.WarnRemoved(ctx, &state, &diags, "authz_apig_app_acl", "i1/a", gone)
	if !state.Raw.IsNull() {
		t.Error("the resource is still in the state")
	}
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v", diags)
	}
	detail := diags.Warnings()[0].Detail()
	for _, want := range []string{"authz_apig_app_acl i1/a no longer exists", "APIG.3004", "App a does not exist"} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning %q lacks %q", detail, want)
		}
	}
}
