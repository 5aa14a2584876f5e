package ipacl

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		value    string
		kind     Kind
		from, to string
	}{
		{"192.168.0.1", KindAddress, "192.168.0.1", "192.168.0.1"},
		{"::1", KindAddress, "::1", "::1"},
		{"192.168.0.100/28", KindPrefix, "192.168.0.96", "192.168.0.111"},
		{"10.0.0.0/8", KindPrefix, "10.0.0.0", "10.255.255.255"},
		{"0.0.0.0/0", KindPrefix, "0.0.0.0", "255.255.255.255"},
		{"10.0.0.7/32", KindPrefix, "10.0.0.7", "10.0.0.7"},
		{"2407:c080:17ef:ffff::3104:703a/64", KindPrefix, "2407:c080:17ef:ffff::", "2407:c080:17ef:ffff:ffff:ffff:ffff:ffff"},
		{"2001:db8::/127", KindPrefix, "2001:db8::", "2001:db8::1"},
		{"192.168.0.5-192.168.0.10", KindRange, "192.168.0.5", "192.168.0.10"},
		{"10.0.0.1-10.0.0.1", KindRange, "10.0.0.1", "10.0.0.1"},
		{"2001:db8::1-2001:db8::ff", KindRange, "2001:db8::1", "2001:db8::ff"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			e, err := Parse(tt.value)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := Entry{Raw: tt.value, Kind: tt.kind, From: netip.MustParseAddr(tt.from), To: netip.MustParseAddr(tt.to)}
			if e != want {
				t.Errorf("Parse = %+v, want %+v", e, want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name, value string
		wantMsg     string // must appear in the error, after the quoted value
	}{
		{"empty", "", "value is empty"},
		{"leading space", " 10.0.0.1", "must not contain spaces"},
		{"trailing space", "10.0.0.1 ", "must not contain spaces"},
		{"spaces in range", "10.0.0.1 - 10.0.0.2", "must not contain spaces"},
		{"garbage", "localhost", "not a valid IP address"},
		{"short v4", "10.0.1", "not a valid IP address"},
		{"octet too big", "10.0.0.256", "not a valid IP address"},
		{"bad range end", "10.0.0.1-x", `range end "x": not a valid IP address`},
		{"three part range", "10.0.0.1-10.0.0.2-10.0.0.3", `range end "10.0.0.2-10.0.0.3": not a valid IP address`},
		{"prefix as range end", "10.0.0.1-10.0.0.0/24", "range end"},
		{"mixed family range", "10.0.0.1-::1", "range mixes an IPv4 and an IPv6 address"},
		{"reversed range", "10.0.0.9-10.0.0.1", "range start is greater than its end"},
		{"reversed v6 range", "::2-::1", "range start is greater than its end"},
		{"v4 bits 33", "10.0.0.0/33", `prefix length "33" must be a whole number from 0 to 32 for IPv4`},
		{"v6 bits 129", "::/129", `prefix length "129" must be a whole number from 0 to 128 for IPv6`},
		{"missing bits", "10.0.0.0/", `prefix length ""`},
		{"leading zero bits", "10.0.0.0/08", `prefix length "08"`},
		{"zone", "fe80::1%eth0", "IPv6 zones (%eth0) are not allowed"},
		{"zone in prefix", "fe80::1%eth0/64", "IPv6 zones"},
		{"zone in range", "fe80::1-fe80::2%eth0", `range end "fe80::2%eth0": IPv6 zones`},
		{"v4-mapped", "::ffff:10.0.0.1", "IPv4-mapped IPv6 addresses are not allowed, write 10.0.0.1 instead"},
		{"v4-mapped prefix", "::ffff:10.0.0.0/104", "IPv4-mapped"},
		{"v4-mapped range", "::ffff:10.0.0.1-::ffff:10.0.0.2", `range start "::ffff:10.0.0.1": IPv4-mapped`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.value)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error", tt.value)
			}
			msg := err.Error()
			if prefix := `"` + tt.value + `": `; !strings.HasPrefix(msg, prefix) {
				t.Errorf("error %q does not start with %q", msg, prefix)
			}
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q does not contain %q", msg, tt.wantMsg)
			}
			if !strings.Contains(msg, "192.168.0.5-192.168.0.10") {
				t.Errorf("error %q does not list the accepted forms", msg)
			}
		})
	}
}

func TestKey(t *testing.T) {
	same := [][]string{
		{"10.0.0.1", "10.0.0.1/32", "10.0.0.1-10.0.0.1"},
		{"192.168.0.100/28", "192.168.0.96/28", "192.168.0.96-192.168.0.111"},
		{"::1", "0:0::1", "::1/128"},
	}
	for _, group := range same {
		want := mustParse(t, group[0]).Key()
		for _, v := range group[1:] {
			if got := mustParse(t, v).Key(); got != want {
				t.Errorf("Key(%q) = %q, want %q as for %q", v, got, want, group[0])
			}
		}
	}
	if a, b := mustParse(t, "10.0.0.0/24").Key(), mustParse(t, "10.0.0.0/25").Key(); a == b {
		t.Errorf("overlapping but different spans share key %q", a)
	}
}

func mustParse(t *testing.T, v string) Entry {
	t.Helper()
	e, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string // substrings of the error; nil means valid
	}{
		{"nil", nil, nil},
		{"all forms", []string{"192.168.0.1", "::1", "192.168.0.100/28", "2407:c080:17ef:ffff::3104:703a/64", "192.168.0.5-192.168.0.10"}, nil},
		{"overlap is not duplicate", []string{"10.0.0.0/24", "10.0.0.5"}, nil},
		{"address vs /32", []string{"10.0.0.1", "10.0.0.1/32"}, []string{`"10.0.0.1" and "10.0.0.1/32" cover the same addresses`}},
		{"same network, different host bits", []string{"192.168.0.100/28", "192.168.0.96/28"}, []string{`"192.168.0.100/28" and "192.168.0.96/28"`}},
		{"v6 spellings", []string{"::1", "0:0::1"}, []string{`"::1" and "0:0::1"`}},
		{"exact repeat", []string{"10.0.0.1", "10.0.0.1"}, []string{`"10.0.0.1" is listed more than once`}},
		{"all problems reported", []string{"bad", "10.0.0.1", "10.0.0.1/32", "10.0.0.9-10.0.0.1"}, []string{
			`"bad": not a valid IP address`,
			`"10.0.0.1" and "10.0.0.1/32"`,
			`"10.0.0.9-10.0.0.1": range start is greater than its end`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.values)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate succeeded, want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestSetValidator(t *testing.T) {
	ctx := context.Background()
	root := path.Root("app_acl_values")
	set := func(elems ...attr.Value) types.Set {
		return types.SetValueMust(types.StringType, elems)
	}
	str := types.StringValue

	type wantDiag struct {
		path    path.Path
		summary string
		detail  string // substring
	}
	tests := []struct {
		name  string
		value types.Set
		want  []wantDiag
	}{
		{"null set", types.SetNull(types.StringType), nil},
		{"unknown set", types.SetUnknown(types.StringType), nil},
		{"valid", set(str("192.168.0.1"), str("::1"), str("10.0.0.0/8"), str("192.168.0.5-192.168.0.10")), nil},
		{"unknown element skipped", set(str("10.0.0.1"), types.StringUnknown()), nil},
		{"bad elements", set(str("10.0.0.1"), str("10.0.0.0/33"), str("::ffff:1.2.3.4")), []wantDiag{
			{root.AtSetValue(str("10.0.0.0/33")), "Invalid IP address entry", `"10.0.0.0/33": prefix length "33"`},
			{root.AtSetValue(str("::ffff:1.2.3.4")), "Invalid IP address entry", `"::ffff:1.2.3.4": IPv4-mapped`},
		}},
		{"duplicates", set(str("10.0.0.1"), str("10.0.0.1/32")), []wantDiag{
			{root, "Duplicate IP address entries", `"10.0.0.1" and "10.0.0.1/32" cover the same addresses`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := validator.SetRequest{Path: root, PathExpression: root.Expression(), ConfigValue: tt.value}
			var resp validator.SetResponse
			SetValidator().ValidateSet(ctx, req, &resp)

			if len(resp.Diagnostics) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d: %v", len(resp.Diagnostics), len(tt.want), resp.Diagnostics)
			}
			for i, w := range tt.want {
				d := resp.Diagnostics[i]
				if d.Severity() != diag.SeverityError || d.Summary() != w.summary || !strings.Contains(d.Detail(), w.detail) {
					t.Errorf("diagnostic %d = %q / %q, want %q / containing %q", i, d.Summary(), d.Detail(), w.summary, w.detail)
				}
				dp, ok := d.(diag.DiagnosticWithPath)
				if !ok || !dp.Path().Equal(w.path) {
					t.Errorf("diagnostic %d path = %v, want %v", i, d, w.path)
				}
			}
		})
	}
}

func TestSetValidatorDescription(t *testing.T) {
	ctx := context.Background()
	v := SetValidator()
	if d := v.Description(ctx); !strings.Contains(d, "192.168.0.100/28") {
		t.Errorf("Description %q does not show a CIDR example", d)
	}
	if d := v.MarkdownDescription(ctx); !strings.Contains(d, "`192.168.0.5-192.168.0.10`") {
		t.Errorf("MarkdownDescription %q does not show a range example", d)
	}
}

// FuzzParse checks the invariants the fake cloud relies on: no panics, and
// every accepted entry is a non-empty span within one address family.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"192.168.0.1", "::1", "192.168.0.100/28", "2407:c080:17ef:ffff::3104:703a/64", "192.168.0.5-192.168.0.10", "::ffff:1.2.3.4", "10.0.0.9-10.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			return
		}
		if !e.From.IsValid() || e.To.Less(e.From) || e.From.Is4() != e.To.Is4() || e.From.Is4In6() || e.From.Zone() != "" {
			t.Errorf("Parse(%q) = %+v: bad span", s, e)
		}
	})
}
