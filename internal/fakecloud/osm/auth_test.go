package osm

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// TestScope: OSM is account-scoped. Tokens scoped to the account and AK/SK callers naming it in X-Domain-Id
// are served; a project-scoped token is refused with OSM's 403, and every authentication failure answers
// OSM's 401 — real HTTP statuses, unlike the business errors.
func TestScope(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	login := f.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(core.DefaultUserName, core.DefaultPassword, core.DefaultDomainName,
		map[string]any{"domain": map[string]string{"name": core.DefaultDomainName}}), "X-Auth-Token", "")
	login.ExpectStatus(t, http.StatusCreated)
	issued := login.Header.Get("X-Subject-Token")

	for _, tok := range []string{core.DomainToken, issued} {
		f.Do(http.MethodGet, authPath(pendingID), nil, "X-Auth-Token", tok).ExpectStatus(t, http.StatusOK)
	}
	for _, tok := range []string{core.DefaultToken, core.OtherProjectToken} {
		f.Do(http.MethodGet, authPath(pendingID), nil, "X-Auth-Token", tok).ExpectError(t, http.StatusForbidden, "OSM.0003")
		f.Do(http.MethodPut, actionPath(pendingID)+"?action_id=reject", map[string]string{"reject_reason": "x"}, "X-Auth-Token", tok).
			ExpectError(t, http.StatusForbidden, "OSM.0003")
	}
	if st := f.status(pendingID); st != StatusPending {
		t.Errorf("a refused caller changed the status to %d", st)
	}
	f.Do(http.MethodGet, listPath, nil, "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "OSM.0002")
	f.Do(http.MethodGet, listPath, nil, "X-Auth-Token", "not-a-token").ExpectError(t, http.StatusUnauthorized, "OSM.0002")
	f.clock.Advance(24 * time.Hour)
	f.Do(http.MethodGet, listPath, nil, "X-Auth-Token", issued).ExpectError(t, http.StatusUnauthorized, "OSM.0002")
}

func TestAKSK(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	signed := func(method, path, body string, headers map[string]string) fakecloudtest.SignedRequest {
		return fakecloudtest.SignedRequest{Method: method, Path: path, Body: body, AK: core.DefaultAccessKey, SK: core.DefaultSecretKey,
			Date: f.clock.Now(), Headers: headers}
	}
	account := map[string]string{"X-Domain-Id": core.DefaultDomainID}
	signed(http.MethodGet, authPath(pendingID), "", account).Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	expectSuccess(t, signed(http.MethodPost, verifyPath+"101/verify-host", `{"port":22,"account":"root","password":"`+hostPassword+`"}`, account).Send(f.Client, nil))
	reject := signed(http.MethodPut, actionPath(pendingID), `{"reject_reason":"signed"}`, account)
	reject.Query = map[string]string{"action_id": "reject"}
	expectSuccess(t, reject.Send(f.Client, nil))
	if st := f.status(pendingID); st != StatusRejected {
		t.Errorf("signed reject: status %d", st)
	}

	signed(http.MethodGet, listPath, "", nil).Send(f.Client, nil).ExpectError(t, http.StatusForbidden, "OSM.0003")
	signed(http.MethodGet, listPath, "", map[string]string{"X-Domain-Id": "00000000000000000000000000000000"}).Send(f.Client, nil).
		ExpectError(t, http.StatusForbidden, "OSM.0003")
	signed(http.MethodGet, listPath, "", map[string]string{"X-Project-Id": core.DefaultProjectID}).Send(f.Client, nil).
		ExpectError(t, http.StatusForbidden, "OSM.0003")
	wrong := signed(http.MethodGet, listPath, "", account)
	wrong.SK = "not-the-secret-key"
	wrong.Send(f.Client, nil).ExpectError(t, http.StatusUnauthorized, "OSM.0002")
	wrong = signed(http.MethodGet, listPath, "", account)
	wrong.AK = "UNKNOWNACCESSKEY0001"
	if msg := wrong.Send(f.Client, nil).ExpectError(t, http.StatusUnauthorized, "OSM.0002"); !strings.Contains(msg, "UNKNOWNACCESSKEY0001") {
		t.Errorf("message %q", msg)
	}
	wrong = signed(http.MethodGet, listPath, "", account)
	wrong.Date = f.clock.Now().Add(time.Hour)
	wrong.Send(f.Client, nil).ExpectError(t, http.StatusUnauthorized, "OSM.0002")
}
