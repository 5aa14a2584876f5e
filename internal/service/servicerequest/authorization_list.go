package servicerequest

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

var _ list.ListResourceWithConfigure = (*authorizationList)(nil)

// NewAuthorizationList is the list resource authz_service_request_authorization: the requests the tenant has
// decided, in the console or anywhere else, for `terraform query`.
func NewAuthorizationList() list.ListResource {
	r := NewAuthorizationResource().(*authorizationResource)
	return &authorizationList{ListBase: framework.ListBase{ResourceBase: r.ResourceBase}}
}

type authorizationList struct {
	framework.ListBase
}

// decidedStatuses are the names of the statuses a resource can stand for: those an import accepts.
func decidedStatuses() []string {
	var names []string
	for status, name := range cloud.OSMStatusNames {
		if _, decided := decisionOf(status); decided {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func (l *authorizationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	names := decidedStatuses()
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the access requests that were decided already, whoever decided them: each one's identity, a display " +
			"name (`incident_id: description (status_name)`) and, with `include_resource`, the whole `" + l.TypeName + "` as an import " +
			"of it records it (host passwords, which the service never answers, are null). Only requests whose decision stands are " +
			"listed, those in status " + quoted(names) + ": those an import accepts. A request still pending (or initializing) is " +
			"decided by creating the resource; one that expired, was withdrawn or canceled, or whose approval was rejected has " +
			"nothing left to manage. It reads every page of the service's list (pages of up to 100 requests); with `include_resource`, also each listed " +
			"request's detail, which holds the hosts a resource records (one call per listed request, up to " +
			fmt.Sprint(detailReads) + " at once).",
		Attributes: map[string]listschema.Attribute{
			"status": listschema.StringAttribute{
				MarkdownDescription: "Only requests in this status, by name (the resource's `status_name`): " + quoted(names) + ".",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(names...)},
			},
			"incident_id": listschema.StringAttribute{MarkdownDescription: "Only requests of this service ticket.", Optional: true},
		},
	}
}

type authorizationListConfig struct {
	Status     types.String `tfsdk:"status"`
	IncidentID types.String `tfsdk:"incident_id"`
}

func (l *authorizationList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var c authorizationListConfig
	if !l.Load(ctx, req, stream, &c) {
		return
	}
	f := cloud.OSMListFilter{IncidentID: c.IncidentID.ValueString()}
	for code, name := range cloud.OSMStatusNames {
		if name == c.Status.ValueString() {
			f.Status = &code
		}
	}
	// Filters are hints to the server; keep only what really matches, and stands for a decision.
	keep := func(a cloud.OSMAuthorization) bool {
		_, decided := decisionOf(a.Status)
		return decided && (f.Status == nil || a.Status == *f.Status) && (f.IncidentID == "" || a.IncidentID == f.IncidentID)
	}
	hostCredentials, diags := nullList(ctx, req, "host_credentials")
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	osm := l.Client.OSM()
	l.Stream(ctx, req, stream, func(ctx context.Context, emit framework.Emit) (string, string) {
		all, err := osm.List(ctx, f)
		if err != nil {
			return "Error listing " + l.TypeName, framework.Detail("Listing the authorization requests", err)
		}
		requests := slices.DeleteFunc(all, func(a cloud.OSMAuthorization) bool { return !keep(a) })
		emitted := int64(0)
		for len(requests) > 0 {
			batch := requests[:batchSize(req, len(requests), emitted)]
			requests = requests[len(batch):]
			if req.IncludeResource {
				// The hosts a resource records are in each request's detail only.
				if batch, err = detailsOf(ctx, osm, batch); err != nil {
					return "Error listing " + l.TypeName, framework.Detail("Reading the listed requests' details", err)
				}
			}
			for _, a := range batch {
				if !keep(a) {
					continue // decided otherwise since it was listed
				}
				var diags diag.Diagnostics
				m := listedModel(ctx, req, a, hostCredentials, &diags)
				if diags.HasError() {
					return "Error listing " + l.TypeName, fmt.Sprintf("Recording authorization request %s: %s", a.ID, diags.Errors()[0].Detail())
				}
				emitted++
				if !emit(fmt.Sprintf("%s: %s (%s)", a.IncidentID, a.SimpleDescription, statusName(a.Status)), m) {
					return "", ""
				}
			}
		}
		return "", ""
	})
}

// batchSize is how many of the remaining requests to read the details of at once: with include_resource,
// as many as are read at once but no more than the limit still wants, so no call is made for a result that
// is never returned; without, all.
func batchSize(req list.ListRequest, remaining int, emitted int64) int {
	if !req.IncludeResource {
		return remaining
	}
	n := min(remaining, detailReads)
	if req.Limit > 0 {
		n = int(min(int64(n), max(req.Limit-emitted, 1)))
	}
	return n
}

// detailsOf reads each request's detail, as an import does, leaving out those gone since they were listed.
func detailsOf(ctx context.Context, osm *cloud.OSMClient, requests []cloud.OSMAuthorization) ([]cloud.OSMAuthorization, error) {
	detailed, errs := readDetails(ctx, osm, requests, "")
	out := detailed[:0]
	for i, a := range detailed {
		switch {
		case cloud.HasCode(errs[i], cloud.CodeOSMAuthorizationUnknown):
		case errs[i] != nil:
			return nil, errs[i]
		default:
			out = append(out, a)
		}
	}
	return out, nil
}

// listedModel is what an import of the request followed by Read records: the decision its status stands
// for, then what Read records of it. hostCredentials is the null host_credentials, which no import sets.
func listedModel(ctx context.Context, req list.ListRequest, a cloud.OSMAuthorization, hostCredentials types.List, diags *diag.Diagnostics) *authorizationModel {
	decision, _ := decisionOf(a.Status)
	m := authorizationModel{
		AuthorizationID: types.StringValue(a.ID), Decision: types.StringValue(decision),
		HostCredentials: hostCredentials, Timeouts: framework.NoTimeouts(ctx, req),
	}
	m.fromAuthorization(ctx, a, diags)
	return &m
}

// nullList is the null value of the resource's list attribute name.
func nullList(ctx context.Context, req list.ListRequest, name string) (types.List, diag.Diagnostics) {
	t, diags := req.ResourceSchema.TypeAtPath(ctx, path.Root(name))
	lt, ok := t.(attr.TypeWithElementType)
	if !ok && !diags.HasError() {
		diags.AddError("Error listing", fmt.Sprintf("%s is not a list attribute of the resource: %T", name, t))
	}
	if diags.HasError() {
		return types.List{}, diags
	}
	return types.ListNull(lt.ElementType()), diags
}
