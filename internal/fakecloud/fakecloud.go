// Package fakecloud is an in-memory stand-in for the Huawei Cloud / Open Telekom Cloud APIs the provider calls:
// a real HTTP server with the clouds' paths, status codes, JSON shapes and error bodies. This package
// assembles it from the core (package core) and one package per service family (package gateway, modelarts, osm).
package fakecloud

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/modelarts"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// What every service shares, under the names callers of a whole fake cloud use.
type (
	Credentials    = core.Credentials
	Fault          = core.Fault
	Chaos          = core.Chaos
	Throttle       = core.Throttle
	Throttles      = core.Throttles
	RequestRecord  = core.RequestRecord
	ProjectFixture = core.ProjectFixture
	// IAMFixture and the types it holds are the fixture's "iam" section: who may assume which agency.
	IAMFixture              = core.IAMFixture
	AgencyFixture           = core.AgencyFixture
	IdentityProviderFixture = core.IdentityProviderFixture
	IDTokenFixture          = core.IDTokenFixture
	RouteInfo               = core.RouteInfo
)

const (
	DefaultProjectID   = core.DefaultProjectID
	DefaultProjectName = core.DefaultProjectName
	OtherProjectID     = core.OtherProjectID
	OtherProjectName   = core.OtherProjectName
	DefaultDomainID    = core.DefaultDomainID
	DefaultDomainName  = core.DefaultDomainName
	DefaultUserName    = core.DefaultUserName
	DefaultUserID      = core.DefaultUserID
	DefaultPassword    = core.DefaultPassword
	DefaultAccessKey   = core.DefaultAccessKey
	DefaultSecretKey   = core.DefaultSecretKey
	DefaultToken       = core.DefaultToken
	OtherProjectToken  = core.OtherProjectToken
	DomainToken        = core.DomainToken
)

// Options configure a Server; the zero value is ready to use.
type Options struct {
	Now          func() time.Time // the clock of every service; nil = time.Now
	Admin        bool             // serve the /_fakecloud/ admin endpoints (request log, fixture, state, faults)
	MaxBodyBytes int64            // request body limit, beyond which a call is answered 413 in its service's codes; 0 = 1 MiB
	Latency      time.Duration    // how long every cloud API request (admin endpoints aside) is held before it is served
	// Throttles are the API front door's throttling policies, per credential and per source address (see
	// core/throttle.go for what each counts); zero: none.
	Throttles Throttles

	// Quirks names the documented alternative forms to answer in (see quirks.go); none = the SDK's shapes.
	Quirks []string

	Gateway gateway.Options // write delay and the documented alternatives of the gateways
	OSM     osm.Options     // the documented alternatives of the service tickets
}

// Server is a whole fake cloud: the core with every service registered. Every Server has its own state.
type Server struct {
	*core.Server
	gateway   *gateway.Service
	modelarts *modelarts.Service
	osm       *osm.Service
}

// New returns a fake cloud holding the two projects DefaultProject* and OtherProject* and nothing else.
func New(opts Options) *Server {
	opts.applyQuirks()
	c := core.New(core.Options{Now: opts.Now, Admin: opts.Admin, MaxBodyBytes: opts.MaxBodyBytes, Latency: opts.Latency, Throttles: opts.Throttles})
	s := &Server{Server: c, gateway: gateway.New(opts.Gateway, c.Now), modelarts: modelarts.New(c.Now), osm: osm.New(opts.OSM, c.Now)}
	c.Register(s.gateway)
	c.Register(s.modelarts)
	c.Register(s.osm)
	// An API gateway fronts every endpoint of the real clouds, so it answers the paths no service claims.
	c.SetFrontDoor(s.gateway)
	return s
}

// ParseThrottle reads a throttling policy written N/WINDOW, e.g. 20/1s or 600/1m (see core.ParseThrottle).
func ParseThrottle(s string) (Throttle, error) { return core.ParseThrottle(s) }

// SelfSignedCert makes a certificate for serving a fake cloud over HTTPS on the loopback addresses,
// localhost and hosts, and the PEM of the one-off CA that signed it, which clients must trust (see
// core.SelfSignedCert).
func SelfSignedCert(hosts ...string) (cert tls.Certificate, caPEM []byte, err error) {
	return core.SelfSignedCert(hosts...)
}

// Gateway is the APIG and ROMA Connect service: its test accessors inspect and change instances behind the
// provider's back.
func (s *Server) Gateway() *gateway.Service { return s.gateway }

// ModelArts is the app authentication of ModelArts' real-time services: its test accessors inspect and
// change apps and authorizations behind the provider's back.
func (s *Server) ModelArts() *modelarts.Service { return s.modelarts }

// OSM is the service tickets' authorizations: its test accessors play the support engineer (filing and
// withdrawing requests) and change statuses behind the provider's back.
func (s *Server) OSM() *osm.Service { return s.osm }

// Fixture is the JSON seed format, typed: the projects of the account and one section per service. Its JSON
// is what the standalone server's -fixture file, POST /_fakecloud/fixture and GET /_fakecloud/state hold.
type Fixture struct {
	Projects  []ProjectFixture  `json:"projects,omitempty"` // new projects; the two known ones need not be listed
	IAM       *IAMFixture       `json:"iam,omitempty"`      // agencies, identity providers, the metadata service's agency
	Gateway   gateway.Fixture   `json:"gateway,omitzero"`   // gateway instances per project
	ModelArts modelarts.Fixture `json:"modelarts,omitzero"` // apps, real-time services and authorizations per project
	OSM       osm.Fixture       `json:"osm,omitzero"`       // service-ticket authorization requests per account
}

// Load adds the fixture's projects and every service's objects. It checks everything first, every reference
// included, and changes nothing when it fails.
func (s *Server) Load(f Fixture) error {
	var cf core.Fixture
	if err := convert(f, &cf); err != nil {
		return err
	}
	return s.LoadFixture(cf)
}

// Snapshot returns the whole state (tokens aside) as a fixture, sorted; loading it into a new server
// reproduces the objects.
func (s *Server) Snapshot() Fixture {
	var f Fixture
	if err := convert(s.SnapshotFixture(), &f); err != nil {
		panic(err) // the core's snapshot is made of the services' own fixture types
	}
	return f
}

// convert moves a fixture between its typed and its per-section form through their one JSON encoding, so the
// section names are stated once, in Fixture's tags.
func convert(from, to any) error {
	raw, err := json.Marshal(from)
	if err == nil {
		err = json.Unmarshal(raw, to)
	}
	if err != nil {
		return fmt.Errorf("fakecloud: fixture: %w", err)
	}
	return nil
}
