package modelarts

import (
	"regexp"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// This file keeps the behaviour ModelArts' API reference leaves open (api-notes.md §5), plus its documented
// limits, so that correcting the fake after observing the real service is a one-line change. Error codes,
// messages and per-app failure reasons that were chosen are marked "chosen" in errors.go. Choices plain
// enough to need no constant:
//   - An app belongs to one workspace (the workspace_id it was created with): lists, authorizations and
//     revocations in a workspace see only its apps, and an app of another workspace is an unknown app there.
//     App names are unique in the project, whatever the workspace, and the exists call ignores workspace_id.
//   - An unknown service or API fails an authorize, update or revoke call as a whole (404 ModelArts.3502 /
//     ModelArts.3512); an unknown app fails only its own item, inside the 200.
//   - Revoking an app that is not authorized fails its item with reasonNotAuthorized; so does revoking on an
//     API that does not use app authentication, which has no authorizations unless a fixture gave it some.
//   - PUT (update) authorizes like POST, except that an app authorized already is a success keeping its
//     auth_id.
//   - An app with authorizations cannot be deleted (400 ModelArts.3516); a deleted app answers 200 without
//     a body. Removing an app or an API behind the provider's back (inspect.go) takes its authorizations.
//   - The service summary (GET .../api-auths) reports enable_app_auth = some API of the service uses app
//     authentication, and app_auth_api = the first such API in the service's order, with the apps authorized
//     to it in the query's workspace; without such an API, app_auth_api is left out.
//   - The app_name filters match substrings; lists are sorted by app name (apps) or in the service's order
//     (APIs).
//   - Authorizations take effect at once; the real service takes 1-2 minutes, which no call can observe.

// Documented limits and defaults.
const (
	maxAppsPerProject = 5   // "a user may create at most 5 apps"; counted per project (chosen), over every workspace
	maxRemarkLength   = 200 // app_remark

	defaultWorkspaceID = "0"    // the workspace of projects that have created none
	defaultAppType     = "APIG" // app_type of an app created through the API
	apiMethod          = "ANY"  // the api_method of every real-time service API
	appAuthType        = "APP"  // the only auth_type whose APIs can be authorized
)

// paging is ModelArts' rule for lists: {"count": items in the page, "total_count": every match}, a page of
// 1000 items by default (documented) and at most (chosen).
var paging = core.Paging{DefaultLimit: 1000, MaxLimit: 1000, Invalid: errInvalidParam, TotalKey: "total_count", SizeKey: "count"}

const (
	// defaultAPIAuthType is the auth_type of a fixture API that names none: real-time services use IAM
	// token authentication unless app authentication is switched on (chosen).
	defaultAPIAuthType = "IAM"

	// predictURLFormat makes the predict_url of a fixture API that names none, from the service ID and API
	// name (chosen; the real host is per region and gateway).
	predictURLFormat = "https://infer-modelarts.fakecloud.invalid/v1/infers/%s/%s"
)

var (
	// appNamePattern is the rule for app names (chosen): 2-64 characters, starting with a letter; letters,
	// digits and underscores.
	appNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{1,63}$`)
	// workspaceIDPattern is the rule for workspace IDs: "0" or the 32 hex characters of a created workspace
	// pass, as does anything else of letters, digits, - and _ up to 64 characters (chosen).
	workspaceIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
)
