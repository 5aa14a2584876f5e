// Package ipacl parses and validates the IP values of gateway app access-control lists
// (app_acl_values), for plan-time validation in the provider and for the fake cloud.
package ipacl

import (
	"errors"
	"fmt"
	"net/netip"
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

func duplicateError(first, second string) error {
	if first == second {
		return fmt.Errorf("%q is listed more than once", first)
	}
	return fmt.Errorf("%q and %q cover the same addresses; keep only one of them", first, second)
}

// Validate checks that every value parses and that no two values cover the
// same span. It reports all problems at once (joined), each naming its entry,
// so a user can fix a list in one pass.
func Validate(values []string) error {
	var errs []error
	seen := make(map[string]string, len(values)) // Key -> first raw value
	for _, v := range values {
		e, err := Parse(v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, dup := seen[e.Key()]; dup {
			errs = append(errs, duplicateError(first, v))
			continue
		}
		seen[e.Key()] = v
	}
	return errors.Join(errs...)
}
