//lint:file-ignore SA1019 terraform-plugin-go v0.31 serves list resources, actions and state stores only through these optional interfaces, deprecated for the day their methods join ProviderServer; the wrapper must pass them on until then.

package provider

import (
	"context"
	"fmt"
	"iter"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
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
// heap after a plan of 1000 resources, kept until the process ends. Here the framework gets, for each call
// about a resource, data source, ephemeral resource, function, list resource, action or state store, a context
// that passes everything through to the request's own context while the request runs and answers as a
// cancelled, empty context once it is answered, so what the framework keeps is a few hundred bytes a request.
//
// The provider-level calls (schemas, metadata, configuration, StopProvider) pass their context through
// unchanged: each comes once per process, and StopProvider is what cancels the others.
//
// terraform-plugin-go finds the RPCs of list resources, actions and state stores by asking whether the server
// implements their optional interfaces, so a server that wraps another must implement them too or they are
// silently not served. releasingServer implements every one the framework's server implements, and declares
// each method itself rather than embed the framework's server: a method the framework's server gains is then
// missing here, not passed on unnoticed, and TestServerPassesOnEveryRPC names it.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return newServer(New(version)()) }
}

// frameworkServer is what the framework's server serves (v1.19): the provider server and the optional
// interfaces of list resources, actions and state stores.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

var (
	_ frameworkServer                          = releasingServer{}
	_ tfprotov6.ProviderServerWithListResource = releasingServer{}
	_ tfprotov6.ProviderServerWithActions      = releasingServer{}
	_ tfprotov6.ProviderServerWithStateStores  = releasingServer{}
)

func newServer(p provider.Provider) releasingServer {
	server := providerserver.NewProtocol6(p)()
	framework, ok := server.(frameworkServer)
	if !ok {
		// Serving the framework's server without the RPCs it lacks would need one wrapper type per combination;
		// no framework release lacks them, so this stops at once rather than serve a guess.
		panic(fmt.Sprintf("provider: the framework's server %T no longer serves every optional protocol interface NewServer passes on", server))
	}
	return releasingServer{framework: framework, unchangedPlans: collectUnchangedPlans(context.Background(), p)}
}

// releasingServer hands the framework a requestContext for every call but the provider-level ones.
type releasingServer struct {
	framework frameworkServer
	// unchangedPlans holds the resource types whose plan of an unchanged object the server answers itself.
	unchangedPlans map[string]*unchangedPlan
}

// serve calls rpc with a context that lets go of ctx when rpc returns.
func serve[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRequestContext(ctx)
	defer rc.release()
	return rpc(rc, req)
}

// serveStream calls an RPC that answers with a stream, which the framework fills while Terraform reads it: the
// context lets go of ctx once the stream has been read to its end or its reader has stopped, or at once when
// there is no stream to read. terraform-plugin-go reads every stream it is given; one never read keeps ctx as
// the framework alone would.
func serveStream[Req, Resp, E any](ctx context.Context, req Req, rpc func(context.Context, Req) (*Resp, error), stream func(*Resp) *iter.Seq[E]) (*Resp, error) {
	rc := newRequestContext(ctx)
	resp, err := rpc(rc, req)
	if err != nil || resp == nil || *stream(resp) == nil {
		rc.release()
		return resp, err
	}
	seq := stream(resp)
	read := *seq
	*seq = func(yield func(E) bool) {
		defer rc.release()
		read(yield)
	}
	return resp, nil
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

func newRequestContext(ctx context.Context) *requestContext {
	rc := &requestContext{}
	rc.ctx.Store(&ctx)
	return rc
}

// release lets go of the request's context.
func (c *requestContext) release() { c.ctx.Store(&answered) }

func (c *requestContext) current() context.Context { return *c.ctx.Load() }

func (c *requestContext) Deadline() (time.Time, bool) { return c.current().Deadline() }
func (c *requestContext) Done() <-chan struct{}       { return c.current().Done() }
func (c *requestContext) Err() error                  { return c.current().Err() }
func (c *requestContext) Value(key any) any           { return c.current().Value(key) }
func (c *requestContext) String() string              { return "provider.requestContext" }

// Provider-level calls: passed through.

func (s releasingServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return s.framework.GetMetadata(ctx, req)
}

func (s releasingServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return s.framework.GetProviderSchema(ctx, req)
}

func (s releasingServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return s.framework.GetResourceIdentitySchemas(ctx, req)
}

func (s releasingServer) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return s.framework.GetFunctions(ctx, req)
}

func (s releasingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return s.framework.ValidateProviderConfig(ctx, req)
}

func (s releasingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return s.framework.ConfigureProvider(ctx, req)
}

func (s releasingServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return s.framework.StopProvider(ctx, req)
}

// Resources.

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return serve(ctx, req, s.framework.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return serve(ctx, req, s.framework.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return serve(ctx, req, s.framework.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if resp, ok := s.planUnchanged(ctx, req); ok {
		return resp, nil
	}
	return serve(ctx, req, s.framework.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return serve(ctx, req, s.framework.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return serve(ctx, req, s.framework.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return serve(ctx, req, s.framework.MoveResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return serve(ctx, req, s.framework.UpgradeResourceIdentity)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return serve(ctx, req, s.framework.GenerateResourceConfig)
}

// Data sources.

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return serve(ctx, req, s.framework.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return serve(ctx, req, s.framework.ReadDataSource)
}

// Ephemeral resources.

func (s releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return serve(ctx, req, s.framework.ValidateEphemeralResourceConfig)
}

func (s releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return serve(ctx, req, s.framework.OpenEphemeralResource)
}

func (s releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return serve(ctx, req, s.framework.RenewEphemeralResource)
}

func (s releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return serve(ctx, req, s.framework.CloseEphemeralResource)
}

// Functions.

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return serve(ctx, req, s.framework.CallFunction)
}

// List resources.

func (s releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return serve(ctx, req, s.framework.ValidateListResourceConfig)
}

func (s releasingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return serveStream(ctx, req, s.framework.ListResource, func(r *tfprotov6.ListResourceServerStream) *iter.Seq[tfprotov6.ListResourceResult] {
		return &r.Results
	})
}

// Actions.

func (s releasingServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return serve(ctx, req, s.framework.ValidateActionConfig)
}

func (s releasingServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return serve(ctx, req, s.framework.PlanAction)
}

func (s releasingServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return serveStream(ctx, req, s.framework.InvokeAction, func(r *tfprotov6.InvokeActionServerStream) *iter.Seq[tfprotov6.InvokeActionEvent] {
		return &r.Events
	})
}

// State stores. WriteStateBytes reads Terraform's stream of chunks before it answers, so it is served like
// any request.

func (s releasingServer) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return serve(ctx, req, s.framework.ValidateStateStoreConfig)
}

func (s releasingServer) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return serve(ctx, req, s.framework.ConfigureStateStore)
}

func (s releasingServer) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return serveStream(ctx, req, s.framework.ReadStateBytes, func(r *tfprotov6.ReadStateBytesStream) *iter.Seq[tfprotov6.ReadStateByteChunk] {
		return &r.Chunks
	})
}

func (s releasingServer) WriteStateBytes(ctx context.Context, req *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return serve(ctx, req, s.framework.WriteStateBytes)
}

func (s releasingServer) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return serve(ctx, req, s.framework.GetStates)
}

func (s releasingServer) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return serve(ctx, req, s.framework.DeleteState)
}

func (s releasingServer) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return serve(ctx, req, s.framework.LockState)
}

func (s releasingServer) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return serve(ctx, req, s.framework.UnlockState)
}
