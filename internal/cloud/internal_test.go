package cloud

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMaskingHidesSecrets(t *testing.T) {
	body := maskBody([]byte(`{"auth":{"identity":{"password":{"user":{"name":"u","password":"hunter2"}}}},"app_secret":"s3cr\"et","app_key":"visible"}`))
	for _, secret := range []string{"hunter2", `s3cr\"et`} {
		if strings.Contains(body, secret) {
			t.Errorf("body %s shows %s", body, secret)
		}
	}
	if !strings.Contains(body, "visible") {
		t.Errorf("masking hid a non-secret: %s", body)
	}
	h := http.Header{}
	h.Set("X-Auth-Token", "tok-123")
	h.Set("X-Security-Token", "st-123")
	h.Set("Authorization", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abcdef")
	h.Set("X-Subject-Token", "subj-123")
	masked := maskHeaders(h)
	for name, v := range masked {
		for _, secret := range []string{"tok-123", "st-123", "abcdef", "subj-123"} {
			if strings.Contains(v, secret) {
				t.Errorf("%s: %s shows a secret", name, v)
			}
		}
	}
	if !strings.Contains(masked["Authorization"], "Access=AK1") {
		t.Errorf("the access key should stay visible: %s", masked["Authorization"])
	}
}

func TestBackoff(t *testing.T) {
	resp := &http.Response{Header: http.Header{"Retry-After": {"7"}}}
	if d := backoff(time.Second, 30*time.Second, 0, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7 gave %v", d)
	}
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if d := backoff(time.Second, 30*time.Second, 0, &http.Response{Header: http.Header{"Retry-After": {date}}}); d < 80*time.Second || d > 91*time.Second {
		t.Errorf("Retry-After date gave %v", d)
	}
	for attempt := range 10 {
		want := min(time.Second<<attempt, 30*time.Second)
		d := backoff(time.Second, 30*time.Second, attempt, nil)
		if d < want/2 || d > want {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, d, want/2, want)
		}
	}
}

func TestAuthModeErrors(t *testing.T) {
	cases := map[string]struct {
		cfg  Config
		want string
	}{
		"none":         {Config{}, "no credentials"},
		"token and AK": {Config{Token: "t", AccessKey: "a", SecretKey: "s"}, "conflicting credentials: token and access_key/secret_key"},
		"all three":    {Config{Token: "t", AccessKey: "a", SecretKey: "s", UserName: "u", Password: "p", DomainName: "d"}, "token and access_key/secret_key and user_name/password/domain_name"},
		"half AK":      {Config{SecretKey: "s"}, "access_key and secret_key must be set together"},
		"lone sts":     {Config{Token: "t", SecurityToken: "x"}, "security_token is only used with"},
		"no domain":    {Config{UserName: "u", Password: "p"}, "needs user_name, password and domain_name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.cfg.AuthMode()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestEndpointTemplates(t *testing.T) {
	hw := Config{Cloud: CloudHuawei, Region: "cn-north-4"}
	otc := Config{Cloud: CloudOTC, Region: "eu-de", Endpoints: map[Service]string{ServiceIAM: "http://127.0.0.1:1/"}}
	checks := []struct {
		cfg  Config
		svc  Service
		want string
	}{
		{hw, ServiceAPIG, "https://apig.cn-north-4.myhuaweicloud.com"},
		{hw, ServiceOSM, "https://osm.myhuaweicloud.com"},
		{otc, ServiceAPIG, "https://apig.eu-de.otc.t-systems.com"},
		{otc, ServiceIAM, "http://127.0.0.1:1"},
	}
	for _, c := range checks {
		if got, err := c.cfg.Endpoint(c.svc); err != nil || got != c.want {
			t.Errorf("%s %s: %s, %v; want %s", c.cfg.Cloud, c.svc, got, err, c.want)
		}
	}
}
