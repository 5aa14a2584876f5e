package ipacl

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// canonical is the shortest way to write the span e covers in its own form: netip's rendering of the
// address, of the masked prefix, or of both ends of the range.
func canonical(t *testing.T, e Entry) string {
	switch e.Kind {
	case KindAddress:
		return e.From.String()
	case KindPrefix:
		p, err := netip.ParsePrefix(e.Raw)
		if err != nil {
			t.Fatalf("%q parsed as a prefix, but netip refuses it: %v", e.Raw, err)
		}
		return p.Masked().String()
	case KindRange:
		return e.From.String() + "-" + e.To.String()
	}
	t.Fatalf("%q parsed with kind %v", e.Raw, e.Kind)
	return ""
}

// FuzzParse checks that Parse never panics, that what it accepts is a well-formed span whose canonical
// form and Key parse back to the same span, and that what it refuses is explained with the accepted forms.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"192.168.0.1", "::1", "192.168.0.100/28", "2407:c080:17ef:ffff::3104:703a/64", "192.168.0.5-192.168.0.10",
		"2001:db8::1-2001:db8::ff", "0.0.0.0/0", "::/0", "::/80", "", " 10.0.0.1", "10.0.0.0/33", "::ffff:1.2.3.4",
		"fe80::1%eth0", "10.0.0.9-10.0.0.1", "10.0.0.1-::1", "10.0.0.1/", "/8", "-", "1.2.3.4-", "1.2.3.4/08",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		e, err := Parse(value)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, strconv.Quote(value)+": ") || !strings.HasSuffix(msg, acceptedForms) {
				t.Fatalf("Parse(%q) error %q does not quote the value and end with the accepted forms", value, msg)
			}
			if e != (Entry{}) {
				t.Fatalf("Parse(%q) failed but returned %+v", value, e)
			}
			return
		}
		if e.Raw != value {
			t.Fatalf("Parse(%q).Raw = %q", value, e.Raw)
		}
		if !e.From.IsValid() || !e.To.IsValid() || e.From.Is4() != e.To.Is4() || e.To.Less(e.From) {
			t.Fatalf("Parse(%q) = %+v: not a span of one family", value, e)
		}
		// No written address may carry a zone or be IPv4-mapped. A prefix's last address is not written:
		// ::/80 ends at ::ffff:255.255.255.255.
		if e.From.Zone() != "" || e.To.Zone() != "" || e.From.Is4In6() || (e.Kind != KindPrefix && e.To.Is4In6()) {
			t.Fatalf("Parse(%q) = %+v: accepted a zone or an IPv4-mapped address", value, e)
		}
		if e.Kind == KindAddress && e.From != e.To {
			t.Fatalf("Parse(%q) = %+v: an address covering more than itself", value, e)
		}
		if !e.Overlaps(e) {
			t.Fatalf("Parse(%q) = %+v does not overlap itself", value, e)
		}

		// The canonical form is accepted, means the same and is its own canonical form.
		c := canonical(t, e)
		ce, err := Parse(c)
		if err != nil {
			t.Fatalf("canonical form %q of %q refused: %v", c, value, err)
		}
		if ce.Kind != e.Kind || ce.From != e.From || ce.To != e.To {
			t.Fatalf("canonical form %q of %q parses as %+v, want the span of %+v", c, value, ce, e)
		}
		if cc := canonical(t, ce); cc != c {
			t.Fatalf("canonical form of %q is %q, but of %q it is %q", value, c, c, cc)
		}
		// Key names the span as a range, so it parses back to the same span too, unless it ends in an
		// IPv4-mapped address, which a range may not be written with.
		if !e.To.Is4In6() {
			ke, err := Parse(e.Key())
			if err != nil || ke.Kind != KindRange || ke.From != e.From || ke.To != e.To || ke.Key() != e.Key() {
				t.Fatalf("Key %q of %q parses as %+v, %v", e.Key(), value, ke, err)
			}
		}
	})
}

// FuzzSetValidator checks that the plan-time validator agrees with Parse and Validate on up to three
// values: it reports exactly the values Parse refuses, at those values, then exactly the conflicts Validate
// reports, in the same order and each with Validate's text in its detail, and it finds a conflict exactly
// when two entries share an address.
func FuzzSetValidator(f *testing.F) {
	f.Add("192.168.0.1", "::1", "10.0.0.0/8")
	f.Add("10.0.0.1", "10.0.0.1/32", "10.0.0.1-10.0.0.1")
	f.Add("10.0.0.0/24", "10.0.0.5", "x")
	f.Add("2001:db8::1-2001:db8::9", "2001:db8::8/125", "")
	f.Add("10.0.0.0/25", "10.0.0.128/25", "::ffff:1.2.3.4")
	f.Add("0.0.0.0/0", "::/0", "255.255.255.255")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ctx := context.Background()
		root := path.Root("app_acl_values")
		values := slices.Compact(slices.Sorted(slices.Values([]string{a, b, c}))) // a set holds each string once
		elems := make([]attr.Value, len(values))
		for i, v := range values {
			elems[i] = types.StringValue(v)
		}
		req := validator.SetRequest{Path: root, PathExpression: root.Expression(), ConfigValue: types.SetValueMust(types.StringType, elems)}
		var resp validator.SetResponse
		SetValidator().ValidateSet(ctx, req, &resp)

		// What Parse and Validate say, in the validator's order: refused values, then conflicts.
		var want []string
		var wantPaths []path.Path
		var entries []Entry
		for _, v := range values {
			e, err := Parse(v)
			if err != nil {
				want = append(want, err.Error())
				wantPaths = append(wantPaths, root.AtSetValue(types.StringValue(v)))
				continue
			}
			entries = append(entries, e)
		}
		found := conflicts(entries)
		for _, cf := range found {
			want = append(want, cf.err().Error())
			wantPaths = append(wantPaths, root)
		}

		if len(resp.Diagnostics) != len(want) {
			t.Fatalf("%q: the validator reports %d problems %v, but Parse and conflicts say %d: %q", values, len(resp.Diagnostics), resp.Diagnostics, len(want), want)
		}
		for i, d := range resp.Diagnostics {
			dp, ok := d.(interface{ Path() path.Path })
			if !strings.Contains(d.Detail(), want[i]) || !ok || !dp.Path().Equal(wantPaths[i]) {
				t.Fatalf("%q: diagnostic %d is %q at %v, want %q at %v", values, i, d.Detail(), d, want[i], wantPaths[i])
			}
		}
		verr := Validate(values)
		if (verr == nil) != (len(want) == 0) || (verr != nil && verr.Error() != strings.Join(want, "\n")) {
			t.Fatalf("%q: Validate = %v, want %q", values, verr, want)
		}

		overlap := false
		for i, x := range entries {
			for _, y := range entries[i+1:] {
				overlap = overlap || x.Overlaps(y)
			}
		}
		if overlap != (len(found) > 0) {
			t.Fatalf("%q: entries overlap: %v, conflicts: %+v", values, overlap, found)
		}
	})
}
