package gateway

import (
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// The built-in environment every gateway has; it cannot be deleted.
const (
	releaseEnvID   = "DEFAULT_ENVIRONMENT_RELEASE_ID"
	releaseEnvName = "RELEASE"
)

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
	// busy holds the apps with a write in flight (see Service.write).
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

func (in *instance) app(id string) (*appRecord, *core.Error) {
	if a, ok := in.apps[id]; ok {
		return a, nil
	}
	return nil, errAppNotFound.With(id)
}

func (in *instance) env(id string) (*envRecord, *core.Error) {
	if e, ok := in.envs[id]; ok {
		return e, nil
	}
	return nil, errEnvNotFound.With(id)
}

func (in *instance) api(id string) (*apiRecord, *core.Error) {
	if a, ok := in.apis[id]; ok {
		return a, nil
	}
	return nil, errAPINotFound.With(id)
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
