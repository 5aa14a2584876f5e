package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// ProjectSection is the fixture section of a project-scoped service, {"projects": [{"id": ..., ...}]}: the
// service's objects grouped by project. P is the service's type for one project's objects.
type ProjectSection[P interface{ ProjectID() string }] struct {
	Projects []P `json:"projects"`
}

// DecodeProjectSection decodes a section strictly, as fixtures are written by hand, and checks that every
// project it names exists.
func DecodeProjectSection[P interface{ ProjectID() string }](raw json.RawMessage, tenants Tenants) (ProjectSection[P], error) {
	var s ProjectSection[P]
	if err := DecodeStrict(bytes.NewReader(raw), &s); err != nil {
		return s, err
	}
	for _, p := range s.Projects {
		if !tenants.HasProject(p.ProjectID()) {
			return s, fmt.Errorf("project %s is not known: list it under the fixture's \"projects\"", p.ProjectID())
		}
	}
	return s, nil
}

// SortedSection is the section holding the projects, sorted by ID, as snapshots are.
func SortedSection[P interface{ ProjectID() string }](projects []P) ProjectSection[P] {
	slices.SortFunc(projects, func(a, b P) int { return strings.Compare(a.ProjectID(), b.ProjectID()) })
	return ProjectSection[P]{Projects: projects}
}

// OrNil is what a service's SnapshotSection returns: the section, or nil when it holds no project.
func (s ProjectSection[P]) OrNil() any {
	if len(s.Projects) == 0 {
		return nil
	}
	return s
}
