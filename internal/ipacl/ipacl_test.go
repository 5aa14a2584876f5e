package ipacl

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
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
		{"prefix covers address", []string{"10.0.0.0/24", "10.0.0.5"}, []string{
			`"10.0.0.0/24" and "10.0.0.5" overlap; an ACL entry may not cover addresses another entry covers`}},
		{"address inside later prefix", []string{"10.0.0.5", "10.0.0.0/24"}, []string{`"10.0.0.5" and "10.0.0.0/24" overlap`}},
		{"range vs prefix", []string{"10.0.0.1-10.0.0.9", "10.0.0.8/29"}, []string{`"10.0.0.1-10.0.0.9" and "10.0.0.8/29" overlap`}},
		{"prefix vs range", []string{"10.0.0.8/29", "10.0.0.1-10.0.0.8"}, []string{`"10.0.0.8/29" and "10.0.0.1-10.0.0.8" overlap`}},
		{"ranges share one address", []string{"10.0.0.10-10.0.0.20", "10.0.0.1-10.0.0.10"}, []string{`"10.0.0.10-10.0.0.20" and "10.0.0.1-10.0.0.10" overlap`}},
		{"nested prefixes", []string{"10.0.0.0/8", "10.1.0.0/16"}, []string{`"10.0.0.0/8" and "10.1.0.0/16" overlap`}},
		{"everything", []string{"192.168.0.1", "0.0.0.0/0"}, []string{`"192.168.0.1" and "0.0.0.0/0" overlap`}},
		{"v6 prefix covers address", []string{"2001:db8::/64", "2001:db8::5"}, []string{`"2001:db8::/64" and "2001:db8::5" overlap`}},
		{"v6 range vs prefix", []string{"2001:db8::1-2001:db8::9", "2001:db8::8/125"}, []string{`"2001:db8::1-2001:db8::9" and "2001:db8::8/125" overlap`}},
		{"v6 nested prefixes", []string{"2407:c080:17ef:ffff::3104:703a/64", "2407:c080:17ef::/48"}, []string{`"2407:c080:17ef:ffff::3104:703a/64" and "2407:c080:17ef::/48" overlap`}},
		{"adjacent prefixes", []string{"10.0.0.0/25", "10.0.0.128/25"}, nil},
		{"adjacent ranges", []string{"10.0.0.10-10.0.0.20", "10.0.0.1-10.0.0.9", "10.0.0.21"}, nil},
		{"adjacent range and prefix", []string{"10.0.0.0-10.0.0.7", "10.0.0.8/29", "10.0.0.16-10.0.0.16"}, nil},
		{"adjacent v6", []string{"2001:db8::/65", "2001:db8:0:0:8000::/65", "2001:db8:0:1::-2001:db8:0:1::ff"}, nil},
		{"adjacent at family edges", []string{"255.255.255.255", "0.0.0.0-255.255.255.254", "::", "::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, nil},
		{"families never overlap", []string{"0.0.0.0/0", "::/0"}, nil},
		{"v4 and v4-compatible v6", []string{"10.0.0.1", "::10.0.0.1"}, nil},
		{"address vs /32", []string{"10.0.0.1", "10.0.0.1/32"}, []string{`"10.0.0.1" and "10.0.0.1/32" cover the same addresses`}},
		{"same network, different host bits", []string{"192.168.0.100/28", "192.168.0.96/28"}, []string{`"192.168.0.100/28" and "192.168.0.96/28"`}},
		{"v6 spellings", []string{"::1", "0:0::1"}, []string{`"::1" and "0:0::1"`}},
		{"exact repeat", []string{"10.0.0.1", "10.0.0.1"}, []string{`"10.0.0.1" is listed more than once`}},
		{"all problems reported", []string{"bad", "10.0.0.1", "10.0.0.1/32", "10.0.0.9-10.0.0.1", "10.0.0.0/30"}, []string{
			`"bad": not a valid IP address`,
			`"10.0.0.1" and "10.0.0.1/32" cover the same addresses`,
			`"10.0.0.9-10.0.0.1": range start is greater than its end`,
			`"10.0.0.1" and "10.0.0.0/30" overlap`,
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

// TestValidateOrder pins the exact messages and their order: parse errors in
// input order, then conflicts by ascending address, each naming the entry
// listed first first.
func TestValidateOrder(t *testing.T) {
	values := []string{
		"10.1.0.0/16", "10.0.0.0/24", "bad", "2001:db8::1", "10.0.0.5", "10.0.0.0/24",
		"10.0.0.1-10.0.0.9", "2001:db8::/64", "10.0.0.0-10.0.0.255", "10.1.2.3", "10.0.1.0/24",
	}
	want := strings.Join([]string{
		`"bad": not a valid IP address; ` + acceptedForms,
		`"10.0.0.0/24" is listed more than once`,
		`"10.0.0.0/24" and "10.0.0.0-10.0.0.255" cover the same addresses; keep only one of them`,
		`"10.0.0.0/24" and "10.0.0.1-10.0.0.9" overlap; an ACL entry may not cover addresses another entry covers`,
		`"10.0.0.0/24" and "10.0.0.5" overlap; an ACL entry may not cover addresses another entry covers`,
		`"10.1.0.0/16" and "10.1.2.3" overlap; an ACL entry may not cover addresses another entry covers`,
		`"2001:db8::1" and "2001:db8::/64" overlap; an ACL entry may not cover addresses another entry covers`,
	}, "\n")
	for range 3 {
		err := Validate(values)
		if err == nil || err.Error() != want {
			t.Fatalf("Validate =\n%v\nwant\n%s", err, want)
		}
	}
}

func TestOverlaps(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"10.0.0.0/24", "10.0.0.5", true},
		{"10.0.0.0/24", "10.0.0.255", true},
		{"10.0.0.0/24", "10.0.1.0", false},
		{"10.0.0.1-10.0.0.9", "10.0.0.8/29", true},
		{"10.0.0.1-10.0.0.7", "10.0.0.8/29", false},
		{"10.0.0.0/25", "10.0.0.128/25", false},
		{"10.0.0.1", "10.0.0.1/32", true},
		{"0.0.0.0/0", "::/0", false},
		{"0.0.0.0/0", "::1.2.3.4", false},
		{"2001:db8::1-2001:db8::9", "2001:db8::8/125", true},
		{"2001:db8::/65", "2001:db8:0:0:8000::/65", false},
	}
	for _, tt := range tests {
		a, b := mustParse(t, tt.a), mustParse(t, tt.b)
		if got := a.Overlaps(b); got != tt.want {
			t.Errorf("%q.Overlaps(%q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := b.Overlaps(a); got != tt.want {
			t.Errorf("%q.Overlaps(%q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// TestConflictsRandom checks the sweep against a brute-force pairwise check on
// crowded random lists: it finds a conflict exactly when some pair overlaps,
// reports only real overlaps, names every entry that overlaps another, and
// reports each entry at most once.
func TestConflictsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	addr := func(v6 bool) string {
		if v6 {
			return fmt.Sprintf("2001:db8::%x", r.IntN(64))
		}
		return fmt.Sprintf("10.0.0.%d", r.IntN(64))
	}
	for iter := range 5000 {
		n := 1 + r.IntN(12)
		seen := map[string]bool{} // a set, as in the validator
		var entries []Entry
		for len(entries) < n {
			v6 := r.IntN(4) == 0
			var v string
			switch r.IntN(3) {
			case 0:
				v = addr(v6)
			case 1:
				bits := 26 + r.IntN(7)
				if v6 {
					bits += 96
				}
				v = fmt.Sprintf("%s/%d", addr(v6), bits)
			default:
				a, b := mustParse(t, addr(v6)).From, mustParse(t, addr(v6)).From
				if b.Less(a) {
					a, b = b, a
				}
				v = a.String() + "-" + b.String()
			}
			if !seen[v] {
				seen[v] = true
				entries = append(entries, mustParse(t, v))
			}
		}
		byRaw := map[string]Entry{}
		overlapping := map[string]bool{}
		for i, a := range entries {
			byRaw[a.Raw] = a
			for _, b := range entries[i+1:] {
				if a.Overlaps(b) {
					overlapping[a.Raw], overlapping[b.Raw] = true, true
				}
			}
		}

		got := conflicts(entries)
		named := map[string]bool{}
		for _, c := range got {
			a, b := byRaw[c.first], byRaw[c.second]
			if !a.Overlaps(b) || c.same != (a.From == b.From && a.To == b.To) {
				t.Fatalf("iteration %d: %v: bad conflict %+v", iter, entries, c)
			}
			if slices.IndexFunc(entries, func(e Entry) bool { return e.Raw == c.first }) >
				slices.IndexFunc(entries, func(e Entry) bool { return e.Raw == c.second }) {
				t.Fatalf("iteration %d: %v: conflict %+v not in list order", iter, entries, c)
			}
			named[c.first], named[c.second] = true, true
		}
		if !maps.Equal(named, overlapping) {
			t.Fatalf("iteration %d: %v: conflicts %+v name %v, want %v", iter, entries, got, named, overlapping)
		}
		if len(got) >= max(len(entries), 2) {
			t.Fatalf("iteration %d: %v: %d conflicts for %d entries", iter, entries, len(got), len(entries))
		}
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
		{"overlaps", set(str("10.0.0.0/24"), str("10.0.0.5"), str("2001:db8::1-2001:db8::9"), str("2001:db8::8/125")), []wantDiag{
			{root, "Overlapping IP address entries", `"10.0.0.0/24" and "10.0.0.5" overlap; an ACL entry may not cover addresses another entry covers`},
			{root, "Overlapping IP address entries", `"2001:db8::1-2001:db8::9" and "2001:db8::8/125" overlap`},
		}},
		{"adjacent", set(str("10.0.0.0/25"), str("10.0.0.128/25"), str("10.0.1.0-10.0.1.9"), str("10.0.1.10")), nil},
		{"bad elements then overlaps", set(str("10.0.0.0/8"), str("x"), str("10.0.0.1"), types.StringUnknown()), []wantDiag{
			{root.AtSetValue(str("x")), "Invalid IP address entry", `"x": not a valid IP address`},
			{root, "Overlapping IP address entries", `"10.0.0.0/8" and "10.0.0.1" overlap`},
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
	for _, d := range []string{v.Description(ctx), v.MarkdownDescription(ctx)} {
		if !strings.Contains(d, "no two entries may overlap") {
			t.Errorf("description %q does not say entries may not overlap", d)
		}
	}
}
