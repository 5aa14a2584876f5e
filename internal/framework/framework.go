// Package framework is what every resource and data source of the provider shares: the configured client,
// the opening of an operation (read the model, require the client, apply the timeout), per-key write locks,
// import-ID parsing, error details, the not-found convention and finding out what an unanswered write did.
package framework

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// ProviderTypeName prefixes every resource and data source type.
const ProviderTypeName = "authz"

// Base holds the provider's client. A nil Client means the provider configuration is not known yet (it
// depends on values of other resources): reads then keep the prior state, writes fail with a clear error.
type Base struct {
	Client *cloud.Client
}

// ResourceBase gives a resource the provider's client and its type name; embed it.
type ResourceBase struct {
	Base
	TypeName string   // e.g. authz_apig_app_acl
	Identity Identity // the attributes of its identity and import ID (identity.go)
}

// Metadata names the resource.
func (b *ResourceBase) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = b.TypeName
}

// Configure takes the client the provider built.
func (b *ResourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.Client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// DataSourceBase gives a data source the provider's client and its type name; embed it.
type DataSourceBase struct {
	Base
	TypeName string // e.g. authz_apig_app_acl
}

// Metadata names the data source.
func (b *DataSourceBase) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = b.TypeName
}

// Configure takes the client the provider built.
func (b *DataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.Client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func clientFrom(providerData any, diags *diag.Diagnostics) *cloud.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*cloud.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *cloud.Client, got %T; this is a bug in the provider", providerData))
		return nil
	}
	return c
}

// RequireClient reports an error when a call needs the cloud but the provider is not configured yet.
func (b *Base) RequireClient(diags *diag.Diagnostics) bool {
	if b.Client == nil {
		diags.AddError("Provider not configured",
			"The authz provider configuration depends on values that are not known yet, so the cloud cannot be called. "+
				"Apply the resources the provider configuration depends on first (terraform apply -target=...).")
		return false
	}
	return true
}

// ModelSource is where an operation's model comes from: the plan, the prior state or the configuration.
type ModelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// Timeout is the accessor of one operation's configured timeout, e.g. m.Timeouts.Create.
type Timeout = func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics)

// Deadline is an operation's configured timeout, read once the model is (Of, e.g. returning
// m.Timeouts.Create), and the default when none is configured.
type Deadline struct {
	Of      func() Timeout
	Default time.Duration
}

// Load reads the model from src into model, a pointer to a model struct, and requires the client. When it
// returns false the operation must stop. Data sources begin with it.
func (b *Base) Load(ctx context.Context, src ModelSource, model any, diags *diag.Diagnostics) bool {
	diags.Append(readModel(ctx, src, model)...)
	return !diags.HasError() && b.RequireClient(diags)
}

// Open is how every Create, Update and Delete begins: Load, then ctx bounded by the deadline's timeout. The
// caller defers cancel, which is never nil; when ok is false the operation must stop.
func (b *Base) Open(ctx context.Context, src ModelSource, model any, d Deadline, diags *diag.Diagnostics) (_ context.Context, cancel context.CancelFunc, ok bool) {
	if !b.Load(ctx, src, model, diags) {
		return ctx, func() {}, false
	}
	if d.Of == nil {
		return ctx, func() {}, true
	}
	timeout, tdiags := d.Of()(ctx, d.Default)
	diags.Append(tdiags...)
	if tdiags.HasError() {
		return ctx, func() {}, false
	}
	bounded, cancel := context.WithTimeout(ctx, timeout)
	return bounded, cancel, true
}

// Refresh is how every Read begins: it reads the prior state into model, a pointer to a model struct, and
// returns a copy of it for Prior.Record. ok is false when the read must stop — also when the provider is not
// configured yet, in which case the prior state stands.
func (b *Base) Refresh(ctx context.Context, src ModelSource, model any, diags *diag.Diagnostics) (_ Prior, ok bool) {
	diags.Append(readModel(ctx, src, model)...)
	if diags.HasError() || b.Client == nil {
		return Prior{}, false
	}
	return snapshot(model), true
}

// WriteLocked runs one write while holding the write lock of key: some services refuse concurrent writes
// to one object (the gateways answer APIG.3500 for one app), so the provider sends them one at a time.
// Reads never take a lock. Waiting ends with ctx.
func WriteLocked[T any](ctx context.Context, c *cloud.Client, key string, write func() (T, error)) (T, error) {
	unlock, err := c.Lock(ctx, key)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("waiting for other writes to %s to finish: %w", key, err)
	}
	defer unlock()
	return write()
}

// KeepWhenUnchanged plans the computed map attribute computed as its prior value while the StringSet attribute
// input does not change: an authoritative set's record IDs stay known in a plan that changes nothing.
func KeepWhenUnchanged(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, input, computed string) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior StringSetValue
	var priorComputed types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(input), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(input), &prior)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(computed), &priorComputed)...)
	if !resp.Diagnostics.HasError() && !planned.IsUnknown() && planned.Equal(prior) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(computed), priorComputed)...)
	}
}

// ReplaceOnly is embedded by resources whose every argument but `timeouts` replaces them: Update then
// only ever sees the timeouts change, calls nothing and records the plan.
type ReplaceOnly struct{}

// Update records the planned timeouts, and the identity.
func (ReplaceOnly) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
	KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}
