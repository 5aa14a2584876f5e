package cloud

import (
	"strings"
	"testing"
)

// A ModelArts app's AppCodes call its APIs like a password: the apps list must not log them.
func TestMaskingHidesAppCodes(t *testing.T) {
	body := maskBody([]byte(`{"apps":[{"app_id":"a1","app_key":"visible","app_codes":["code-one", "code\"two"]},{"app_id":"a2","app_codes":[]}],"count":2}`))
	for _, secret := range []string{"code-one", `code\"two`} {
		if strings.Contains(body, secret) {
			t.Errorf("body %s shows %s", body, secret)
		}
	}
	for _, kept := range []string{`"app_key":"visible"`, `"app_codes":["***"]`, `"app_codes":[]`, `"count":2`} {
		if !strings.Contains(body, kept) {
			t.Errorf("body %s lacks %s", body, kept)
		}
	}
}
