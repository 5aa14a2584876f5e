// Package validate holds the small plan-time validators the provider's schemas share: cloud object IDs and
// endpoint URLs. Library validators cover the rest.
package validate

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// idPattern is what the gateways accept in an ID path segment (api-notes §2, §4).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ID validates a gateway object ID: 1 to 64 letters, digits, hyphens or underscores.
func ID() validator.String {
	return stringvalidator.RegexMatches(idPattern, "must be 1 to 64 letters, digits, hyphens (-) or underscores (_)")
}

// IsID reports whether s is a well-formed gateway object ID.
func IsID(s string) bool { return idPattern.MatchString(s) }

// HTTPURL validates an absolute http or https URL.
func HTTPURL() validator.String { return httpURL{} }

type httpURL struct{}

func (httpURL) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL"
}

func (v httpURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v httpURL) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%q %s", raw, v.Description(ctx)))
	}
}
