package provider_test

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// hostileCase feeds one invalid value to one argument of one block of the configuration holding every resource
// type (see world.blocks): the plan must fail naming the argument and the value, and the fake cloud must not
// have been called. The step applies, so an argument that slipped through validation would reach the cloud.
// Each case has a fake cloud of its own, so a call is pinned on the case that made it.
type hostileCase struct {
	name  string            // <type>.<attribute>[/<what is wrong>]; the subtest name
	block string            // the block changed: a key of world.blocks, or "provider"
	set   map[string]string // its arguments replaced (HCL expressions) or removed (unset)
	env   map[string]string // environment of the provider; the row cannot be parallel
	// importID, when set, imports the block's resource under this ID instead of applying.
	importID string
	want     string // acctest.ExpectError pattern naming the argument and the value
}

// attrError is the message of a library validator: the attribute path, the rule, and the value it got.
func attrError(path, got string) string {
	return "Attribute " + regexp.QuoteMeta(path) + " .*got: " + regexp.QuoteMeta(got)
}

// shown is an error Terraform places on the argument's line (timetypes name the value, Terraform the line).
func shown(attr, hcl, detail string) string {
	return regexp.QuoteMeta(attr+" = "+hcl) + ".*" + detail
}

func hostileCases() []hostileCase {
	long := func(c byte, n int) string { return strings.Repeat(string(c), n) }
	badID := map[string]string{
		"invalid characters": "inst/../1",
		"too long":           long('x', 65),
		"space":              "app 1",
		"shell":              "api;rm -rf",
	}
	idRows := func(block string, attrs ...string) []hostileCase {
		var out []hostileCase
		kinds := []string{"invalid characters", "too long", "space", "shell"}
		for i, attr := range attrs {
			v := badID[kinds[i%len(kinds)]]
			out = append(out, hostileCase{name: block + "." + attr, block: block, set: map[string]string{attr: q(v)}, want: attrError(attr, v)})
		}
		return out
	}
	var cases []hostileCase
	add := func(c ...hostileCase) { cases = append(cases, c...) }

	for _, flavor := range []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA} {
		p := "authz_" + string(flavor)
		auth, set, acl := p+"_app_authorization", p+"_app_authorization_set", p+"_app_acl"

		add(idRows(auth, "instance_id", "env_id", "app_id", "api_id")...)
		add(
			hostileCase{name: auth + ".import_id/parts", block: auth, importID: "i1/e1/a1",
				want: regexp.QuoteMeta(`the import ID "i1/e1/a1" must have the form <instance_id>/<env_id>/<app_id>/<api_id>`)},
			hostileCase{name: auth + ".import_id/part", block: auth, importID: "i1/e1/a 1/p1",
				want: regexp.QuoteMeta(`the import ID "i1/e1/a 1/p1" must have the form <instance_id>/<env_id>/<app_id>/<api_id>; app_id "a 1"`)},
		)
		if flavor == fakegateway.FlavorROMA {
			green := map[string]string{"auth_tunnel": q("GREEN")}
			add(
				hostileCase{name: auth + ".auth_tunnel", block: auth, set: map[string]string{"auth_tunnel": q("BLUE")}, want: attrError("auth_tunnel", `"BLUE"`)},
				hostileCase{name: auth + ".auth_whitelist/empty", block: auth, set: with(green, "auth_whitelist", "[]"), want: attrError("auth_whitelist", "0")},
				hostileCase{name: auth + ".auth_whitelist/empty entry", block: auth, set: with(green, "auth_whitelist", `[""]`), want: attrError(`auth_whitelist[Value("")]`, "0")},
				hostileCase{name: auth + ".auth_whitelist/without green channel", block: auth, set: map[string]string{"auth_whitelist": list("10.0.0.1")},
					want: regexp.QuoteMeta(`auth_whitelist is only allowed with auth_tunnel = "GREEN"; auth_tunnel is "NORMAL"`)},
				hostileCase{name: auth + ".auth_blacklist/empty", block: auth, set: with(green, "auth_blacklist", "[]"), want: attrError("auth_blacklist", "0")},
				hostileCase{name: auth + ".auth_blacklist/without green channel", block: auth, set: map[string]string{"auth_tunnel": q("NORMAL"), "auth_blacklist": list("10.0.0.1")},
					want: regexp.QuoteMeta(`auth_blacklist is only allowed with auth_tunnel = "GREEN"; auth_tunnel is "NORMAL"`)},
				hostileCase{name: auth + ".visit_param/characters", block: auth, set: map[string]string{"visit_param": q("a b;c")}, want: attrError("visit_param", "a b;c")},
				hostileCase{name: auth + ".visit_param/too long", block: auth, set: map[string]string{"visit_param": q(long('v', 1025))}, want: attrError("visit_param", "1025")},
			)
		}

		add(idRows(set, "instance_id", "env_id", "app_id")...)
		add(
			hostileCase{name: set + ".api_ids/too many", block: set, set: map[string]string{"api_ids": `[for i in range(1001) : "api${i}"]`}, want: attrError("api_ids", "1001")},
			hostileCase{name: set + ".api_ids/invalid entry", block: set, set: map[string]string{"api_ids": list("p1", "p 2")}, want: attrError(`api_ids[Value("p 2")]`, "p 2")},
			hostileCase{name: set + ".import_id", block: set, importID: "i1/e1",
				want: regexp.QuoteMeta(`the import ID "i1/e1" must have the form <instance_id>/<env_id>/<app_id>`)},
		)

		entry := func(v, msg string) string {
			return regexp.QuoteMeta(`Attribute values entry "`+v+`": `) + msg
		}
		add(idRows(acl, "instance_id", "app_id")...)
		add(
			hostileCase{name: acl + ".type", block: acl, set: map[string]string{"type": q("ALLOW")}, want: attrError("type", `"ALLOW"`)},
			hostileCase{name: acl + ".values/empty", block: acl, set: map[string]string{"values": "[]"}, want: attrError("values", "0")},
			hostileCase{name: acl + ".values/too many", block: acl, set: map[string]string{"values": `[for i in range(301) : "10.1.${floor(i / 256)}.${i % 256}"]`}, want: attrError("values", "301")},
			hostileCase{name: acl + ".values/not an address", block: acl, set: map[string]string{"values": list("10.0.0.300")}, want: entry("10.0.0.300", "not a valid IP address")},
			hostileCase{name: acl + ".values/prefix length", block: acl, set: map[string]string{"values": list("10.0.0.0/33")}, want: entry("10.0.0.0/33", `prefix length "33"`)},
			hostileCase{name: acl + ".values/reversed range", block: acl, set: map[string]string{"values": list("10.0.0.9-10.0.0.1")}, want: entry("10.0.0.9-10.0.0.1", "range start is greater than its end")},
			hostileCase{name: acl + ".values/mixed range", block: acl, set: map[string]string{"values": list("10.0.0.1-::1")}, want: entry("10.0.0.1-::1", "range mixes an IPv4 and an IPv6 address")},
			hostileCase{name: acl + ".values/zone", block: acl, set: map[string]string{"values": list("fe80::1%eth0")}, want: entry("fe80::1%eth0", "IPv6 zones")},
			hostileCase{name: acl + ".values/space", block: acl, set: map[string]string{"values": list("10.0.0.1 ")}, want: entry("10.0.0.1 ", "value must not contain spaces")},
			hostileCase{name: acl + ".values/overlapping", block: acl, set: map[string]string{"values": list("10.0.0.0/24", "10.0.0.5")},
				want: regexp.QuoteMeta(`Attribute values: "10.0.0.0/24" and "10.0.0.5" overlap`)},
			hostileCase{name: acl + ".values/duplicate", block: acl, set: map[string]string{"values": list("10.0.0.1", "10.0.0.1/32")},
				want: regexp.QuoteMeta(`Attribute values: "10.0.0.1" and "10.0.0.1/32" cover the same addresses`)},
			hostileCase{name: acl + ".import_id", block: acl, importID: "i1/a1/x",
				want: regexp.QuoteMeta(`the import ID "i1/a1/x" must have the form <instance_id>/<app_id>`)},
		)

		add(idRows("data."+p+"_app_authorizations", "instance_id", "app_id", "api_id", "env_id")...)
		add(hostileCase{name: "data." + p + "_app_authorizations.app_id/neither app nor API", block: "data." + p + "_app_authorizations",
			set: map[string]string{"app_id": unset}, want: regexp.QuoteMeta("At least one of these attributes must be configured: [app_id,api_id]")})
		add(idRows("data."+p+"_app_acl", "instance_id", "app_id")...)
	}

	const maAuth, maSet = "authz_modelarts_app_authorization", "authz_modelarts_api_authorization_set"
	add(idRows(maAuth, "service_id", "api_id", "app_id", "workspace_id")...)
	add(
		hostileCase{name: maAuth + ".import_id/parts", block: maAuth, importID: "s1/p1",
			want: regexp.QuoteMeta(`the import ID "s1/p1" must have the form <service_id>/<api_id>/<app_id>, optionally followed by /<workspace_id>`)},
		hostileCase{name: maAuth + ".import_id/workspace", block: maAuth, importID: "s1/p1/a1/w 1",
			want: regexp.QuoteMeta(`the import ID "s1/p1/a1/w 1" must have the form <service_id>/<api_id>/<app_id>`)},
	)
	add(idRows(maSet, "service_id", "api_id", "workspace_id")...)
	add(
		hostileCase{name: maSet + ".app_ids/too many", block: maSet, set: map[string]string{"app_ids": `[for i in range(6) : "app${i}"]`}, want: attrError("app_ids", "6")},
		hostileCase{name: maSet + ".app_ids/invalid entry", block: maSet, set: map[string]string{"app_ids": list("../a1")}, want: attrError(`app_ids[Value("../a1")]`, "../a1")},
		hostileCase{name: maSet + ".import_id", block: maSet, importID: "s1",
			want: regexp.QuoteMeta(`the import ID "s1" must have the form <service_id>/<api_id>, optionally followed by /<workspace_id>`)},
	)
	add(idRows("data.authz_modelarts_apps", "workspace_id")...)
	add(idRows("data.authz_modelarts_api_authorizations", "service_id", "api_id", "workspace_id")...)
	add(hostileCase{name: "data.authz_modelarts_api_authorizations.show_only", block: "data.authz_modelarts_api_authorizations",
		set: map[string]string{"show_only": q("SOME")}, want: attrError("show_only", `"SOME"`)})

	const sr = "authz_service_request_authorization"
	// reject decides to reject, without the arguments only an acceptance takes, then applies more.
	reject := func(more map[string]string) map[string]string {
		out := map[string]string{"decision": q("reject"), "reject_reason": q("not now"), "effective_time": unset, "expire_time": unset, "host_credentials": unset}
		maps.Copy(out, more)
		return out
	}
	hosts := func(objs ...string) map[string]string {
		return map[string]string{"host_credentials": "[" + strings.Join(objs, ", ") + "]"}
	}
	add(
		hostileCase{name: sr + ".authorization_id/too long", block: sr, set: map[string]string{"authorization_id": q(long('A', 33))}, want: attrError("authorization_id", "33")},
		hostileCase{name: sr + ".authorization_id/characters", block: sr, set: map[string]string{"authorization_id": q("Auth pending?x=1")}, want: attrError("authorization_id", "Auth pending?x=1")},
		hostileCase{name: sr + ".decision", block: sr, set: map[string]string{"decision": q("maybe")}, want: attrError("decision", `"maybe"`)},
		hostileCase{name: sr + ".reject_reason/too long", block: sr, set: reject(map[string]string{"reject_reason": q(long('r', 301))}), want: attrError("reject_reason", "301")},
		hostileCase{name: sr + ".reject_reason/empty", block: sr, set: map[string]string{"reject_reason": q("")}, want: attrError("reject_reason", "0")},
		hostileCase{name: sr + ".reject_reason/missing", block: sr, set: reject(map[string]string{"reject_reason": unset}),
			want: regexp.QuoteMeta(`decision = "reject" needs a reject_reason`)},
		hostileCase{name: sr + ".effective_time/not RFC 3339", block: sr, set: map[string]string{"effective_time": q("tomorrow")},
			want: shown("effective_time", `"tomorrow"`, regexp.QuoteMeta("Given Value: tomorrow"))},
		hostileCase{name: sr + ".expire_time/no such month", block: sr, set: map[string]string{"expire_time": q("2030-13-01T00:00:00Z")},
			want: shown("expire_time", `"2030-13-01T00:00:00Z"`, regexp.QuoteMeta("Given Value: 2030-13-01T00:00:00Z"))},
		hostileCase{name: sr + ".expire_time/before effective_time", block: sr, set: map[string]string{"effective_time": q("2030-01-02T00:00:00Z"), "expire_time": q("2030-01-01T00:00:00Z")},
			want: regexp.QuoteMeta("expire_time 2030-01-01T00:00:00Z must be after effective_time 2030-01-02T00:00:00Z")},
		hostileCase{name: sr + ".expire_time/with reject", block: sr, set: reject(map[string]string{"expire_time": q("2030-01-01T00:00:00Z")}),
			want: regexp.QuoteMeta(`expire_time is only used with decision = "accept"; this decision is "reject"`)},
		hostileCase{name: sr + ".agency_id/too long", block: sr, set: map[string]string{"agency_id": q(long('g', 65))}, want: attrError("agency_id", "65")},
		hostileCase{name: sr + ".agency_id/with reject", block: sr, set: reject(map[string]string{"agency_id": q("agency1")}),
			want: regexp.QuoteMeta(`agency_id is only used with decision = "accept"; this decision is "reject"`)},
		hostileCase{name: sr + ".group_id/empty", block: sr, set: map[string]string{"group_id": q("")}, want: attrError("group_id", "0")},
		hostileCase{name: sr + ".group_id/too long", block: sr, set: map[string]string{"group_id": q(long('g', 65))}, want: attrError("group_id", "65")},
		hostileCase{name: sr + ".host_credentials/empty", block: sr, set: hosts(), want: attrError("host_credentials", "0")},
		hostileCase{name: sr + ".host_credentials/too many", block: sr, set: map[string]string{"host_credentials": `[for i in range(7) : { detail_id = i + 1 }]`}, want: attrError("host_credentials", "7")},
		hostileCase{name: sr + ".host_credentials/same host twice", block: sr, set: hosts("{ detail_id = 5 }", "{ detail_id = 6 }", "{ detail_id = 5 }"),
			want: regexp.QuoteMeta("Attribute host_credentials[2].detail_id is 5, like host_credentials[0].detail_id")},
		hostileCase{name: sr + ".host_credentials/with reject", block: sr, set: reject(map[string]string{"host_credentials": "[{ detail_id = 1 }]"}),
			want: regexp.QuoteMeta(`host_credentials is only used with decision = "accept"; this decision is "reject"`)},
		hostileCase{name: sr + ".host_credentials.detail_id", block: sr, set: hosts("{ detail_id = 0 }"), want: attrError("host_credentials[0].detail_id", "0")},
		hostileCase{name: sr + ".host_credentials.port/zero", block: sr, set: hosts("{ detail_id = 1, port = 0 }"), want: attrError("host_credentials[0].port", "0")},
		hostileCase{name: sr + ".host_credentials.port/too high", block: sr, set: hosts("{ detail_id = 1, port = 65536 }"), want: attrError("host_credentials[0].port", "65536")},
		hostileCase{name: sr + ".host_credentials.account/empty", block: sr, set: hosts(`{ detail_id = 1, account = "" }`), want: attrError("host_credentials[0].account", "0")},
		hostileCase{name: sr + ".host_credentials.account/too long", block: sr, set: hosts(fmt.Sprintf(`{ detail_id = 1, account = %q }`, long('u', 65))), want: attrError("host_credentials[0].account", "65")},
		// The password is sensitive: its length is the value the message may show.
		hostileCase{name: sr + ".host_credentials.password/empty", block: sr, set: hosts(`{ detail_id = 1, password = "" }`), want: attrError("host_credentials[0].password", "0")},
		hostileCase{name: sr + ".host_credentials.password/too long", block: sr, set: hosts(fmt.Sprintf(`{ detail_id = 1, password = %q }`, long('p', 1025))), want: attrError("host_credentials[0].password", "1025")},
		hostileCase{name: sr + ".import_id", block: sr, importID: "Auth pending/../x",
			want: regexp.QuoteMeta(`the import ID "Auth pending/../x" must be an authorization ID`)},
	)
	const srData = "data.authz_service_request_authorizations"
	add(
		hostileCase{name: srData + ".status", block: srData, set: map[string]string{"status": q("done")}, want: attrError("status", `"done"`)},
		hostileCase{name: srData + ".group_id/empty", block: srData, set: map[string]string{"group_id": q("")}, want: attrError("group_id", "0")},
		hostileCase{name: srData + ".group_id/too long", block: srData, set: map[string]string{"group_id": q(long('g', 65))}, want: attrError("group_id", "65")},
	)

	// The provider's arguments: the configuration holds a data source, read while planning, and a resource,
	// so an argument that slipped through would reach the fake cloud.
	prov := func(name string, set map[string]string, want string) hostileCase {
		return hostileCase{name: "provider." + name, block: "provider", set: set, want: want}
	}
	creds := func(args ...string) map[string]string { // replaces the AK/SK credentials with others
		out := map[string]string{"access_key": unset, "secret_key": unset}
		for i := 0; i+1 < len(args); i += 2 {
			out[args[i]] = args[i+1]
		}
		return out
	}
	add(
		prov("cloud", map[string]string{"cloud": q("aws")}, attrError("cloud", `"aws"`)),
		prov("region/host injection", map[string]string{"region": q("eu-de.evil.example/x#")}, attrError("region", "eu-de.evil.example/x#")),
		prov("region/user info", map[string]string{"region": q("x@evil.example")}, attrError("region", "x@evil.example")),
		prov("region/too long", map[string]string{"region": q(long('r', 65))}, attrError("region", "65")),
		prov("project_id", map[string]string{"project_id": q("../" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0")}, attrError("project_id", "../9f8e7d6c5b4a39281706f5e4d3c2b1a0")),
		prov("project_id/with project_name", map[string]string{"project_name": q("eu-de")}, regexp.QuoteMeta(`Attribute "project_name" cannot be specified when "project_id" is specified`)),
		prov("endpoints/unknown service", map[string]string{"endpoints": `{ s3 = "http://127.0.0.1:1" }`}, attrError(`endpoints["s3"]`, `"s3"`)),
		prov("endpoints/scheme", map[string]string{"endpoints": `{ apig = "ftp://127.0.0.1/" }`}, attrError(`endpoints["apig"]`, `"ftp://127.0.0.1/"`)),
		prov("endpoints/no host", map[string]string{"endpoints": `{ iam = "https://" }`}, attrError(`endpoints["iam"]`, `"https://"`)),
		prov("endpoints/relative", map[string]string{"endpoints": `{ osm = "osm.example.com" }`}, attrError(`endpoints["osm"]`, `"osm.example.com"`)),
		prov("max_retries/negative", map[string]string{"max_retries": "-1"}, attrError("max_retries", "-1")),
		prov("max_retries/too many", map[string]string{"max_retries": "21"}, attrError("max_retries", "21")),
		prov("requests_per_second/zero", map[string]string{"requests_per_second": "0"}, attrError("requests_per_second", "0")),
		prov("requests_per_second/too many", map[string]string{"requests_per_second": "20000"}, attrError("requests_per_second", "20000")),
		prov("site", map[string]string{"site": q("moon")}, attrError("site", `"moon"`)),
		prov("roma_api_version", map[string]string{"roma_api_version": q("v3")}, attrError("roma_api_version", `"v3"`)),
		prov("language/header injection", map[string]string{"language": q("en-us\nX-Injected: 1")}, attrError("language", "en-us\nX-Injected: 1")),
		prov("language/empty", map[string]string{"language": q("")}, regexp.QuoteMeta("Attribute language must be a language")+".*got:"),
		prov("time_zone/characters", map[string]string{"time_zone": q("GMT+8; DROP")}, attrError("time_zone", "GMT+8; DROP")),
		prov("time_zone/too long", map[string]string{"time_zone": q(long('z', 33))}, attrError("time_zone", long('z', 33))),
		prov("domain_id", map[string]string{"domain_id": q("5d1c/../x")}, attrError("domain_id", "5d1c/../x")),
		prov("cacert_file", map[string]string{"cacert_file": q("/nonexistent/ca.pem")}, regexp.QuoteMeta(`cacert_file: cannot read CA certificates from "/nonexistent/ca.pem"`)),
		// Combinations are checked when the provider is configured, which planning does first. The values are
		// secrets, so the messages name the arguments only; TestAccSecrets checks they show no value.
		prov("token/with access_key", map[string]string{"token": q("a-token")},
			regexp.QuoteMeta("conflicting credentials: token and access_key/secret_key are all set")),
		prov("access_key/without secret_key", map[string]string{"secret_key": unset}, regexp.QuoteMeta("access_key and secret_key must be set together")),
		prov("secret_key/without access_key", map[string]string{"access_key": unset}, regexp.QuoteMeta("access_key and secret_key must be set together")),
		prov("security_token/without access_key", creds("token", q("a-token"), "security_token", q("sts")),
			regexp.QuoteMeta("security_token is only used with access_key and secret_key")),
		prov("password/without domain_name", creds("user_name", q("u"), "password", q("p")),
			regexp.QuoteMeta("password authentication needs user_name, password and domain_name together")),
		prov("user_name/without password", creds("user_name", q("u"), "domain_name", q("d")),
			regexp.QuoteMeta("password authentication needs user_name, password and domain_name together")),
	)
	// The same checks hold for what the environment provides.
	noCredentials := map[string]string{}
	for _, v := range []string{"HW_AUTH_TOKEN", "OS_AUTH_TOKEN", "HW_ACCESS_KEY", "OS_ACCESS_KEY", "HW_SECRET_KEY", "OS_SECRET_KEY",
		"HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN", "HW_USER_NAME", "OS_USERNAME", "HW_USER_PASSWORD", "OS_PASSWORD"} {
		noCredentials[v] = ""
	}
	envCase := func(name string, env map[string]string, want string) hostileCase {
		return hostileCase{name: "provider." + name, block: "provider", env: env, want: want}
	}
	add(
		hostileCase{name: "provider.access_key/no credentials at all", block: "provider", set: creds(), env: noCredentials,
			want: regexp.QuoteMeta("no credentials: set token, or access_key and secret_key, or user_name, password and domain_name")},
		hostileCase{name: "provider.max_retries/HW_MAX_RETRIES", block: "provider", set: map[string]string{"max_retries": unset}, env: map[string]string{"HW_MAX_RETRIES": "lots"},
			want: regexp.QuoteMeta(`HW_MAX_RETRIES: "lots" is not a number from 0 to 20`)},
		envCase("site/AUTHZ_SITE", map[string]string{"AUTHZ_SITE": "moon"}, regexp.QuoteMeta(`AUTHZ_SITE: "moon" is neither "international" nor "china"`)),
		envCase("roma_api_version/AUTHZ_ROMA_API_VERSION", map[string]string{"AUTHZ_ROMA_API_VERSION": "v3"}, regexp.QuoteMeta(`AUTHZ_ROMA_API_VERSION: "v3" is neither "v2" nor "v1"`)),
		envCase("requests_per_second/AUTHZ_REQUESTS_PER_SECOND", map[string]string{"AUTHZ_REQUESTS_PER_SECOND": "fast"},
			regexp.QuoteMeta(`AUTHZ_REQUESTS_PER_SECOND: "fast" is not a number from 0.01 to 10000`)),
		envCase("insecure/HW_INSECURE", map[string]string{"HW_INSECURE": "maybe"}, regexp.QuoteMeta(`HW_INSECURE: "maybe" is not a boolean`)),
	)
	return cases
}

// with returns a copy of m with one more argument.
func with(m map[string]string, name, value string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[name] = value
	return out
}

// providerCaseBlocks are what a provider case configures besides the provider: a data source read while
// planning and a resource created by the apply.
var providerCaseBlocks = []string{"data.authz_apig_app_authorizations", "authz_apig_app_authorization"}

func TestAccHostileInput(t *testing.T) {
	cases := hostileCases()
	// Every block of the world, valid, applies and reaches every service: so the cases below, which change
	// one value of these blocks, reach the cloud unless validation stops them.
	t.Run("control", func(t *testing.T) {
		w := newWorld(t)
		cfg := w.configs(withAccessKey, nil)[0]
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			CheckDestroy:             func(*terraform.State) error { checkApplied(t, w, cfg, false); return nil },
			Steps: []resource.TestStep{{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(checkCalledEveryService(w.f),
					func(*terraform.State) error { checkApplied(t, w, cfg, true); return nil }),
			}},
		})
	})

	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("two cases named %s", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			w := newWorld(t)
			t.Cleanup(func() { w.f.CheckNoRequests(t) }) // also when the step fails the test
			keys, changes := []string{tc.block}, map[string]map[string]string{tc.block: tc.set}
			if tc.block == "provider" {
				keys = providerCaseBlocks
			}
			cfg := w.config(withAccessKey, keys, changes)
			step := resource.TestStep{Config: cfg, ExpectError: acctest.ExpectError(tc.want)}
			if tc.importID != "" {
				step.ResourceName, step.ImportState, step.ImportStateId = tc.block+".test", true, tc.importID
			}
			test := resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{step},
			}
			if tc.env != nil {
				resource.Test(t, test) // t.Setenv rules out running in parallel
			} else {
				resource.ParallelTest(t, test)
			}
		})
	}
}

// checkCalledEveryService asserts the fake cloud answered calls of every service the provider uses.
func checkCalledEveryService(f *acctest.FakeCloud) resource.TestCheckFunc {
	return func(*terraform.State) error {
		prefixes := map[string]string{"APIG": "/v2/" + f.Creds.ProjectID + "/apigw/", "ROMA": "/apic/", "ModelArts": "/v1/" + f.Creds.ProjectID + "/services/", "service tickets": "/v2/servicerequest/"}
		for service, prefix := range prefixes {
			called := false
			for _, r := range f.Requests() {
				called = called || (strings.Contains(r.Path, prefix) && r.Status > 0 && r.Status < 300)
			}
			if !called {
				return fmt.Errorf("no successful call of %s (%s…) in the fake cloud's request log", service, prefix)
			}
		}
		return nil
	}
}
