package modelarts

import (
	"cmp"
	"regexp"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// What the calls share: parameter rules, the workspace a call acts in, and the body naming apps.

const uuidRE = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`

// The shapes of the IDs fixtures and tests may give; IDs the fake generates always pass. Apps, APIs and
// authorizations have 32 lower-case hex characters or the "logic-<kind>-<uuid>" form the API reference's
// examples show; services have UUIDs.
var (
	appIDPattern     = logicIDPattern("app")
	apiIDPattern     = logicIDPattern("api")
	authIDPattern    = logicIDPattern("auth")
	serviceIDPattern = regexp.MustCompile(`^` + uuidRE + `$`)
)

func logicIDPattern(kind string) *regexp.Regexp {
	return regexp.MustCompile(`^([0-9a-f]{32}|logic-` + kind + `-` + uuidRE + `)$`)
}

// newUUID returns a random ID in the UUID shape of service IDs.
func newUUID() string {
	h := core.NewID()
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func validateAppName(name string) *core.Error {
	return core.CheckRequired("app_name", name, appNamePattern, errMissingParam, errInvalidParam)
}

func validateRemark(remark string) *core.Error {
	return core.CheckMaxLength("app_remark", remark, maxRemarkLength, errInvalidParam)
}

// validateWorkspace checks a workspace ID, which is never missing: it defaults to "0".
func validateWorkspace(id string) *core.Error {
	return core.CheckRequired("workspace_id", id, workspaceIDPattern, errInvalidParam, errInvalidParam)
}

// workspaceOf is the workspace a call acts in: the body's, else the query's, else the default.
func workspaceOf(c *call, fromBody string) (string, *core.Error) {
	ws := cmp.Or(fromBody, c.Query("workspace_id"), defaultWorkspaceID)
	return ws, validateWorkspace(ws)
}

// appsRequest is the body of authorize, update and revoke: {"apps": [{"app_id": ...}], "workspace_id": ...}.
type appsRequest struct {
	Apps []struct {
		AppID string `json:"app_id"`
	} `json:"apps"`
	WorkspaceID string `json:"workspace_id"`
}

// decodeAppsRequest returns the app IDs in the order given, and the workspace.
func decodeAppsRequest(c *call) (appIDs []string, workspaceID string, err *core.Error) {
	var req appsRequest
	if err := c.Decode(&req); err != nil {
		return nil, "", err
	}
	if len(req.Apps) == 0 {
		return nil, "", errMissingParam.With("apps")
	}
	for _, a := range req.Apps {
		if a.AppID == "" {
			return nil, "", errMissingParam.With("apps.app_id")
		}
		appIDs = append(appIDs, a.AppID)
	}
	workspaceID, err = workspaceOf(c, req.WorkspaceID)
	return appIDs, workspaceID, err
}
