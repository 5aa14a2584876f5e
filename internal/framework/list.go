package framework

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// List resources (Terraform ≥ 1.14: `list` blocks in .tfquery.hcl files, `terraform query`) find what exists
// in the cloud, whoever made it, and return each object as the identity of the resource type of the same
// name, a display name, and with include_resource the whole object as the resource's Read records it.

// ListBase gives a list resource the provider's client and the type name of the resource it lists; embed it.
// It is a ResourceBase, so a list resource names its results' identities as the resource does.
type ListBase struct {
	ResourceBase
}

// Emit hands one listed object to the stream: display is what a person recognises it by, model the resource's
// model as its Read would record it. It reports false when the listing must stop (the limit is reached or
// Terraform wants no more results).
type Emit func(display string, model any) bool

// Stream answers a List: find finds the objects and emits each; the first error ends the listing with an
// error diagnostic (summary, detail) after the results emitted before it. The listing stops once the
// request's limit is reached, so find should stop as soon as emit reports false, before another call.
func (b *ListBase) Stream(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, find func(ctx context.Context, emit Emit) (summary, detail string)) {
	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		stopped := false
		emit := func(display string, model any) bool {
			if stopped || req.Limit > 0 && n >= req.Limit {
				stopped = true
				return false
			}
			n++
			if !push(b.result(ctx, req, display, model)) {
				stopped = true
			}
			return !stopped && (req.Limit <= 0 || n < req.Limit)
		}
		summary, detail := find(ctx, emit)
		if summary != "" && !stopped {
			var diags diag.Diagnostics
			diags.AddError(summary, detail)
			push(list.ListResult{Diagnostics: diags})
		}
	}
}

// result builds one list result: the resource object from model, and the identity from the object's
// attributes of the same names, as KeepIdentity makes it for the state.
func (b *ListBase) result(ctx context.Context, req list.ListRequest, display string, model any) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = display
	r.Diagnostics.Append(r.Resource.Set(ctx, model)...)
	if r.Diagnostics.HasError() {
		return r
	}
	copyIdentity(ctx, r.Resource, r.Identity, &r.Diagnostics)
	if !req.IncludeResource {
		r.Resource = nil
	}
	return r
}

// Load reads a list block's `config` into model; false, with the error pushed as the only result, when it
// cannot or the provider has no client.
func (b *ListBase) Load(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, model any) bool {
	diags := req.Config.Get(ctx, model)
	if !diags.HasError() {
		b.RequireClient(&diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return false
	}
	return true
}

// NoTimeouts is the timeouts block of a listed object: none set, as after an import.
func NoTimeouts(ctx context.Context, req list.ListRequest) timeouts.Value {
	t, diags := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	if tt, ok := t.(timeouts.Type); ok && !diags.HasError() {
		return timeouts.Value{Object: types.ObjectNull(tt.AttributeTypes())}
	}
	return timeouts.Value{}
}
