// Package validate holds the small plan-time validators the provider's schemas share: cloud object IDs,
// region names, endpoint URLs and the header values of the service-ticket service. Library validators cover
// the rest.
package validate

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// idPattern is what the gateways accept in an ID path segment (api-notes §2, §4).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ID validates a gateway object ID: 1 to 64 letters, digits, hyphens or underscores.
func ID() validator.String {
	return stringvalidator.RegexMatches(idPattern, "must be 1 to 64 letters, digits, hyphens (-) or underscores (_)")
}

// IsID reports whether s is a well-formed gateway object ID.
func IsID(s string) bool { return idPattern.MatchString(s) }

// Region validates a region name: lower-case letters and digits in groups joined by single hyphens.
func Region() validator.String {
	return stringvalidator.All(
		stringvalidator.LengthAtMost(64),
		stringvalidator.RegexMatches(cloud.RegionPattern, "must be a region name such as eu-de or cn-north-4: lower-case letters and digits, joined by hyphens (-)"),
	)
}

// Header values of the service-ticket service (X-Language, X-Time-Zone): short, and nothing a header cannot
// carry, so a line break fails the plan instead of the first call.
var (
	languagePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	timeZonePattern = regexp.MustCompile(`^[A-Za-z0-9+:/_-]{1,32}$`)
)

// Language validates a language tag such as en-us.
func Language() validator.String {
	return stringvalidator.RegexMatches(languagePattern, "must be a language such as en-us: 1 to 32 letters, digits, hyphens (-) or underscores (_)")
}

// TimeZone validates a time zone such as GMT+1: one a header can carry, and one the provider can read the
// service's zone-less times in (cloud.ParseTimeZone).
func TimeZone() validator.String {
	return stringvalidator.All(
		stringvalidator.RegexMatches(timeZonePattern, "must be a time zone such as GMT+1 or Europe/Berlin: 1 to 32 letters, digits or the characters + - : / _"),
		timeZone{},
	)
}

type timeZone struct{}

func (timeZone) Description(context.Context) string {
	return "must be GMT or UTC with an offset of at most 14 hours (GMT+8, GMT-03:30) or an IANA time zone name (Europe/Berlin)"
}

func (v timeZone) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v timeZone) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !timeZonePattern.MatchString(req.ConfigValue.ValueString()) {
		return // the pattern's own message covers a value no header can carry
	}
	if _, err := cloud.ParseTimeZone(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path, v.Description(ctx), fmt.Sprintf("%q", req.ConfigValue.ValueString())))
	}
}

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
		// Worded like the library validators: the attribute, the rule, the value.
		resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path, v.Description(ctx), fmt.Sprintf("%q", raw)))
	}
}
