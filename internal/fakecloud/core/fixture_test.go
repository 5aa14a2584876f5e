package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const newProjectID = "11111111111111111111111111111111"

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fixture Fixture
		wantErr string
	}{
		{"bad project id", Fixture{Projects: []ProjectFixture{{ID: "eu-de"}}}, "32 lower-case hex"},
		{"new project without name", Fixture{Projects: []ProjectFixture{{ID: newProjectID}}}, "needs a name"},
		{"new project with a taken name", Fixture{Projects: []ProjectFixture{{ID: newProjectID, Name: OtherProjectName}}}, "taken"},
		{"known project renamed", Fixture{Projects: []ProjectFixture{{ID: DefaultProjectID, Name: "xx-yy"}}}, "is named"},
		{"unknown section", Fixture{Sections: map[string]json.RawMessage{"cce": json.RawMessage(`{}`)}}, `unknown fixture section "cce"`},
		{"section naming an unknown project", Fixture{Sections: map[string]json.RawMessage{"pprobe": json.RawMessage(`{"` + newProjectID + `": 1}`)}}, "pprobe: unknown tenant"},
		// Nothing is added when a later part fails: not the new project, not the account's count.
		{"one section fails", Fixture{
			Projects: []ProjectFixture{{ID: newProjectID, Name: "eu-ch2"}},
			Sections: map[string]json.RawMessage{
				"aprobe": json.RawMessage(`{"` + DefaultDomainID + `": 3}`),
				"pprobe": json.RawMessage(`{"` + newProjectID + `": "three"}`),
			},
		}, "pprobe: json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startProbes(t, Options{})
			before := s.SnapshotFixture()
			err := s.LoadFixture(tt.fixture)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error %v, want one containing %q", err, tt.wantErr)
			}
			if after := s.SnapshotFixture(); !reflect.DeepEqual(before, after) {
				t.Errorf("a failed Load changed the state: %+v", after)
			}
		})
	}
}

// TestFixtureRoundTrip: projects and sections, as JSON, into a new server and out again.
func TestFixtureRoundTrip(t *testing.T) {
	t.Parallel()
	s, _ := startProbes(t, Options{})
	raw := `{"projects": [{"id": "` + newProjectID + `", "name": "eu-ch2"}, {"id": "` + DefaultProjectID + `"}],
		"pprobe": {"` + newProjectID + `": 2}, "aprobe": {"` + DefaultDomainID + `": 5}}`
	var f Fixture
	if err := DecodeStrict(strings.NewReader(raw), &f); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadFixture(f); err != nil {
		t.Fatal(err)
	}
	snap := s.SnapshotFixture()
	if len(snap.Projects) != 3 || len(snap.Sections) != 2 || string(snap.Sections["aprobe"]) != `{"`+DefaultDomainID+`":5}` {
		t.Fatalf("snapshot %+v", snap)
	}
	encoded, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var decoded Fixture
	if err := json.Unmarshal(encoded, &decoded); err != nil {
		t.Fatal(err)
	}
	s2, _ := startProbes(t, Options{})
	if err := s2.LoadFixture(decoded); err != nil {
		t.Fatalf("Load(snapshot): %v", err)
	}
	if again := s2.SnapshotFixture(); !reflect.DeepEqual(snap, again) {
		t.Errorf("round trip differs:\n%+v\n%+v", snap, again)
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	s, _ := startProbes(t, Options{})
	if err := s.LoadFile(write("good.json", `{"projects": [{"id": "`+newProjectID+`", "name": "eu-ch2"}], "pprobe": {"`+newProjectID+`": 1}}`)); err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if n := len(s.Projects()); n != 3 {
		t.Errorf("%d projects", n)
	}
	for name, content := range map[string]string{
		"projectz": `{"projectz":[]}`,
		"idz":      `{"projects":[{"idz":"x"}]}`,
	} {
		if err := New(Options{}).LoadFile(write(name+".json", content)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("unknown field %s: %v", name, err)
		}
	}
	if err := New(Options{}).LoadFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file loaded")
	}
}
