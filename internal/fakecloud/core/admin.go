package core

import "net/http"

// The admin endpoints let scripts drive a standalone server the way tests drive an in-process one. They need
// no authentication, are not logged and know no faults; without Options.Admin they do not exist.
const adminPrefix = "/_fakecloud/"

func (s *Server) adminRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.unrouted)
	mux.HandleFunc("GET "+adminPrefix+"requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Requests())
	})
	mux.HandleFunc("DELETE "+adminPrefix+"requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+adminPrefix+"state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.SnapshotFixture())
	})
	mux.HandleFunc("POST "+adminPrefix+"fixture", s.adminLoadFixture)
	mux.HandleFunc("POST "+adminPrefix+"faults", s.adminInjectFault)
	mux.HandleFunc("DELETE "+adminPrefix+"faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
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
	r.srv.admin.HandleFunc(method+" "+adminPrefix+pattern, func(w http.ResponseWriter, req *http.Request) {
		if err := h(req); err != nil {
			writeError(w, errAdminBadRequest.With(err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) adminLoadFixture(w http.ResponseWriter, r *http.Request) {
	var f Fixture
	err := DecodeStrict(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes), &f)
	if err == nil {
		err = s.LoadFixture(f)
	}
	if err != nil {
		writeError(w, errAdminBadRequest.With(err.Error()))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	err := DecodeStrict(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes), &f)
	var af *activeFault
	if err == nil {
		af, err = newActiveFault(f)
	}
	if err != nil {
		writeError(w, errAdminBadRequest.With(err.Error()))
		return
	}
	s.addFault(af)
	w.WriteHeader(http.StatusNoContent)
}
