// Package ipacl parses and validates the IP values of gateway app access-control lists
// (app_acl_values), for plan-time validation in the provider and for the fake cloud.
package ipacl

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode"
)

// Kind is the written form of an ACL entry.
type Kind int

// The zero Kind is deliberately not a valid form, so a zero Entry is never
// mistaken for a parsed single address.
const (
	KindAddress Kind = iota + 1 // 192.168.0.1, ::1
	KindPrefix                  // 192.168.0.100/28
	KindRange                   // 192.168.0.5-192.168.0.10
)

func (k Kind) String() string {
	switch k {
	case KindAddress:
		return "address"
	case KindPrefix:
		return "prefix"
	case KindRange:
		return "range"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Entry is one parsed ACL value.
type Entry struct {
	Raw  string // the value exactly as written
	Kind Kind
	// From and To are the inclusive span of addresses the entry covers; for a
	// prefix they are the first and last address of the masked network.
	From, To netip.Addr
}

// acceptedForms ends every parse error, so a user who wrote something wrong
// also learns what would have been right.
const acceptedForms = "use an IPv4 or IPv6 address (192.168.0.1, ::1), a CIDR block " +
	"(192.168.0.100/28, 2407:c080:17ef:ffff::3104:703a/64) or a range of two addresses " +
	"of the same family (192.168.0.5-192.168.0.10)"

func parseError(value, format string, args ...any) error {
	return fmt.Errorf("%q: %s; %s", value, fmt.Sprintf(format, args...), acceptedForms)
}

// Parse parses one ACL value. It is strict on purpose: whatever it accepts
// must also be accepted by the cloud API, so anything netip would tolerate
// but the gateway would not (zones, IPv4-mapped IPv6) is rejected here.
func Parse(value string) (Entry, error) {
	switch {
	case value == "":
		return Entry{}, parseError(value, "value is empty")
	case strings.IndexFunc(value, unicode.IsSpace) >= 0:
		return Entry{}, parseError(value, "value must not contain spaces")
	}

	// IPv6 addresses never contain '-', so a '-' always means a range.
	if start, end, ok := strings.Cut(value, "-"); ok {
		from, err := parseAddr(value, start, "range start")
		if err != nil {
			return Entry{}, err
		}
		to, err := parseAddr(value, end, "range end")
		if err != nil {
			return Entry{}, err
		}
		if from.Is4() != to.Is4() {
			return Entry{}, parseError(value, "range mixes an IPv4 and an IPv6 address")
		}
		if to.Less(from) {
			return Entry{}, parseError(value, "range start is greater than its end")
		}
		return Entry{Raw: value, Kind: KindRange, From: from, To: to}, nil
	}

	if addrPart, bits, ok := strings.Cut(value, "/"); ok {
		// Parse the address on its own first for the specific zone and
		// IPv4-mapped messages; ParsePrefix accepts the latter.
		addr, err := parseAddr(value, addrPart, "")
		if err != nil {
			return Entry{}, err
		}
		p, err := netip.ParsePrefix(value)
		if err != nil {
			return Entry{}, parseError(value, "prefix length %q must be a whole number from 0 to %d for %s",
				bits, addr.BitLen(), family(addr))
		}
		// Host bits are allowed (192.168.0.100/28), so the span is that of
		// the masked network.
		return Entry{Raw: value, Kind: KindPrefix, From: p.Masked().Addr(), To: lastAddr(p)}, nil
	}

	addr, err := parseAddr(value, value, "")
	if err != nil {
		return Entry{}, err
	}
	return Entry{Raw: value, Kind: KindAddress, From: addr, To: addr}, nil
}

// parseAddr parses part of value as a plain address. For a range, what names
// the end ("range start", "range end") so the message points at the bad half.
func parseAddr(value, part, what string) (netip.Addr, error) {
	label := ""
	if what != "" {
		label = fmt.Sprintf("%s %q: ", what, part)
	}
	if strings.Contains(part, "%") {
		return netip.Addr{}, parseError(value, "%sIPv6 zones (%%eth0) are not allowed", label)
	}
	addr, err := netip.ParseAddr(part)
	if err != nil {
		return netip.Addr{}, parseError(value, "%snot a valid IP address", label)
	}
	// ::ffff:a.b.c.d is an IPv4 address in disguise; the gateway wants it
	// written as IPv4, and allowing both would hide duplicates.
	if addr.Is4In6() {
		return netip.Addr{}, parseError(value, "%sIPv4-mapped IPv6 addresses are not allowed, write %s instead",
			label, addr.Unmap())
	}
	return addr, nil
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// lastAddr returns the highest address in p by setting all host bits.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr()
	b := a.As16() // IPv4 occupies the last 4 bytes, so the bit arithmetic is shared
	for i := 128 - (a.BitLen() - p.Bits()); i < 128; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	if a.Is4() {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.AddrFrom16(b)
}

// Key is the canonical form of the span an entry covers. It deliberately
// ignores Kind: 10.0.0.1, 10.0.0.1/32 and 10.0.0.1-10.0.0.1 allow exactly the
// same clients, so they are duplicates.
func (e Entry) Key() string {
	return e.From.String() + "-" + e.To.String()
}

// Overlaps reports whether e and o share at least one address. Entries of
// different families never do: Parse rejects IPv4-mapped IPv6, so an IPv4
// client is matched only by IPv4 entries.
func (e Entry) Overlaps(o Entry) bool {
	return e.From.Is4() == o.From.Is4() && e.From.Compare(o.To) <= 0 && o.From.Compare(e.To) <= 0
}

// conflict is two entries that share at least one address.
type conflict struct {
	first, second string // raw values; first is the one listed first
	same          bool   // the entries cover exactly the same span
}

func (c conflict) err() error {
	switch {
	case c.first == c.second:
		return fmt.Errorf("%q is listed more than once", c.first)
	case c.same:
		return fmt.Errorf("%q and %q cover the same addresses; keep only one of them", c.first, c.second)
	default:
		return fmt.Errorf("%q and %q overlap; an ACL entry may not cover addresses another entry covers",
			c.first, c.second)
	}
}

// conflicts finds entries that share addresses, in O(n log n): it sorts the
// spans by start (widest first on a tie, then by position in entries) and
// sweeps them, comparing each with the entry that reaches furthest among
// those before it.
//
// Reporting every overlapping pair could mean n²/2 errors for one wide entry
// written many ways, so each entry is reported at most once, paired with an
// identical earlier span if there is one, else with that furthest-reaching
// entry. Still, every entry that overlaps any other is named in at least one
// conflict, so fixing the reported ones never hides another. Conflicts come
// in ascending address order; within each, the entries are in entries order.
func conflicts(entries []Entry) []conflict {
	type indexed struct {
		Entry
		i int
	}
	sorted := make([]indexed, len(entries))
	for i, e := range entries {
		sorted[i] = indexed{e, i}
	}
	// netip orders every IPv4 address before every IPv6 one, so the two
	// families sort apart and the sweep never pairs across them.
	slices.SortFunc(sorted, func(a, b indexed) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		if c := b.To.Compare(a.To); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})

	pair := func(a, b indexed, same bool) conflict {
		if b.i < a.i {
			a, b = b, a
		}
		return conflict{first: a.Raw, second: b.Raw, same: same}
	}
	var out []conflict
	var reach, group indexed // furthest-reaching entry so far; first of the current run of identical spans
	for k, e := range sorted {
		if k > 0 && e.From == group.From && e.To == group.To {
			// Identical spans sort together, the first-listed first; the
			// first of them was already checked against the others.
			out = append(out, pair(group, e, true))
			continue
		}
		group = e
		if k > 0 && e.Overlaps(reach.Entry) {
			out = append(out, pair(reach, e, false))
		}
		if k == 0 || reach.To.Less(e.To) {
			reach = e
		}
	}
	return out
}

// Validate checks that every value parses and that no two values overlap. It
// reports all problems at once (joined), each naming its entries as written,
// so a user can fix a list in one pass: first the values that do not parse,
// in order, then the overlapping ones (see conflicts).
func Validate(values []string) error {
	var errs []error
	entries := make([]Entry, 0, len(values))
	for _, v := range values {
		e, err := Parse(v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		entries = append(entries, e)
	}
	for _, c := range conflicts(entries) {
		errs = append(errs, c.err())
	}
	return errors.Join(errs...)
}
