package fakecloud

import (
	"fmt"
	"slices"
	"strings"
)

// A quirk is a documented alternative form of an answer. By default the fake cloud answers in the shapes of the
// official Huawei Cloud Go SDK's generated models (they come from the services' published specifications);
// where the documentation allows another form too, a client must accept both, so the fake offers the other
// one under a name (-quirk NAME, or Options.Quirks in tests). This table is the one place that lists them,
// with where each form comes from.
type Quirk struct {
	Name    string
	Service string // the fake cloud service whose answers it changes
	// Default is the form the fake answers without the quirk; Alternative the one it answers with it.
	Default, Alternative string
	// Source says where each form is documented.
	Source string
	apply  func(*Options)
}

// Quirk names.
const (
	QuirkOSMEpochTimes      = "osm-epoch-times"
	QuirkSkippedWithoutID   = "skipped-without-id"
	QuirkROMAV1             = "roma-v1"
	QuirkDuplicateAuthError = "duplicate-auth-error"
)

var quirks = []Quirk{
	{
		Name: QuirkOSMEpochTimes, Service: "osm",
		Default: "create_time, auth_effective_time and auth_expire_time of the list and detail answers are date-time " +
			"strings, zone-less, in the caller's X-Time-Zone (default GMT+8)",
		Alternative: "the three times are numbers: epoch milliseconds, as the accept call's request takes them",
		Source: "default: SDK services/osm/v2/model IncidentOrderAuthV2 and ShowAuthorizationDetailResponse " +
			"(sdktime.SdkTime), X-Time-Zone in seed 004; alternative: the request side, AgreeTenantAuthorizationV2Req (*int64)",
		apply: func(o *Options) { o.OSM.EpochTimes = true },
	},
	{
		Name: QuirkSkippedWithoutID, Service: "gateway",
		Default:     "a SKIPPED item of create app-auths carries the existing record's id",
		Alternative: "a SKIPPED item has no id; the record is found only through binded-apis",
		Source:      "SDK services/apig/v2 and services/roma/v2 model AppAuthorizationResp: id is optional",
		apply:       func(o *Options) { o.Gateway.SkippedWithoutID = true },
	},
	{
		Name: QuirkROMAV1, Service: "gateway",
		Default:     "ROMA Connect serves its app-auth and app-ACL calls under /v2/{project_id}/apic/instances/{instance_id}",
		Alternative: "an older ROMA Connect instance: the app-auth calls only under /v1/{project_id}/apic/... (create answers a bare array); app ACLs stay on /v2",
		Source:      "default: SDK services/roma/v2 (the current API generation); alternative: seed 001 (the v1 cancel)",
		apply:       func(o *Options) { o.Gateway.ROMAV1 = true },
	},
	{
		Name: QuirkDuplicateAuthError, Service: "gateway",
		Default:     "create app-auths answers an already authorized (app, API, environment) as a SKIPPED item",
		Alternative: "the whole create fails with 400 APIG.3316 \"The API authorization record already exists.\"",
		Source:      "api-notes.md §1 (unconfirmed; both forms appear in the clouds' documentation and providers)",
		apply:       func(o *Options) { o.Gateway.DuplicateAuthError = true },
	},
}

// Quirks lists every quirk, sorted by name.
func Quirks() []Quirk {
	out := slices.Clone(quirks)
	slices.SortFunc(out, func(a, b Quirk) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// QuirkNames lists the quirks' names, sorted.
func QuirkNames() []string {
	var names []string
	for _, q := range Quirks() {
		names = append(names, q.Name)
	}
	return names
}

// CheckQuirks reports the first name that is no quirk.
func CheckQuirks(names []string) error {
	for _, n := range names {
		if !slices.ContainsFunc(quirks, func(q Quirk) bool { return q.Name == n }) {
			return fmt.Errorf("unknown quirk %q (known: %s)", n, strings.Join(QuirkNames(), ", "))
		}
	}
	return nil
}

// applyQuirks turns Options.Quirks into the services' own options. An unknown name is a programming error
// (the command line checks its names with CheckQuirks first).
func (o *Options) applyQuirks() {
	if err := CheckQuirks(o.Quirks); err != nil {
		panic("fakecloud: " + err.Error())
	}
	for _, q := range quirks {
		if slices.Contains(o.Quirks, q.Name) {
			q.apply(o)
		}
	}
}
