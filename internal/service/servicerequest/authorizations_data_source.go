package servicerequest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

var _ datasource.DataSourceWithConfigure = (*authorizationsDataSource)(nil)

// NewAuthorizationsDataSource is authz_service_request_authorizations: the access requests of support
// engineers, filtered, so a configuration can decide pending ones with for_each.
func NewAuthorizationsDataSource() datasource.DataSource {
	return &authorizationsDataSource{DataSourceBase: framework.DataSourceBase{TypeName: "authz_service_request_authorizations"}}
}

type authorizationsDataSource struct {
	framework.DataSourceBase
}

func (d *authorizationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	names := slices.Sorted(maps.Values(cloud.OSMStatusNames))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the access requests support engineers filed on service tickets, every page read, so a configuration can " +
			"find the pending ones and decide them with `authz_service_request_authorization` and `for_each`.",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				MarkdownDescription: "Only requests in this status, by name: " + quoted(names) + ".",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(names...)},
			},
			"incident_id": schema.StringAttribute{MarkdownDescription: "Only requests of this service ticket.", Optional: true},
			"group_id":    schema.StringAttribute{MarkdownDescription: "Only requests of this group.", Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 64)}},
			"include_details": schema.BoolAttribute{
				MarkdownDescription: "Also read each request's detail, for `handler` and `details` (the hosts, whose IDs `host_credentials` names). " +
					"The list answers neither, so this costs one more call per request. Default `false`: `handler` and `details` are null.",
				Optional: true,
			},
			"authorizations": schema.ListNestedAttribute{
				MarkdownDescription: "The requests, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                     computed("ID of the request, for `authorization_id`."),
					"status":                 computed("Status as a number."),
					"status_name":            computed("Status by name."),
					"incident_id":            computed("ID of the service ticket."),
					"description":            computed("What the engineer asked for."),
					"resource_type":          computed("Kind of resource the access is for."),
					"visit_type":             computed("Kind of access asked for."),
					"content_of_auth_letter": computed("The commitment letter the engineer signed for this access: what a tenant reads before deciding."),
					"create_time":            timeAttribute("When the request was filed, RFC 3339 in UTC."),
					"effective_time":         timeAttribute("When the accepted access begins, RFC 3339 in UTC; null unless a window was set."),
					"expire_time":            timeAttribute("When the accepted access ends, RFC 3339 in UTC; null when it has no end or was not accepted."),
					"reject_reason":          computed("Why the request was rejected; null unless it was."),
					"handler":                computed("Name of the user who handled (accepted, rejected or canceled) the request; only with `include_details`, and null until someone did."),
					"details": schema.ListNestedAttribute{
						MarkdownDescription: "What the request gives access to (no secrets); only with `include_details`.",
						Computed:            true,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"id":            schema.Int64Attribute{MarkdownDescription: "Detail ID, for `host_credentials.detail_id`.", Computed: true},
							"type":          schema.StringAttribute{MarkdownDescription: "`console` or `host`.", Computed: true},
							"instance_id":   schema.StringAttribute{MarkdownDescription: "ID of the host.", Computed: true},
							"instance_name": schema.StringAttribute{MarkdownDescription: "Name of the host.", Computed: true},
							"region_id":     schema.StringAttribute{MarkdownDescription: "Region of the host.", Computed: true},
							"port":          schema.Int64Attribute{MarkdownDescription: "Port the engineer asked for.", Computed: true},
							"account":       schema.StringAttribute{MarkdownDescription: "Account the engineer asked for.", Computed: true},
						}},
					},
				}},
			},
		},
	}
}

// timeAttribute is a computed RFC 3339 time.
func timeAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true, CustomType: timetypes.RFC3339Type{}}
}

// detailReads is how many detail calls are made at once.
const detailReads = 4

// readDetails reads the detail of each request, detailReads at a time; errs holds each read's failure.
func readDetails(ctx context.Context, osm *cloud.OSMClient, list []cloud.OSMAuthorization, groupID string) (detailed []cloud.OSMAuthorization, errs []error) {
	detailed, errs = make([]cloud.OSMAuthorization, len(list)), make([]error, len(list))
	var g errgroup.Group
	g.SetLimit(detailReads)
	for i, a := range list {
		g.Go(func() error {
			if detailed[i], errs[i] = osm.Get(ctx, a.ID, groupID); errs[i] != nil {
				errs[i] = fmt.Errorf("reading authorization request %s: %w", a.ID, errs[i])
			}
			return nil
		})
	}
	_ = g.Wait() // each read's failure is in errs
	return detailed, errs
}

func (d *authorizationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m authorizationsModel
	if !d.Load(ctx, req.Config, &m, &resp.Diagnostics) {
		return
	}
	f := cloud.OSMListFilter{IncidentID: m.IncidentID.ValueString(), GroupID: m.GroupID.ValueString()}
	for code, name := range cloud.OSMStatusNames {
		if name == m.Status.ValueString() {
			f.Status = &code
		}
	}
	osm := d.Client.OSM()
	list, err := osm.List(ctx, f)
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail("Listing the authorization requests", err))
		return
	}
	// The handler and the details are in the detail's answer only.
	var detailed []cloud.OSMAuthorization
	if m.IncludeDetails.ValueBool() {
		var errs []error
		detailed, errs = readDetails(ctx, osm, list, m.GroupID.ValueString())
		if err := cmp.Or(errs...); err != nil {
			resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail("Reading the requests' details", err))
			return
		}
	}
	m.Authorizations = make([]authorizationItem, 0, len(list))
	for i, a := range list {
		item := authorizationItem{
			ID: types.StringValue(a.ID), Status: types.StringValue(strconv.Itoa(a.Status)), StatusName: types.StringValue(statusName(a.Status)),
			IncidentID: types.StringValue(a.IncidentID), Description: types.StringValue(a.SimpleDescription),
			ResourceType: types.StringValue(a.ResourceTypeName), VisitType: types.StringValue(a.VisitTypeName),
			ContentOfAuthLetter: optionalString(a.ContentOfAuthLetter),
			CreateTime:          timeValue(a.CreateTime), EffectiveTime: timeValue(a.AuthEffectiveTime), ExpireTime: timeValue(a.AuthExpireTime),
			RejectReason: optionalString(a.RejectReason), Handler: types.StringNull(), Details: types.ListNull(detailType),
		}
		if m.IncludeDetails.ValueBool() {
			item.Handler = optionalString(detailed[i].AuthHandlerName)
			item.Details = detailsValue(detailed[i].Details, &resp.Diagnostics)
		}
		m.Authorizations = append(m.Authorizations, item)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// optionalString is s, or null when the service left it empty.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func quoted(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += "`" + s + "`"
	}
	return out
}

type authorizationsModel struct {
	Status         types.String        `tfsdk:"status"`
	IncidentID     types.String        `tfsdk:"incident_id"`
	GroupID        types.String        `tfsdk:"group_id"`
	IncludeDetails types.Bool          `tfsdk:"include_details"`
	Authorizations []authorizationItem `tfsdk:"authorizations"`
}

type authorizationItem struct {
	ID           types.String `tfsdk:"id"`
	Status       types.String `tfsdk:"status"`
	StatusName   types.String `tfsdk:"status_name"`
	IncidentID   types.String `tfsdk:"incident_id"`
	Description  types.String `tfsdk:"description"`
	ResourceType types.String `tfsdk:"resource_type"`
	VisitType    types.String `tfsdk:"visit_type"`

	ContentOfAuthLetter types.String      `tfsdk:"content_of_auth_letter"`
	CreateTime          timetypes.RFC3339 `tfsdk:"create_time"`
	EffectiveTime       timetypes.RFC3339 `tfsdk:"effective_time"`
	ExpireTime          timetypes.RFC3339 `tfsdk:"expire_time"`
	RejectReason        types.String      `tfsdk:"reject_reason"`
	Handler             types.String      `tfsdk:"handler"`
	Details             types.List        `tfsdk:"details"`
}
