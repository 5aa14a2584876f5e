package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

// projectsKey and iamKey are the fixture's keys of the core's own; every other key is a service's section.
const (
	projectsKey = "projects"
	iamKey      = "iam"
)

// Fixture is the JSON seed format as the core sees it: the projects, and each service's section by the
// service's name, still encoded. The standalone server loads one from a file and the admin endpoint takes one;
// SnapshotFixture returns the whole state in it. In JSON the sections stand beside "projects":
//
//	{"projects": [{"id": "...", "name": "eu-de"}], "gateway": {...}, "modelarts": {...}, "osm": {...}}
type Fixture struct {
	Projects []ProjectFixture
	IAM      *IAMFixture // agencies, identity providers, the metadata service (sts.go); nil: unchanged
	Sections map[string]json.RawMessage
}

// ProjectFixture is a project of the account: one of the two known ones, or a new one (then Name is required).
type ProjectFixture struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"` // the region name
}

func (f Fixture) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	for name, raw := range f.Sections {
		m[name] = raw
	}
	if f.Projects != nil {
		m[projectsKey] = f.Projects
	}
	if f.IAM != nil {
		m[iamKey] = f.IAM
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes strictly, as fixtures are written by hand: an unknown field of a project is an error.
// Unknown sections are found when the fixture is loaded, where the registered services are known.
func (f *Fixture) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*f = Fixture{}
	if raw, found := m[projectsKey]; found {
		if err := DecodeStrict(bytes.NewReader(raw), &f.Projects); err != nil {
			return fmt.Errorf("projects: %w", err)
		}
		delete(m, projectsKey)
	}
	if raw, found := m[iamKey]; found {
		f.IAM = new(IAMFixture)
		if err := DecodeStrict(bytes.NewReader(raw), f.IAM); err != nil {
			return fmt.Errorf("iam: %w", err)
		}
		delete(m, iamKey)
	}
	if len(m) > 0 {
		f.Sections = m
	}
	return nil
}

// DecodeStrict decodes JSON written by hand (fixtures, faults), where an unknown field is a typo.
func DecodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Tenants tells a service loading its fixture section which projects and accounts exist.
type Tenants struct {
	projects map[string]string
}

func (t Tenants) HasProject(id string) bool { _, ok := t.projects[id]; return ok }
func (t Tenants) HasAccount(id string) bool { return id == DefaultDomainID }

// LoadFixture adds the fixture's projects and every service's section. It checks everything first, every
// reference included, and changes nothing when it fails.
func (s *Server) LoadFixture(f Fixture) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	s.mu.Lock()
	projects := maps.Clone(s.id.projects)
	s.mu.Unlock()
	for _, pf := range f.Projects {
		if err := addProject(projects, pf); err != nil {
			return fmt.Errorf("fakecloud: %w", err)
		}
	}
	if f.IAM != nil {
		if err := checkIAM(*f.IAM, projects); err != nil {
			return fmt.Errorf("fakecloud: iam: %w", err)
		}
	}
	var applies []func()
	for _, name := range slices.Sorted(maps.Keys(f.Sections)) {
		svc := s.service(name)
		if svc == nil {
			return fmt.Errorf("fakecloud: unknown fixture section %q", name)
		}
		apply, err := svc.LoadSection(f.Sections[name], Tenants{projects: projects})
		if err != nil {
			return fmt.Errorf("fakecloud: %s: %w", name, err)
		}
		applies = append(applies, apply)
	}

	s.mu.Lock()
	s.id.projects = projects
	if f.IAM != nil {
		s.id.iam = *f.IAM
	}
	s.mu.Unlock()
	for _, apply := range applies {
		apply()
	}
	return nil
}

// addProject checks a project of a fixture against those known and adds it if it is new.
func addProject(projects map[string]string, pf ProjectFixture) error {
	if !projectIDPattern.MatchString(pf.ID) {
		return fmt.Errorf("project ID %q is not 32 lower-case hex characters", pf.ID)
	}
	name, known := projects[pf.ID]
	switch {
	case known && pf.Name != "" && pf.Name != name:
		return fmt.Errorf("project %s is named %q, not %q", pf.ID, name, pf.Name)
	case known:
		return nil
	case pf.Name == "":
		return fmt.Errorf("new project %s needs a name", pf.ID)
	}
	for otherID, otherName := range projects {
		if otherName == pf.Name {
			return fmt.Errorf("project name %q is taken by project %s", pf.Name, otherID)
		}
	}
	projects[pf.ID] = pf.Name
	return nil
}

// LoadFile loads a fixture from a JSON file; unknown fields are an error, to catch typos.
func (s *Server) LoadFile(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fakecloud: %w", err)
	}
	defer file.Close()
	var f Fixture
	if err := DecodeStrict(file, &f); err != nil {
		return fmt.Errorf("fakecloud: %s: %w", path, err)
	}
	return s.LoadFixture(f)
}

// SnapshotFixture returns the whole state (tokens aside) as a fixture, sorted; loading it into a new server
// reproduces the objects.
func (s *Server) SnapshotFixture() Fixture {
	f := Fixture{Projects: s.Projects()}
	s.mu.Lock()
	if iam := s.id.iam; iam.CredentialSeconds != 0 || iam.Agencies != nil || iam.IdentityProviders != nil || iam.MetadataAgency != "" {
		f.IAM = &iam
	}
	s.mu.Unlock()
	for _, svc := range s.services {
		section := svc.SnapshotSection()
		if section == nil {
			continue
		}
		raw, err := json.Marshal(section)
		if err != nil {
			panic(fmt.Sprintf("fakecloud: %s snapshot: %v", svc.Name(), err)) // the services' own types always encode
		}
		if f.Sections == nil {
			f.Sections = map[string]json.RawMessage{}
		}
		f.Sections[svc.Name()] = raw
	}
	return f
}

// Projects returns the account's projects, sorted by ID.
func (s *Server) Projects() []ProjectFixture {
	s.mu.Lock()
	var out []ProjectFixture
	for id, name := range s.id.projects {
		out = append(out, ProjectFixture{ID: id, Name: name})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b ProjectFixture) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// checkIAM checks the fixture's iam section: agencies and identity providers named once, known projects,
// principals that exist.
func checkIAM(f IAMFixture, projects map[string]string) error {
	if f.CredentialSeconds < 0 {
		return fmt.Errorf("credential_seconds %d is negative", f.CredentialSeconds)
	}
	principals := map[string]bool{principalUser: true}
	for _, a := range f.Agencies {
		principals[principalAgency+a.Name] = true
	}
	for _, p := range f.IdentityProviders {
		if p.ID == "" || principals[principalIdP+p.ID] {
			return fmt.Errorf("identity provider %q is empty or named twice", p.ID)
		}
		principals[principalIdP+p.ID] = true
	}
	known := func(ids []string) error {
		for _, id := range ids {
			if _, ok := projects[id]; !ok {
				return fmt.Errorf("unknown project %s", id)
			}
		}
		return nil
	}
	names := map[string]bool{}
	for _, a := range f.Agencies {
		if a.Name == "" || names[a.Name] {
			return fmt.Errorf("agency %q is empty or named twice", a.Name)
		}
		names[a.Name] = true
		for _, p := range a.Trusted {
			if !principals[p] {
				return fmt.Errorf("agency %s trusts %q, which is not user, agency:<name> or idp:<id> of this fixture", a.Name, p)
			}
		}
		if err := known(a.Projects); err != nil {
			return fmt.Errorf("agency %s: %w", a.Name, err)
		}
	}
	for _, p := range f.IdentityProviders {
		if err := known(p.Projects); err != nil {
			return fmt.Errorf("identity provider %s: %w", p.ID, err)
		}
	}
	if f.MetadataAgency != "" && !names[f.MetadataAgency] {
		return fmt.Errorf("metadata_agency %q is not an agency of the fixture", f.MetadataAgency)
	}
	return nil
}
