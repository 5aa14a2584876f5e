package osm

import (
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Times in answers. The service keeps epoch milliseconds (the unit the accept call takes); the list and the
// detail answer them as date-time strings in the caller's X-Time-Zone, zone-less, or with the quirk
// osm-epoch-times as the numbers themselves.

// answerTimeLayout is how a time is written in an answer: one of the SDK's sdktime layouts. Chosen; the
// documentation names none.
const answerTimeLayout = "2006-01-02 15:04:05"

// defaultZone is the service's time zone when a call sends no X-Time-Zone (seed 004: GMT+8 by default).
var defaultZone = time.FixedZone("GMT+8", 8*3600)

// apiTime is a time in an answer: absent (nil), epoch milliseconds or a string (see timeFormat.at).
type apiTime = any

// timeFormat says how one call's answer writes times.
type timeFormat struct {
	epoch bool
	zone  *time.Location
}

// at is the answer's form of the epoch milliseconds ms; 0 (unset) is absent.
func (f timeFormat) at(ms int64) any {
	switch {
	case ms == 0:
		return nil
	case f.epoch:
		return ms
	default:
		return time.UnixMilli(ms).In(f.zone).Format(answerTimeLayout)
	}
}

// offsetZone is the GMT±H[H][[:]MM] form of a time zone (UTC too); the hours go up to 14.
var offsetZone = regexp.MustCompile(`^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$`)

// parseZone reads X-Time-Zone: empty is the service's default, GMT+8; else GMT or UTC with an optional offset
// (GMT+8, GMT-03:30, UTC+0530) or an IANA name (Europe/Berlin). Anything else is a parameter error. It is
// written apart from the provider's cloud.ParseTimeZone on purpose: the fake stands for the service, and a
// reading shared with the client would let one mistake pass both sides' tests.
func parseZone(v string) (*time.Location, *core.Error) {
	if v == "" {
		return defaultZone, nil
	}
	if m := offsetZone.FindStringSubmatch(v); m != nil {
		if m[1] == "" {
			return time.UTC, nil
		}
		hours, _ := strconv.Atoi(m[2])
		minutes := 0
		if m[3] != "" {
			minutes, _ = strconv.Atoi(m[3])
		}
		if hours > 14 || minutes > 59 {
			return nil, errParam.With()
		}
		offset := hours*3600 + minutes*60
		if m[1] == "-" {
			offset = -offset
		}
		return time.FixedZone(v, offset), nil
	}
	if v == "Local" || !zoneName.MatchString(v) {
		return nil, errParam.With()
	}
	if loc, ok := zones.Load(v); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(v) // reads the zone database: slow enough to remember what it found
	if err != nil {
		return nil, errParam.With()
	}
	zones.Store(v, loc)
	return loc, nil
}

// zoneName is the shape of an IANA time zone name (Europe/Berlin, America/Argentina/Buenos_Aires, EST5EDT).
var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`)

// zones holds the time zones found by name, which are few.
var zones sync.Map
