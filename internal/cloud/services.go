package cloud

import (
	"encoding/json"
	"net/http"
)

// Scope is what a service's calls address: one project, or the whole account (domain).
type Scope int

const (
	// ProjectScoped services (the gateways, ModelArts) have the project in their paths; AK/SK callers name
	// it in X-Project-Id, and password logins get a token for the project.
	ProjectScoped Scope = iota
	// AccountScoped services (service tickets) act for the whole account; AK/SK callers name the account in
	// X-Domain-Id.
	AccountScoped
)

// serviceSpec is what the client knows of a service beyond its endpoint: the scope it is called at and how
// its answers tell a failure.
type serviceSpec struct {
	scope Scope
	// failure returns the error an answer reports, or nil when the call succeeded.
	failure func(status int, header http.Header, body []byte) *APIError
}

// services declares every service the client calls; adding a service adds a line here.
var services = map[Service]serviceSpec{
	ServiceAPIG:      {scope: ProjectScoped, failure: statusFailure},
	ServiceROMA:      {scope: ProjectScoped, failure: statusFailure},
	ServiceModelArts: {scope: ProjectScoped, failure: statusFailure},
	ServiceOSM:       {scope: AccountScoped, failure: businessFailure},
	// IAM is called with the project the provider works in, as the official SDKs do.
	ServiceIAM: {scope: ProjectScoped, failure: statusFailure},
}

// statusFailure: the HTTP status tells a failure, the body describes it.
func statusFailure(status int, header http.Header, body []byte) *APIError {
	if status >= 200 && status <= 299 {
		return nil
	}
	return decodeError(status, header, body)
}

// businessFailure: besides failed HTTP statuses, a 200 with a non-empty error_code is a failure (service
// tickets report business errors that way).
func businessFailure(status int, header http.Header, body []byte) *APIError {
	if err := statusFailure(status, header, body); err != nil {
		return err
	}
	var probe struct {
		Code string `json:"error_code"`
	}
	if json.Unmarshal(body, &probe) != nil || probe.Code == "" {
		return nil
	}
	return decodeError(status, header, body)
}

// AuthTypeApp is the only API authentication type whose APIs can be authorized for apps, on the gateways
// and on ModelArts alike (auth_type APP).
const AuthTypeApp = "APP"
