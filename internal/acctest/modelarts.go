package acctest

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakemodelarts "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/modelarts"
)

// ModelArts is a seeded ModelArts real-time service in the default project: two APIs using app
// authentication, one using IAM authentication, and three apps in the default workspace, none authorized.
type ModelArts struct {
	ServiceID, ServiceName string
	APIIDs                 []string // two APIs with auth_type APP
	IAMAPIID               string   // an API with auth_type IAM
	AppIDs                 []string // three apps
	AppNames               []string
}

// SeedModelArts creates the service and apps in the default project.
func (f *FakeCloud) SeedModelArts(t *testing.T) ModelArts {
	t.Helper()
	return f.SeedModelArtsInWorkspace(t, "0")
}

// SeedModelArtsInWorkspace is SeedModelArts with the apps in the workspace workspaceID instead of the
// default one ("0"), so authorizing them names that workspace.
func (f *FakeCloud) SeedModelArtsInWorkspace(t *testing.T, workspaceID string) ModelArts {
	t.Helper()
	m := ModelArts{
		ServiceID:   "3d9b7f15-2c4e-4a6b-8d0f-1e3a5c7b9d2f",
		ServiceName: "acc_service",
		APIIDs:      []string{"e1000000000000000000000000000001", "e1000000000000000000000000000002"},
		IAMAPIID:    "e1000000000000000000000000000003",
		AppIDs:      []string{"a1000000000000000000000000000001", "a1000000000000000000000000000002", "a1000000000000000000000000000003"},
		AppNames:    []string{"app_one", "app_two", "app_three"},
	}
	var apps []fakemodelarts.App
	for i, id := range m.AppIDs {
		apps = append(apps, fakemodelarts.App{ID: id, Name: m.AppNames[i], WorkspaceID: workspaceID})
	}
	svc := fakemodelarts.ServiceFixture{ID: m.ServiceID, Name: m.ServiceName, APIs: []fakemodelarts.API{
		{ID: m.APIIDs[0], Name: "predict", AuthType: "APP", SupportAppCode: true},
		{ID: m.APIIDs[1], Name: "predict_batch", AuthType: "APP"},
		{ID: m.IAMAPIID, Name: "predict_iam", AuthType: "IAM"},
	}}
	if err := f.Load(fakecloud.Fixture{ModelArts: fakemodelarts.InProject(f.Creds.ProjectID, apps, []fakemodelarts.ServiceFixture{svc})}); err != nil {
		t.Fatalf("seeding the fake cloud: %v", err)
	}
	return m
}

// CheckNoModelArtsAuths is a CheckDestroy asserting the fake cloud holds no authorization on the service,
// in any workspace.
func (f *FakeCloud) CheckNoModelArtsAuths(m ModelArts) func(*terraform.State) error {
	return func(*terraform.State) error {
		var left []fakemodelarts.Authorization
		for _, a := range f.ModelArts().Authorizations("") {
			if a.ServiceID == m.ServiceID {
				left = append(left, a)
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("%d authorization(s) left in the fake cloud after destroy, first: %+v", len(left), left[0])
		}
		return nil
	}
}
