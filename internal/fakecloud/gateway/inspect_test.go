package gateway

import (
	"net/http"
	"testing"
)

// A removed instance is gone for the API too: every call on it answers the instance's not-found code, and
// the other instance stays.
func TestRemoveInstance(t *testing.T) {
	f := start(t, Options{}, standardFixture())
	if err := f.RemoveInstance("", apigID); err != nil {
		t.Fatal(err)
	}
	f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id=app1", nil).ExpectError(t, http.StatusNotFound, errInstanceNotFound.Code)
	f.Do(http.MethodGet, apigBase+"/apps/app1/app-acl", nil).ExpectError(t, http.StatusNotFound, errInstanceNotFound.Code)
	f.Do(http.MethodGet, romaV2Base+"/apps", nil).ExpectStatus(t, http.StatusOK)
	if f.AppAuths("", apigID) != nil {
		t.Error("AppAuths of a removed instance: want nil")
	}
	if err := f.RemoveInstance("", apigID); err == nil {
		t.Error("removing the instance again: want an error")
	}
}
