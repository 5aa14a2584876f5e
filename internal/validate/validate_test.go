package validate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

func TestStringValidators(t *testing.T) {
	cases := map[string]struct {
		v        validator.String
		ok, fail []string
	}{
		"ID": {validate.ID(), []string{"DEFAULT_ENVIRONMENT_RELEASE_ID", "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b", "logic-app-1"},
			[]string{"", "a/b", "a b", "..", strings.Repeat("a", 65)}},
		"Region": {validate.Region(), []string{"eu-de", "eu-nl", "eu-ch2", "cn-north-4", "ap-southeast-1", "la-north-2", "eu-west-101"},
			[]string{"", "EU-DE", "eu-de.evil.example", "eu-de/x", "x@evil.example", "eu-de#", "eu-de:443", "-eu", "eu--de", "eu-de_sub"}},
		"Language": {validate.Language(), []string{"en-us", "zh-cn", "en", "zh_CN"}, []string{"", "en us", "en-us\r\nX: 1", "en;q=0.9"}},
		"TimeZone": {validate.TimeZone(), []string{"GMT+8", "GMT-05:30", "UTC", "Europe/Berlin"}, []string{"", "GMT +8", "GMT+8\n", "GMT+8;x", strings.Repeat("z", 33), "GMT+15", "Mars/Olympus", "Local"}},
		"HTTPURL": {validate.HTTPURL(), []string{"http://127.0.0.1:8080", "https://apig.eu-de.otc.t-systems.com/"},
			[]string{"", "ftp://host", "https://", "apig.example.com", "//host/path", "http//host"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, values := range []struct {
				want bool
				in   []string
			}{{true, tc.ok}, {false, tc.fail}} {
				for _, s := range values.in {
					resp := &validator.StringResponse{}
					tc.v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: types.StringValue(s)}, resp)
					if ok := !resp.Diagnostics.HasError(); ok != values.want {
						t.Errorf("%q: valid = %v, want %v (%v)", s, ok, values.want, resp.Diagnostics)
					}
				}
			}
		})
	}
}
