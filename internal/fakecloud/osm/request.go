package osm

import (
	"net/url"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// What the calls share: the optional headers, parameter rules, and finding the authorization a call names.

// idPattern is the shape of authorization IDs, in paths, fixtures and the accessors.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// validateHeaders checks the optional headers every call takes, and returns the time zone of its answer's times.
func validateHeaders(c *core.Call) (*time.Location, *core.Error) {
	h := c.Request.Header
	if site := h.Get(headerSite); site != "" && site != "0" && site != "1" {
		return nil, errParam.With()
	}
	if err := core.FirstError(maxLength(h.Get(headerLanguage), maxHeaderValue), maxLength(h.Get(headerTimeZone), maxHeaderValue)); err != nil {
		return nil, err
	}
	return parseZone(h.Get(headerTimeZone))
}

// maxLength checks an optional text parameter; required makes it mandatory too.
func maxLength(v string, limit int) *core.Error {
	if utf8.RuneCountInString(v) > limit {
		return errParam.With()
	}
	return nil
}

func required(v string, limit int) *core.Error {
	if v == "" {
		return errParam.With()
	}
	return maxLength(v, limit)
}

// intQuery reads an optional whole-number query parameter in [lo, hi].
func intQuery(q url.Values, name string, lo, hi int) (n int, given bool, err *core.Error) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, convErr := strconv.Atoi(v)
	if convErr != nil || n < lo || n > hi {
		return 0, false, errParam.With()
	}
	return n, true, nil
}

// decode parses the body; the documented body fields are all optional, so no body reads as {}.
func decode(c *call, v any) *core.Error {
	if len(c.Body) == 0 {
		return nil
	}
	return c.Decode(v)
}

// authorization finds the path's authorization for a call naming groupID.
func (c *call) authorization(groupID string) (*Authorization, *core.Error) {
	id := c.PathValue("authorization_id")
	if !idPattern.MatchString(id) {
		return nil, errParam.With()
	}
	a := c.acct.auths[id]
	if a == nil {
		return nil, errNotFound.With()
	}
	return a, permitted(a, groupID)
}

// hostDetail finds the path's authorization detail, which must be a host, for a call naming groupID.
func (c *call) hostDetail(groupID string) (*Detail, *core.Error) {
	id, err := strconv.ParseInt(c.PathValue("authorization_detail_id"), 10, 64)
	if err != nil {
		return nil, errParam.With()
	}
	a, d := c.acct.detail(id)
	if d == nil {
		return nil, errNotFound.With()
	}
	if err := permitted(a, groupID); err != nil {
		return nil, err
	}
	if d.Type != DetailHost {
		return nil, errParam.With()
	}
	return d, nil
}
