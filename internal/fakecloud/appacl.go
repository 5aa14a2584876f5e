package fakecloud

import (
	"net/netip"
	"regexp"
	"strings"
)

// App ACLs (api-notes.md §2, seed 003): the client IP addresses an app may (PERMIT) or may not (DENY) call from.

var aclAppIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{0,64}$`)

// validateACL checks the body of PUT app-acl.
func validateACL(acl AppACL) *apiError {
	switch {
	case acl.Type == "":
		return errMissingParam.with("app_acl_type")
	case acl.Type != "PERMIT" && acl.Type != "DENY":
		return errInvalidParam.with("app_acl_type")
	case len(acl.Values) == 0:
		return errMissingParam.with("app_acl_values")
	case len(acl.Values) > maxACLValues:
		return errInvalidParam.with("app_acl_values")
	}
	for _, v := range acl.Values {
		if !validACLValue(v) {
			return errInvalidIP.with()
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
func aclApp(c *call) (string, *apiError) {
	id := c.r.PathValue("app_id")
	if !aclAppIDPattern.MatchString(id) {
		return "", errInvalidPath.with("app_id")
	}
	return id, nil
}

// putAppACL replaces the app's whole ACL, type included; values keep the order sent.
func (s *Server) putAppACL(c *call) (reply, *apiError) {
	appID, err := aclApp(c)
	if err != nil {
		return fail(err)
	}
	var acl AppACL
	if err := c.decode(&acl); err != nil {
		return fail(err)
	}
	if err := validateACL(acl); err != nil {
		return fail(err)
	}
	acl.AppID = appID
	in := c.inst
	return s.write(in, []string{appID}, func() (reply, *apiError) {
		if _, err := in.app(appID); err != nil {
			return fail(err)
		}
		in.acls[appID] = &acl
		return created(acl)
	})
}

// showAppACL answers the ACL, or {} for an app without one.
func (s *Server) showAppACL(c *call) (reply, *apiError) {
	appID, err := aclApp(c)
	if err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := c.inst.app(appID); err != nil {
		return fail(err)
	}
	if acl, found := c.inst.acls[appID]; found {
		return ok(*acl) // stored ACLs are replaced, never modified, so sharing Values is safe
	}
	return ok(struct{}{})
}

// deleteAppACL answers 204 whether or not the app had an ACL (see quirks.go).
func (s *Server) deleteAppACL(c *call) (reply, *apiError) {
	appID, err := aclApp(c)
	if err != nil {
		return fail(err)
	}
	in := c.inst
	return s.write(in, []string{appID}, func() (reply, *apiError) {
		if _, err := in.app(appID); err != nil {
			return fail(err)
		}
		delete(in.acls, appID)
		return noContent()
	})
}
