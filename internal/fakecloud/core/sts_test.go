package core

import (
	"strings"
	"testing"
)

// TestIAMFixtureChecked: an iam section naming what does not exist is refused, and changes nothing.
func TestIAMFixtureChecked(t *testing.T) {
	for name, tc := range map[string]struct {
		iam  IAMFixture
		want string
	}{
		"unknown principal":       {IAMFixture{Agencies: []AgencyFixture{{Name: "a", Trusted: []string{"agency:b"}}}}, `trusts "agency:b"`},
		"unknown project":         {IAMFixture{Agencies: []AgencyFixture{{Name: "a", Trusted: []string{"user"}, Projects: []string{"ffffffffffffffffffffffffffffffff"}}}}, "unknown project"},
		"agency twice":            {IAMFixture{Agencies: []AgencyFixture{{Name: "a"}, {Name: "a"}}}, "named twice"},
		"unknown metadata agency": {IAMFixture{MetadataAgency: "x"}, `metadata_agency "x"`},
		"negative lifetime":       {IAMFixture{CredentialSeconds: -1}, "negative"},
	} {
		t.Run(name, func(t *testing.T) {
			s := New(Options{})
			err := s.LoadFixture(Fixture{IAM: &tc.iam})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadFixture = %v, want an error naming %q", err, tc.want)
			}
			if s.SnapshotFixture().IAM != nil {
				t.Error("the refused section was applied")
			}
		})
	}
}
