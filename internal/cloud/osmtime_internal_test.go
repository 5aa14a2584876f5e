package cloud

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseTimeZone(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	for zone, offset := range map[string]int{
		"": 8 * 3600, "GMT+8": 8 * 3600, "GMT": 0, "UTC": 0, "GMT-3": -3 * 3600, "UTC+05:30": 5*3600 + 1800,
		"GMT+0545": 5*3600 + 2700, "GMT+14": 14 * 3600, "Europe/Berlin": 2 * 3600, "Asia/Shanghai": 8 * 3600,
	} {
		loc, err := ParseTimeZone(zone)
		if err != nil {
			t.Errorf("%q: %v", zone, err)
			continue
		}
		if _, got := at.In(loc).Zone(); got != offset {
			t.Errorf("%q: offset %d, want %d", zone, got, offset)
		}
	}
	for _, zone := range []string{"GMT+15", "GMT+8:60", "Mars/Olympus", "Local", "+8", "gmt+8"} {
		if _, err := ParseTimeZone(zone); err == nil {
			t.Errorf("%q: no error", zone)
		}
	}
}

func TestOSMTimeReadsEveryDocumentedForm(t *testing.T) {
	t.Parallel()
	gmt8, _ := ParseTimeZone("GMT+8")
	want := time.Date(2026, 12, 4, 9, 30, 15, 0, time.UTC).UnixMilli()
	for raw, ms := range map[string]int64{
		`1796376615000`:               want,
		`1.796376615e12`:              want,
		`"2026-12-04T09:30:15Z"`:      want,       // sdktime, UTC
		`"2026-12-04T17:30:15"`:       want,       // zone-less: in X-Time-Zone
		`"2026-12-04 17:30:15"`:       want,       // zone-less, with a space
		`"2026-12-04T17:30:15+08:00"`: want,       // an offset is read as one (the SDK takes it for UTC)
		`"2026-12-04T09:30:15.250Z"`:  want + 250, // RFC 3339 with fractions
		`"2026-12-04 17:30:15.5"`:     want + 500, // zone-less with fractions
		`null`:                        0,
		`""`:                          0,
	} {
		var v osmTime
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatal(err)
		}
		got, err := v.millis(gmt8)
		if err != nil || got != ms {
			t.Errorf("%s: %d %v, want %d", raw, got, err, ms)
		}
	}
	for _, raw := range []string{`"tomorrow"`, `"04.12.2026"`, `true`, `{}`, `"1796376615000"`} {
		var v osmTime
		_ = json.Unmarshal([]byte(raw), &v)
		if _, err := v.millis(gmt8); err == nil {
			t.Errorf("%s: no error", raw)
		}
	}
	// An absent field reads as unset.
	var a osmAuthorizationAnswer
	if err := json.Unmarshal([]byte(`{"id":"a1","status":1,"auth_expire_time":"2026-12-04 17:30:15"}`), &a); err != nil {
		t.Fatal(err)
	}
	got, err := a.read(gmt8)
	if err != nil || got.ID != "a1" || got.Status != 1 || got.CreateTime != 0 || got.AuthEffectiveTime != 0 || got.AuthExpireTime != want {
		t.Errorf("read %+v %v", got, err)
	}
	// A time in no known form fails as an *OSMTimeError that still carries the rest.
	if err := json.Unmarshal([]byte(`{"id":"a2","status":1,"create_time":"soon"}`), &a); err != nil {
		t.Fatal(err)
	}
	got, err = a.read(gmt8)
	var timeErr *OSMTimeError
	if !errors.As(err, &timeErr) || timeErr.Field != "create_time" || got.ID != "a2" || got.Status != 1 {
		t.Errorf("read %+v %v", got, err)
	}
}
