package fakecloud

import (
	"os"
	"strings"
	"testing"
)

func TestQuirksAreKnownByName(t *testing.T) {
	t.Parallel()
	if err := CheckQuirks(QuirkNames()); err != nil {
		t.Fatal(err)
	}
	err := CheckQuirks([]string{QuirkROMAV1, "epoch"})
	if err == nil || !strings.Contains(err.Error(), `unknown quirk "epoch"`) || !strings.Contains(err.Error(), QuirkOSMEpochTimes) {
		t.Errorf("unknown quirk: %v", err)
	}
	for _, q := range Quirks() {
		if q.Service == "" || q.Default == "" || q.Alternative == "" || q.Source == "" || q.apply == nil {
			t.Errorf("quirk %s is not fully described: %+v", q.Name, q)
		}
	}
}

func TestQuirksSetTheirServicesOptions(t *testing.T) {
	t.Parallel()
	o := Options{Quirks: []string{QuirkOSMEpochTimes, QuirkSkippedWithoutID, QuirkROMAV1, QuirkDuplicateAuthError}}
	o.applyQuirks()
	if !o.OSM.EpochTimes || !o.Gateway.SkippedWithoutID || !o.Gateway.ROMAV1 || !o.Gateway.DuplicateAuthError {
		t.Errorf("options %+v %+v", o.OSM, o.Gateway)
	}
	none := Options{}
	none.applyQuirks()
	if none.OSM != (Options{}).OSM || none.Gateway != (Options{}).Gateway {
		t.Errorf("no quirk changed options: %+v %+v", none.OSM, none.Gateway)
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown quirk did not panic")
		}
	}()
	New(Options{Quirks: []string{"nope"}})
}

// The provider's documentation lists every quirk, so users know what the fake can answer.
func TestQuirksAreDocumented(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"../../templates/index.md.tmpl", "../../README.md"} {
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range QuirkNames() {
			if !strings.Contains(string(doc), "`"+name+"`") {
				t.Errorf("%s does not name the quirk `%s`", file, name)
			}
		}
	}
}
