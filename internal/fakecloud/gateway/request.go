package gateway

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// What the calls of every kind of object share: parameter rules, paging, filters, and the handlers that read,
// list and delete objects the same way whatever they are.

var (
	// idPattern is the gateway's rule for IDs in paths and bodies.
	idPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	// namePattern is the rule for app, environment and API names: 3-64 characters, starting with a letter.
	namePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{2,63}$`)
)

const maxRemarkLength = 255

func validateName(name string) *core.Error {
	return core.CheckRequired("name", name, namePattern, errMissingParam, errInvalidParam)
}

func validateRemark(remark string) *core.Error {
	return core.CheckMaxLength("remark", remark, maxRemarkLength, errInvalidParam)
}

// validateGivenID checks an ID a fixture or test supplies; generated IDs always pass.
func validateGivenID(id string) *core.Error {
	if id != "" && !idPattern.MatchString(id) {
		return errInvalidParam.With("id")
	}
	return nil
}

// paging is the gateways' rule for lists (api-notes.md §0).
var paging = core.Paging{DefaultLimit: 20, MaxLimit: 500, Invalid: errInvalidParam, TotalKey: "total", SizeKey: "size"}

// Query filters of the list calls: an absent or empty parameter lets everything through.
func matchExact(q url.Values, name, value string) bool {
	f := q.Get(name)
	return f == "" || f == value
}

func matchSubstring(q url.Values, name, value string) bool {
	return strings.Contains(value, q.Get(name))
}

// listOf answers a list call: {"total": all matches, "size": items in this page, key: the page}. collect
// finds every match, sorted; it runs under g.mu.
func listOf[T any](g *Service, key string, collect func(c *call, q url.Values) ([]T, *core.Error)) handler {
	return func(c *call) (core.Reply, *core.Error) {
		q := c.Request.URL.Query()
		g.mu.Lock()
		defer g.mu.Unlock()
		items, err := collect(c, q)
		if err != nil {
			return core.Fail(err)
		}
		return core.Paged(paging, q, key, items)
	}
}

// viewsOf returns the views of the objects that pass keep, in order.
func viewsOf[R interface{ view() V }, V any](objects map[string]R, keep func(R) bool, order func(a, b V) int) []V {
	views := []V{}
	for _, obj := range objects {
		if keep(obj) {
			views = append(views, obj.view())
		}
	}
	slices.SortFunc(views, order)
	return views
}

// showOne answers GET of the object the path parameter param names.
func showOne[R interface{ view() V }, V any](g *Service, param string, find func(*instance, string) (R, *core.Error)) handler {
	return func(c *call) (core.Reply, *core.Error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		obj, err := find(c.inst, c.PathValue(param))
		if err != nil {
			return core.Fail(err)
		}
		return core.OK(obj.view())
	}
}

// createOne answers a create call: decode the body into Req (the fields the call accepts), add the object
// with the checks the gateway makes, and answer 201 with its view.
func createOne[Req interface{ object() T }, T any, R interface{ view() V }, V any](g *Service, add func(*instance, T, time.Time) (R, *core.Error)) handler {
	return func(c *call) (core.Reply, *core.Error) {
		var req Req
		if err := c.Decode(&req); err != nil {
			return core.Fail(err)
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		rec, err := add(c.inst, req.object(), g.now())
		if err != nil {
			return core.Fail(err)
		}
		return core.Created(rec.view())
	}
}

// dropper makes the removal of one kind of object, as DELETE and the test accessors remove it: it fails like
// find when the object does not exist, and otherwise removes it with what depends on it.
func dropper[R any](find func(*instance, string) (R, *core.Error), remove func(*instance, string)) func(*instance, string) *core.Error {
	return func(in *instance, id string) *core.Error {
		if _, err := find(in, id); err != nil {
			return err
		}
		remove(in, id)
		return nil
	}
}

var (
	dropApp = dropper((*instance).app, (*instance).removeApp)
	dropAPI = dropper((*instance).api, (*instance).removeAPI)
)

// deleteOne answers DELETE of the object the path parameter param names.
func deleteOne(g *Service, param string, drop func(*instance, string) *core.Error) handler {
	return func(c *call) (core.Reply, *core.Error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if err := drop(c.inst, c.PathValue(param)); err != nil {
			return core.Fail(err)
		}
		return core.NoContent()
	}
}
