package core

import (
	"errors"
	"net/http"
)

// The admin endpoints let scripts drive a standalone server the way tests drive an in-process one. They need
// no authentication, are not logged and know no faults; without Options.Admin they do not exist, which is
// why the standalone server serves them only when asked to (-admin).
const adminPrefix = "/_fakecloud/"

// adminService names the core's own admin endpoints in the route table; no service may take the name.
const adminService = "admin"

// serveAdmin adds the admin endpoints (Options.Admin).
func (s *Server) serveAdmin() {
	s.admin = http.NewServeMux()
	s.admin.HandleFunc("/", s.unrouted)
	s.adminHandle(adminService, "GET", "requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Requests())
	})
	s.adminHandle(adminService, "DELETE", "requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	s.adminHandle(adminService, "GET", "state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.SnapshotFixture())
	})
	s.adminHandle(adminService, "POST", "fixture", s.adminLoadFixture)
	s.adminHandle(adminService, "POST", "faults", s.adminInjectFault)
	s.adminHandle(adminService, "DELETE", "faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
}

// adminHandle serves an admin endpoint at /_fakecloud/<pattern>, its body limited like the cloud APIs',
// and enters it in the route table.
func (s *Server) adminHandle(service, method, pattern string, h http.HandlerFunc) {
	s.admin.HandleFunc(method+" "+adminPrefix+pattern, func(w http.ResponseWriter, r *http.Request) {
		s.adminBody(w, r)
		h(w, r)
	})
	s.addRoute(RouteInfo{Service: service, Method: method, Pattern: adminPrefix + pattern, Scope: scopeAdmin})
}

// adminBody limits the body of an admin request to Options.MaxBodyBytes, refusing one declared larger
// before reading it.
func (s *Server) adminBody(w http.ResponseWriter, r *http.Request) {
	limit := s.opts.MaxBodyBytes
	if r.ContentLength > limit {
		r.Body = errReader{&http.MaxBytesError{Limit: limit}}
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
func (errReader) Close() error               { return nil }

// adminFail answers an admin request that failed: 413 for a body over the limit, else 400 with the error's
// text.
func adminFail(w http.ResponseWriter, err error) {
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		w.Header().Set("Connection", "close") // the rest of the body is not read
		writeError(w, errAdminTooLarge.With(tooLarge.Limit))
		return
	}
	writeError(w, errAdminBadRequest.With(err.Error()))
}

// AdminHandler is a service's own admin endpoint: a change behind the API's back that its test accessors
// also make (an engineer withdrawing an OSM request), for scripts driving a standalone server. An error
// answers 400 FAKECLOUD.0400 with its text; success answers 204.
type AdminHandler func(r *http.Request) error

// Admin registers a service's admin endpoint at /_fakecloud/<pattern>; pattern starts with the service's name,
// e.g. Admin("POST", "osm/authorizations/{authorization_id}/withdraw", h). Like the core's admin endpoints it
// needs no authentication, is not logged, knows no faults and exists only with Options.Admin.
func (r *Routes) Admin(method, pattern string, h AdminHandler) {
	if r.srv.admin == nil {
		return
	}
	r.srv.adminHandle(r.service, method, pattern, func(w http.ResponseWriter, req *http.Request) {
		if err := h(req); err != nil {
			adminFail(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) adminLoadFixture(w http.ResponseWriter, r *http.Request) {
	var f Fixture
	err := DecodeStrict(r.Body, &f) // adminHandle limited the body
	if err == nil {
		err = s.LoadFixture(f)
	}
	if err != nil {
		adminFail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	err := DecodeStrict(r.Body, &f) // adminHandle limited the body
	var af *activeFault
	if err == nil {
		af, err = newActiveFault(f)
	}
	if err != nil {
		adminFail(w, err)
		return
	}
	s.addFault(af)
	w.WriteHeader(http.StatusNoContent)
}
