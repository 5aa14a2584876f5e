package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the provider's protocol 6 server: the plugin framework's, except that the framework
// cannot keep a request's context once the request is answered, and that the plan of an unchanged object is
// answered without the framework where the framework's answer is known (unchanged_plan.go).
//
// The framework (terraform-plugin-framework v1.19, internal/proto6server registerContext) keeps the cancel
// function of every request it serves, so that StopProvider can cancel them, and lets go of them only on
// StopProvider, which Terraform sends on Ctrl-C alone. Each cancel function holds its request's context, and
// with it the loggers terraform-plugin-go puts there and the gRPC stream: about 50 KB a request, 50 MB of live
// heap after a plan of 1000 resources, kept until the process ends. Here the framework gets, for each
// resource, data source, ephemeral resource and function call, a context that passes everything through to the
// request's own context while the request runs and answers as a cancelled, empty context once it is answered,
// so what the framework keeps is a few hundred bytes a request.
//
// The provider-level calls (schemas, configuration, StopProvider) pass through unchanged: each comes once per
// process. The provider serves no list resources, actions or state stores, so the optional interfaces for
// them are not passed on.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := New(version)()
		return releasingServer{
			ProviderServer: providerserver.NewProtocol6(p)(),
			unchangedPlans: collectUnchangedPlans(context.Background(), p),
		}
	}
}

// releasingServer hands the framework a requestContext for every per-resource call.
type releasingServer struct {
	tfprotov6.ProviderServer
	// unchangedPlans holds the resource types whose plan of an unchanged object the server answers itself.
	unchangedPlans map[string]*unchangedPlan
}

// serve calls rpc with a context that lets go of ctx when rpc returns.
func serve[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := &requestContext{}
	rc.ctx.Store(&ctx)
	defer rc.ctx.Store(&answered)
	return rpc(rc, req)
}

// answered is what a requestContext becomes once its request is answered: cancelled, with no values. gRPC
// cancels the request's own context as soon as the answer is sent, so nothing that looks at it later sees a
// difference.
var answered = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// requestContext is a request's context until the request is answered, then answered. Value delegates too, so
// context.WithCancel and context.AfterFunc below it find the request's cancelCtx and attach to it directly
// rather than start a goroutine.
type requestContext struct {
	ctx atomic.Pointer[context.Context]
}

func (c *requestContext) current() context.Context { return *c.ctx.Load() }

func (c *requestContext) Deadline() (time.Time, bool) { return c.current().Deadline() }
func (c *requestContext) Done() <-chan struct{}       { return c.current().Done() }
func (c *requestContext) Err() error                  { return c.current().Err() }
func (c *requestContext) Value(key any) any           { return c.current().Value(key) }
func (c *requestContext) String() string              { return "provider.requestContext" }

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return serve(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return serve(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if resp, ok := s.planUnchanged(ctx, req); ok {
		return resp, nil
	}
	return serve(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return serve(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return serve(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return serve(ctx, req, s.ProviderServer.MoveResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return serve(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return serve(ctx, req, s.ProviderServer.GenerateResourceConfig)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return serve(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.ReadDataSource)
}

func (s releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return serve(ctx, req, s.ProviderServer.ValidateEphemeralResourceConfig)
}

func (s releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.OpenEphemeralResource)
}

func (s releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.RenewEphemeralResource)
}

func (s releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.CloseEphemeralResource)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return serve(ctx, req, s.ProviderServer.CallFunction)
}
