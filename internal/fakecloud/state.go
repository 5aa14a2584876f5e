package fakecloud

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The built-in environment every gateway has; it cannot be deleted.
const (
	releaseEnvID   = "DEFAULT_ENVIRONMENT_RELEASE_ID"
	releaseEnvName = "RELEASE"
)

// domainID is the ID of the one IAM domain (account) that owns every project.
const domainID = "5d1c6b0a4e8f4c2d9a7b3e1f0c6d8a2b"

var projectIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// state is everything the fake cloud holds; Server.mu guards it.
type state struct {
	projects map[string]*project
	tokens   map[string]token
}

type token struct {
	projectID string
	expires   time.Time // zero: never
}

type project struct {
	id, name  string
	instances map[string]*instance
}

// instance is one APIG gateway or ROMA Connect instance.
type instance struct {
	id, name string
	flavor   Flavor
	apps     map[string]*appRecord
	envs     map[string]*envRecord
	apis     map[string]*apiRecord
	pubs     map[pubKey]publication
	auths    map[string]*AppAuth
	acls     map[string]*AppACL
	// busy holds the apps with a write in flight (see Server.write).
	busy map[string]bool
}

type envRecord struct {
	Env
	created time.Time
}

type appRecord struct {
	App
	registered, updated time.Time
}

// apiRecord holds an API; its PublishedEnvs field stays empty because pubs is the source of truth.
type apiRecord struct {
	API
	registered time.Time
}

type pubKey struct{ apiID, envID string }

type publication struct {
	id, versionID, remark string
	at                    time.Time
}

func newState() *state {
	st := &state{projects: map[string]*project{}, tokens: map[string]token{}}
	st.addProject(DefaultProjectID, DefaultProjectName)
	st.addProject(OtherProjectID, OtherProjectName)
	st.tokens[DefaultToken] = token{projectID: DefaultProjectID}
	st.tokens[OtherProjectToken] = token{projectID: OtherProjectID}
	return st
}

func (st *state) addProject(id, name string) *project {
	p := &project{id: id, name: name, instances: map[string]*instance{}}
	st.projects[id] = p
	return p
}

func (st *state) projectByName(name string) *project {
	for _, p := range st.projects {
		if p.name == name {
			return p
		}
	}
	return nil
}

func newInstance(id, name string, flavor Flavor, now time.Time) *instance {
	release := &envRecord{Env: Env{ID: releaseEnvID, Name: releaseEnvName, Remark: "Production environment"}, created: now}
	return &instance{
		id: id, name: name, flavor: flavor,
		apps:  map[string]*appRecord{},
		envs:  map[string]*envRecord{releaseEnvID: release},
		apis:  map[string]*apiRecord{},
		pubs:  map[pubKey]publication{},
		auths: map[string]*AppAuth{},
		acls:  map[string]*AppACL{},
		busy:  map[string]bool{},
	}
}

func (in *instance) app(id string) (*appRecord, *apiError) {
	if a, ok := in.apps[id]; ok {
		return a, nil
	}
	return nil, errAppNotFound.with(id)
}

func (in *instance) env(id string) (*envRecord, *apiError) {
	if e, ok := in.envs[id]; ok {
		return e, nil
	}
	return nil, errEnvNotFound.with(id)
}

func (in *instance) api(id string) (*apiRecord, *apiError) {
	if a, ok := in.apis[id]; ok {
		return a, nil
	}
	return nil, errAPINotFound.with(id)
}

// findAuth returns the record authorizing app for api in env, if any.
func (in *instance) findAuth(appID, apiID, envID string) *AppAuth {
	for _, a := range in.auths {
		if a.AppID == appID && a.APIID == apiID && a.EnvID == envID {
			return a
		}
	}
	return nil
}

func (in *instance) countAuths(keep func(*AppAuth) bool) int {
	n := 0
	for _, a := range in.auths {
		if keep(a) {
			n++
		}
	}
	return n
}

func (in *instance) deleteAuths(drop func(*AppAuth) bool) {
	for id, a := range in.auths {
		if drop(a) {
			delete(in.auths, id)
		}
	}
}

func (in *instance) removeApp(id string) {
	delete(in.apps, id)
	delete(in.acls, id)
	in.deleteAuths(func(a *AppAuth) bool { return a.AppID == id })
}

func (in *instance) removeAPI(id string) {
	delete(in.apis, id)
	for k := range in.pubs {
		if k.apiID == id {
			delete(in.pubs, k)
		}
	}
	in.deleteAuths(func(a *AppAuth) bool { return a.APIID == id })
}

func (in *instance) removeEnv(id string) {
	delete(in.envs, id)
	in.deleteAuths(func(a *AppAuth) bool { return a.EnvID == id })
}

// publishedEnvs lists the environments api is online in, sorted.
func (in *instance) publishedEnvs(apiID string) []string {
	var envs []string
	for k := range in.pubs {
		if k.apiID == apiID {
			envs = append(envs, k.envID)
		}
	}
	slices.Sort(envs)
	return envs
}

// sortedAuths returns the records in a stable order: by auth_time, then ID.
func (in *instance) sortedAuths(keep func(*AppAuth) bool) []*AppAuth {
	var out []*AppAuth
	for _, a := range in.auths {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *AppAuth) int {
		if c := a.AuthTime.Compare(b.AuthTime); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// newID returns 32 random lower-case hex characters, the shape of every ID the clouds generate.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// formatTime renders times the way the gateway does: RFC 3339 in UTC, whole seconds.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
