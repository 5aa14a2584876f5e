package ipacl

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// SetValidator returns a validator for a set-of-strings attribute such as
// app_acl_values, so bad entries fail at plan time instead of at apply.
func SetValidator() validator.Set {
	return setValidator{}
}

type setValidator struct{}

func (setValidator) Description(context.Context) string {
	return "each entry must be an IPv4 or IPv6 address (192.168.0.1, ::1), a CIDR block " +
		"(192.168.0.100/28) or a range of two addresses of the same family (192.168.0.5-192.168.0.10), " +
		"and no two entries may overlap (share any address)"
}

func (setValidator) MarkdownDescription(context.Context) string {
	return "each entry must be an IPv4 or IPv6 address (`192.168.0.1`, `::1`), a CIDR block " +
		"(`192.168.0.100/28`) or a range of two addresses of the same family (`192.168.0.5-192.168.0.10`), " +
		"and no two entries may overlap (share any address)"
}

func (setValidator) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	// Unknown values are checked again once known (at apply), so skipping
	// them here loses nothing.
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	entries := make([]Entry, 0, len(req.ConfigValue.Elements()))
	for _, elem := range req.ConfigValue.Elements() {
		// StringValuable rather than types.String, so custom string types work too.
		sv, ok := elem.(basetypes.StringValuable)
		if !ok {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid validator usage",
				"ipacl.SetValidator is only for sets of strings; this is a provider bug.")
			return
		}
		s, diags := sv.ToStringValue(ctx)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() || s.IsNull() || s.IsUnknown() {
			continue
		}
		e, err := Parse(s.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtSetValue(elem), "Invalid IP address entry", fmt.Sprintf("Attribute %s entry %s", req.Path, err))
			continue
		}
		entries = append(entries, e)
	}
	// Set elements are unique as strings, but 10.0.0.1 and 10.0.0.1/32 are
	// still the same rule, and 10.0.0.0/24 already covers 10.0.0.5. These
	// errors go on the set because each is about two elements together.
	for _, c := range conflicts(entries) {
		summary := "Overlapping IP address entries"
		if c.same {
			summary = "Duplicate IP address entries"
		}
		resp.Diagnostics.AddAttributeError(req.Path, summary, fmt.Sprintf("Attribute %s: %s", req.Path, c.err()))
	}
}
