package gateway

import (
	"cmp"
	"net/url"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Environments (api-notes.md §3): where APIs are published; every gateway has the built-in RELEASE.

// envFields are what a caller says about an environment: the body of POST envs, and the heart of every
// answer about one.
type envFields struct {
	Name   string `json:"name"`
	Remark string `json:"remark"`
}

func (f envFields) object() Env { return Env{Name: f.Name, Remark: f.Remark} }

type envView struct {
	ID string `json:"id"`
	envFields
	CreateTime string `json:"create_time"`
}

func (e *envRecord) view() envView {
	return envView{ID: e.ID, envFields: envFields{Name: e.Name, Remark: e.Remark}, CreateTime: core.FormatTime(e.created)}
}

func (in *instance) addEnv(e Env, now time.Time) (*envRecord, *core.Error) {
	if err := core.FirstError(validateGivenID(e.ID), validateName(e.Name), validateRemark(e.Remark)); err != nil {
		return nil, err
	}
	for _, other := range in.envs {
		if other.Name == e.Name {
			return nil, errEnvNameTaken.With(e.Name)
		}
	}
	if len(in.envs)-1 >= maxEnvsPerInstance { // the built-in RELEASE does not count
		return nil, errEnvQuota.With(maxEnvsPerInstance)
	}
	if _, taken := in.envs[e.ID]; taken {
		return nil, errInvalidParam.With("id")
	}
	e.ID = cmp.Or(e.ID, core.NewID())
	rec := &envRecord{Env: e, created: now}
	in.envs[e.ID] = rec
	return rec, nil
}

// listEnvs is GET envs.
func (g *Service) listEnvs(c *call, q url.Values) ([]envView, *core.Error) {
	return viewsOf(c.inst.envs, func(e *envRecord) bool { return matchSubstring(q, "name", e.Name) },
		func(a, b envView) int { return strings.Compare(a.Name, b.Name) }), nil
}

// deleteEnv is DELETE envs/{env_id}: only an environment with nothing published in it can go, never RELEASE.
func (g *Service) deleteEnv(c *call) (core.Reply, *core.Error) {
	id := c.PathValue("env_id")
	if id == releaseEnvID {
		return core.Fail(errInvalidPath.With("env_id"))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	in := c.inst
	if _, err := in.env(id); err != nil {
		return core.Fail(err)
	}
	for k := range in.pubs {
		if k.envID == id {
			return core.Fail(errEnvInUse.With(id))
		}
	}
	in.removeEnv(id)
	return core.NoContent()
}
