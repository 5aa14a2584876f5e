package framework

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// The project a resource was created or imported in is kept in its private state, and every later read, update
// and delete first checks that the provider still works in that project. Another project the same credentials
// reach (a typo in project_id, another region) answers the services' documented not-found codes for objects
// that live elsewhere: without the check, a refresh would drop the resource from the state and a destroy
// would report success while the access remained.
const projectKey = "project"

// PrivateReader is the private state of a request (req.Private of Read, Update and Delete).
type PrivateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// PrivateWriter is the private state of a response (resp.Private of Create, Read, Update and ImportState).
type PrivateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// RecordProject keeps the provider's project in the resource's private state: Create and ImportState of every
// project-scoped resource call it (InProject records it for a resource recorded before projects were).
func (b *ResourceBase) RecordProject(ctx context.Context, private PrivateWriter, diags *diag.Diagnostics) {
	if b.Client == nil || private == nil {
		return
	}
	project, err := b.Client.ProjectID(ctx)
	if err != nil || project == "" {
		return // the call that needed the project failed on its own, or the credentials name none
	}
	value, _ := json.Marshal(project)
	diags.Append(private.SetKey(ctx, projectKey, value)...)
}

// InProject is how Read, Update and Delete of a project-scoped resource begin, after Refresh or Open: it reports
// whether the provider works in the project the resource was recorded in (private, the request's private
// state). When it does not, it adds an error naming both projects, and the operation must stop without a
// call: nothing another project answers says anything of this resource. A resource recorded before projects
// were passes, and its project is recorded in record (the response's private state; nil for Delete), so that
// it is checked from then on.
func (b *ResourceBase) InProject(ctx context.Context, private PrivateReader, record PrivateWriter, diags *diag.Diagnostics) bool {
	if b.Client == nil || private == nil {
		return true
	}
	raw, d := private.GetKey(ctx, projectKey)
	diags.Append(d...)
	var want string
	if d.HasError() || len(raw) == 0 || json.Unmarshal(raw, &want) != nil || want == "" {
		if record != nil {
			b.RecordProject(ctx, record, diags)
		}
		return !diags.HasError()
	}
	current, err := b.Client.ProjectID(ctx)
	if err != nil {
		diags.AddError("Error finding the provider's project", Detail("Finding the provider's project to check the resource's", err))
		return false
	}
	if current == want {
		return true
	}
	diags.AddError("Resource in another project: "+b.TypeName,
		fmt.Sprintf("This %s was created (or imported) in project %s, but the provider now works in project %s (from its project_id, "+
			"project_name or region). Nothing was called: what another project answers says nothing of this resource, and reading or "+
			"deleting it there could drop it from the state while its access remains.\n\n"+
			"Check the provider's project_id, project_name, region and endpoints. If the resource really is to be forgotten, remove it "+
			"with terraform state rm; in another project, import it again there.", b.TypeName, want, current))
	return false
}
