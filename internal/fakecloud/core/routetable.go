package core

import "slices"

// RouteInfo is one call the server answers, as it was registered: tests walk the table to prove that every
// call, including calls added later, turns away callers the way the core promises.
type RouteInfo struct {
	Service string // the registering service's Name; "iam" for the core's IAM calls, "admin" for the core's admin endpoints
	Method  string
	Pattern string // the path pattern with its {wildcards}, e.g. /v1/{project_id}/app-auth/apps
	Scope   Scope  // who may call it; see Authenticated
	// Errors are the answers the core gives on the call's behalf; the admin endpoints have none.
	Errors ServiceErrors
}

// Authenticated says whether the core demands credentials before the call's handler runs: every call but
// IAM's login and the admin endpoints.
func (r RouteInfo) Authenticated() bool { return r.Scope != scopePublic && r.Scope != scopeAdmin }

// Admin says whether the call is an admin endpoint (Options.Admin), under /_fakecloud/.
func (r RouteInfo) Admin() bool { return r.Scope == scopeAdmin }

// Routes returns every registered call in registration order: IAM's, then each service's; admin endpoints
// only when Options.Admin serves them.
func (s *Server) Routes() []RouteInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.routes)
}

func (s *Server) addRoute(ri RouteInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = append(s.routes, ri)
}
