package gateway

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// App ACLs (api-notes.md §2, seed 003): the client IP addresses an app may (PERMIT) or may not (DENY) call from.

var aclAppIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{0,64}$`)

// validateACL checks the body of PUT app-acl.
func validateACL(acl AppACL) *core.Error {
	switch {
	case acl.Type == "":
		return errMissingParam.With("app_acl_type")
	case acl.Type != "PERMIT" && acl.Type != "DENY":
		return errInvalidParam.With("app_acl_type")
	case len(acl.Values) == 0:
		return errMissingParam.With("app_acl_values")
	case len(acl.Values) > maxACLValues:
		return errInvalidParam.With("app_acl_values")
	}
	for _, v := range acl.Values {
		if !validACLValue(v) {
			return errInvalidIP.With()
		}
	}
	return nil
}

// validACLValue accepts an IPv4 or IPv6 address, a CIDR block, or a range "a-b" of one family with a <= b.
func validACLValue(v string) bool {
	if from, to, isRange := strings.Cut(v, "-"); isRange {
		a, errA := netip.ParseAddr(from)
		b, errB := netip.ParseAddr(to)
		return errA == nil && errB == nil && a.Zone() == "" && b.Zone() == "" && a.Is4() == b.Is4() && a.Compare(b) <= 0
	}
	if strings.Contains(v, "/") {
		_, err := netip.ParsePrefix(v)
		return err == nil
	}
	a, err := netip.ParseAddr(v)
	return err == nil && a.Zone() == ""
}

// aclApp validates the path's app_id, the format check the gateway makes before looking the app up.
func aclApp(c *call) (string, *core.Error) {
	id := c.PathValue("app_id")
	if !aclAppIDPattern.MatchString(id) {
		return "", errInvalidPath.With("app_id")
	}
	return id, nil
}

// putAppACL replaces the app's whole ACL, type included; values keep the order sent.
func (g *Service) putAppACL(c *call) (core.Reply, *core.Error) {
	appID, err := aclApp(c)
	if err != nil {
		return core.Fail(err)
	}
	var acl AppACL
	if err := c.Decode(&acl); err != nil {
		return core.Fail(err)
	}
	if err := validateACL(acl); err != nil {
		return core.Fail(err)
	}
	acl.AppID = appID
	in := c.inst
	return g.write(in, []string{appID}, func() (core.Reply, *core.Error) {
		if _, err := in.app(appID); err != nil {
			return core.Fail(err)
		}
		in.acls[appID] = &acl
		return core.Created(acl)
	})
}

// showAppACL answers the ACL, or {} for an app without one.
func (g *Service) showAppACL(c *call) (core.Reply, *core.Error) {
	appID, err := aclApp(c)
	if err != nil {
		return core.Fail(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := c.inst.app(appID); err != nil {
		return core.Fail(err)
	}
	if acl, found := c.inst.acls[appID]; found {
		return core.OK(*acl) // stored ACLs are replaced, never modified, so sharing Values is safe
	}
	return core.OK(struct{}{})
}

// deleteAppACL answers 204 whether or not the app had an ACL (see quirks.go).
func (g *Service) deleteAppACL(c *call) (core.Reply, *core.Error) {
	appID, err := aclApp(c)
	if err != nil {
		return core.Fail(err)
	}
	in := c.inst
	return g.write(in, []string{appID}, func() (core.Reply, *core.Error) {
		if _, err := in.app(appID); err != nil {
			return core.Fail(err)
		}
		delete(in.acls, appID)
		return core.NoContent()
	})
}
