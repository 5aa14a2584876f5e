package cloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // time zones by name (time_zone = "Europe/Berlin") on machines without a zoneinfo database
)

// Times in the service tickets' answers. The SDK's models (services/osm/v2) read create_time,
// auth_effective_time and auth_expire_time as date-time strings (core/sdktime's layouts); the accept call's
// request takes epoch milliseconds, and some answers carry those too. Both are read here: a number is epoch
// milliseconds, a string is read in any of the SDK's layouts, and a zone-less one is in the time zone the
// provider sends as X-Time-Zone (the service's default, GMT+8, when it sends none).

// DefaultOSMTimeZone is the service tickets' time zone when a call names none (seed 004).
const DefaultOSMTimeZone = "GMT+8"

// zonelessLayouts are the SDK's layouts without a zone, tried in order; RFC 3339 (with Z or an offset) is
// tried first.
var zonelessLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// offsetZone is the GMT±H[H][[:]MM] form of a time zone, UTC too.
var offsetZone = regexp.MustCompile(`^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$`)

// ParseTimeZone reads a time zone as X-Time-Zone takes it: GMT or UTC with an optional offset (GMT+8,
// GMT-03:30, UTC+0530) or an IANA name (Europe/Berlin); empty is DefaultOSMTimeZone.
func ParseTimeZone(tz string) (*time.Location, error) {
	if tz == "" {
		tz = DefaultOSMTimeZone
	}
	if m := offsetZone.FindStringSubmatch(tz); m != nil {
		if m[1] == "" {
			return time.UTC, nil
		}
		hours, _ := strconv.Atoi(m[2])
		minutes := 0
		if m[3] != "" {
			minutes, _ = strconv.Atoi(m[3])
		}
		if hours > 14 || minutes > 59 {
			return nil, fmt.Errorf("time zone %q: the offset must be at most 14 hours and 59 minutes", tz)
		}
		offset := (hours*60 + minutes) * 60
		if m[1] == "-" {
			offset = -offset
		}
		return time.FixedZone(tz, offset), nil
	}
	if loc, ok := zonesByName.Load(tz); ok {
		return loc.(*time.Location), nil
	}
	if tz == "Local" {
		return nil, fmt.Errorf("time zone %q: name the zone (GMT+1, Europe/Berlin); the machine's local zone is not one the service knows", tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is neither GMT±hours (GMT+8, GMT-03:30) nor a known IANA name (Europe/Berlin)", tz)
	}
	zonesByName.Store(tz, loc) // loading reads the zone database; every service-ticket call reads its zone
	return loc, nil
}

// zonesByName holds the time zones found by name: a provider uses one.
var zonesByName sync.Map

// osmTime is a time as an answer carries it, still unread: a JSON number or string, or nothing.
type osmTime struct{ raw json.RawMessage }

func (t *osmTime) UnmarshalJSON(b []byte) error {
	t.raw = bytes.Clone(b)
	return nil
}

// millis reads the time as epoch milliseconds, 0 when it is absent, null or empty; zone-less strings are in loc.
func (t osmTime) millis(loc *time.Location) (int64, error) {
	raw := bytes.TrimSpace(t.raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	if raw[0] != '"' {
		var ms json.Number
		if err := json.Unmarshal(raw, &ms); err != nil {
			return 0, fmt.Errorf("%s is neither a number nor a string", raw)
		}
		if n, err := ms.Int64(); err == nil {
			return n, nil
		}
		f, err := ms.Float64() // 1.7e12: still epoch milliseconds
		if err != nil {
			return 0, fmt.Errorf("%s is not epoch milliseconds", raw)
		}
		return int64(f), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, err
	}
	if s == "" {
		return 0, nil
	}
	if at, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return at.UnixMilli(), nil
	}
	for _, layout := range zonelessLayouts {
		if at, err := time.ParseInLocation(layout, s, loc); err == nil {
			return at.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("%q is not a time in a layout the service uses (RFC 3339, 2006-01-02T15:04:05 or 2006-01-02 15:04:05)", s)
}
