package provider_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	fakemodelarts "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/modelarts"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// world is a fake cloud seeded so that one configuration can hold every resource type and data source of
// the provider, each with valid arguments: the hostile-input rows spoil one argument of it, the secrets test
// applies all of it.
type world struct {
	f        *acctest.FakeCloud
	gateways map[fakegateway.Flavor]acctest.Gateway
	ma       acctest.ModelArts
	// appSecret begins the secret of every ModelArts app: the apps data source reads them, and they must be
	// masked.
	appSecret string
	request   string // a pending service-ticket request asking for one host
	host      hostLogin
	window    [2]string // effective_time and expire_time of the acceptance, RFC 3339
}

// hostLogin is the host of the service-ticket request and its login.
type hostLogin struct {
	detailID int64
	port     int
	account  string
	password string
}

// hostPassword is the password of the request's host. Its middle is a run of letters and digits no encoding
// changes, so a log holding it in any quoted or escaped form still gives it away; its end needs escaping in
// JSON, in URLs and in Go strings, so those forms differ from the raw one.
const hostPassword = `hostpw-Zq7Kq2Vx9-end/P@ss w0rd&"<x>%+=`

func newWorld(t *testing.T) world {
	t.Helper()
	return newWorldOn(t, acctest.NewFakeCloud(t))
}

// newWorldOn is newWorld on a fake cloud started with options of the test's.
func newWorldOn(t *testing.T, f *acctest.FakeCloud) world {
	t.Helper()
	w := world{
		f:         f,
		gateways:  map[fakegateway.Flavor]acctest.Gateway{},
		appSecret: "appsecret-Hh3Jj5Ll7Nn9Pp2Rr4Tt6",
		request:   "Auth-hostile-1",
		host:      hostLogin{detailID: 3000001, port: 2222, account: "support", password: hostPassword},
	}
	for _, flavor := range []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA} {
		w.gateways[flavor] = f.SeedGateway(t, flavor)
	}
	w.ma = acctest.ModelArts{
		ServiceID: "3d9b7f15-2c4e-4a6b-8d0f-1e3a5c7b9d2f", ServiceName: "hostile_service",
		APIIDs:   []string{"e1000000000000000000000000000001", "e1000000000000000000000000000002"},
		AppIDs:   []string{"a1000000000000000000000000000001", "a1000000000000000000000000000002", "a1000000000000000000000000000003"},
		AppNames: []string{"app_one", "app_two", "app_three"},
	}
	var apps []fakemodelarts.App
	for i, id := range w.ma.AppIDs {
		apps = append(apps, fakemodelarts.App{ID: id, Name: w.ma.AppNames[i], AppSecret: fmt.Sprintf("%s%d", w.appSecret, i)})
	}
	service := fakemodelarts.ServiceFixture{ID: w.ma.ServiceID, Name: w.ma.ServiceName, APIs: []fakemodelarts.API{
		{ID: w.ma.APIIDs[0], Name: "predict", AuthType: "APP"}, {ID: w.ma.APIIDs[1], Name: "predict_batch", AuthType: "APP"},
	}}
	now := time.Now().UTC().Truncate(time.Second)
	w.window = [2]string{now.Add(time.Hour).Format(time.RFC3339), now.Add(25 * time.Hour).Format(time.RFC3339)}
	fixture := fakecloud.Fixture{
		ModelArts: fakemodelarts.InProject(f.Creds.ProjectID, apps, []fakemodelarts.ServiceFixture{service}),
		OSM: osm.InAccount("", osm.Authorization{
			ID: w.request, Status: osm.StatusPending, IncidentID: "CS2026112300123", SimpleDescription: "Access to web01",
			ResourceTypeName: "ECS", VisitTypeName: "host login", AuthHandlerName: "engineer",
			Details: []osm.Detail{{ID: w.host.detailID, Type: osm.DetailHost, Port: w.host.port, Account: w.host.account,
				Password: w.host.password, InstanceID: "i-web01", InstanceName: "web01", RegionID: "eu-de"}},
		}),
	}
	if err := f.Load(fixture); err != nil {
		t.Fatalf("seeding the fake cloud: %v", err)
	}
	return w
}

// credentialMode is how the provider block authenticates.
type credentialMode string

const (
	withToken         credentialMode = "token"
	withAccessKey     credentialMode = "AK_SK"
	withSecurityToken credentialMode = "AK_SK_security_token"
	withPassword      credentialMode = "password"
)

// securityToken is the security token of temporary AK/SK credentials; the fake cloud takes any.
const securityToken = "sts-Bb2Dd4Ff6Gg8Jj1Kk3Mm5Nn7"

// provider is a provider block reaching the fake cloud in the credential mode.
func (w world) provider(mode credentialMode) hclBlock {
	c := w.f.Creds
	args := map[string]string{"region": q(c.ProjectName), "max_retries": "1", "endpoints": w.f.Endpoints()}
	switch mode {
	case withToken:
		maps.Copy(args, map[string]string{"token": q(c.Token), "project_id": q(c.ProjectID)})
	case withAccessKey, withSecurityToken:
		maps.Copy(args, map[string]string{"access_key": q(c.AccessKey), "secret_key": q(c.SecretKey), "project_id": q(c.ProjectID)})
		if mode == withSecurityToken {
			args["security_token"] = q(securityToken)
		}
	case withPassword:
		maps.Copy(args, map[string]string{"user_name": q(c.UserName), "password": q(c.Password), "domain_name": q(c.DomainName), "project_name": q(c.ProjectName)})
	}
	return hclBlock{header: `provider "authz"`, args: args}
}

// blocks are every resource and data source of the provider with valid arguments, keyed by their type
// (resources) or "data.<type>" (data sources); every block is named "test". Together they apply cleanly.
func (w world) blocks() map[string]hclBlock {
	out := map[string]hclBlock{}
	add := func(kind, typ string, args map[string]string) {
		key, header := typ, fmt.Sprintf("resource %q \"test\"", typ)
		if kind == "data" {
			key, header = "data."+typ, fmt.Sprintf("data %q \"test\"", typ)
		}
		out[key] = hclBlock{header: header, args: args}
	}
	for flavor, g := range w.gateways {
		p := "authz_" + string(flavor)
		add("resource", p+"_app_authorization", map[string]string{
			"instance_id": q(g.InstanceID), "env_id": q(acctest.ReleaseEnvID), "app_id": q(g.AppIDs[0]), "api_id": q(g.APIIDs[0]),
		})
		add("resource", p+"_app_authorization_set", map[string]string{
			"instance_id": q(g.InstanceID), "env_id": q(g.EnvID), "app_id": q(g.AppIDs[1]), "api_ids": list(g.APIIDs[1], g.APIIDs[2]),
		})
		add("resource", p+"_app_acl", map[string]string{
			"instance_id": q(g.InstanceID), "app_id": q(g.AppIDs[0]), "type": q("PERMIT"), "values": list("192.168.0.1", "10.0.0.0/24", "2001:db8::/64"),
		})
		add("data", p+"_app_authorizations", map[string]string{"instance_id": q(g.InstanceID), "app_id": q(g.AppIDs[0])})
		add("data", p+"_app_acl", map[string]string{"instance_id": q(g.InstanceID), "app_id": q(g.AppIDs[0])})
	}
	add("resource", "authz_modelarts_app_authorization", map[string]string{
		"service_id": q(w.ma.ServiceID), "api_id": q(w.ma.APIIDs[0]), "app_id": q(w.ma.AppIDs[0]),
	})
	add("resource", "authz_modelarts_api_authorization_set", map[string]string{
		"service_id": q(w.ma.ServiceID), "api_id": q(w.ma.APIIDs[1]), "app_ids": list(w.ma.AppIDs[1], w.ma.AppIDs[2]),
	})
	add("data", "authz_modelarts_apps", map[string]string{"name": q("app")})
	add("data", "authz_modelarts_api_authorizations", map[string]string{"service_id": q(w.ma.ServiceID), "api_id": q(w.ma.APIIDs[0]), "show_only": q("ALL")})
	add("resource", "authz_service_request_authorization", map[string]string{
		"authorization_id": q(w.request), "effective_time": q(w.window[0]), "expire_time": q(w.window[1]),
		"host_credentials": w.hostCredentials(w.host.password),
	})
	add("data", "authz_service_request_authorizations", map[string]string{"status": q("pending")})
	return out
}

// hostCredentials is the host_credentials argument handing over the request's host with a password.
func (w world) hostCredentials(password string) string {
	return fmt.Sprintf("[{ detail_id = %d, port = %d, account = %q, password = %q }]", w.host.detailID, w.host.port, w.host.account, password)
}

// config is a provider block in the mode and the blocks of keys, with arguments changed per block key
// ("provider" for the provider block). A token is scoped to a project or to the account, never both, and
// Terraform serves every alias of the in-process provider from one configured instance: in token mode the
// blocks are either all project-level or all account-level (service tickets), these with an account-scoped
// token.
func (w world) config(mode credentialMode, keys []string, changes map[string]map[string]string) string {
	provider := w.provider(mode)
	if mode == withToken {
		account := slices.ContainsFunc(keys, isAccountLevel)
		if account && slices.ContainsFunc(keys, func(k string) bool { return !isAccountLevel(k) }) {
			panic("a token configuration cannot mix project-level and account-level blocks")
		}
		if account {
			provider = provider.with(map[string]string{"token": q(w.f.Creds.DomainToken), "project_id": unset})
		}
	}
	var b strings.Builder
	b.WriteString(provider.with(changes["provider"]).String())
	blocks := w.blocks()
	for _, key := range keys {
		block, ok := blocks[key]
		if !ok {
			panic("no block " + key)
		}
		b.WriteString(block.with(changes[key]).String())
	}
	return b.String()
}

// configs are the configurations together holding every block in the mode: one, or in token mode one of
// the project-level and one of the account-level blocks.
func (w world) configs(mode credentialMode, changes map[string]map[string]string) []string {
	keys := slices.Sorted(maps.Keys(w.blocks()))
	if mode != withToken {
		return []string{w.config(mode, keys, changes)}
	}
	account := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return !isAccountLevel(k) })
	project := slices.DeleteFunc(keys, isAccountLevel)
	return []string{w.config(mode, project, changes), w.config(mode, account, changes)}
}

// isAccountLevel reports whether a block key is of the service tickets, which act for the account.
func isAccountLevel(key string) bool { return strings.Contains(key, "authz_service_request_") }

// hclBlock is one block of a configuration: its header and its arguments as HCL expressions.
type hclBlock struct {
	header string
	args   map[string]string
}

// unset, as the new value of an argument, removes it.
const unset = "\x00unset"

// with returns the block with arguments replaced, added or (unset) removed.
func (b hclBlock) with(changes map[string]string) hclBlock {
	args := maps.Clone(b.args)
	for name, v := range changes {
		if v == unset {
			delete(args, name)
		} else {
			args[name] = v
		}
	}
	return hclBlock{header: b.header, args: args}
}

func (b hclBlock) String() string {
	var s strings.Builder
	s.WriteString(b.header + " {\n")
	for _, name := range slices.Sorted(maps.Keys(b.args)) {
		if bodies, ok := strings.CutPrefix(b.args[name], nestedPrefix); ok {
			for body := range strings.SplitSeq(bodies, nestedPrefix) {
				fmt.Fprintf(&s, "  %s {\n%s  }\n", name, body)
			}
			continue
		}
		fmt.Fprintf(&s, "  %s = %s\n", name, b.args[name])
	}
	s.WriteString("}\n\n")
	return s.String()
}

// nestedPrefix begins an argument's value that is nested blocks of its name (nested), not an expression.
const nestedPrefix = "\x00nested\n"

// nested is the value of an argument written as one nested block per body, each of arguments as HCL
// expressions (assume_role { … } assume_role { … }).
func nested(bodies ...map[string]string) string {
	var s strings.Builder
	for _, body := range bodies {
		s.WriteString(nestedPrefix)
		for _, name := range slices.Sorted(maps.Keys(body)) {
			fmt.Fprintf(&s, "    %s = %s\n", name, body[name])
		}
	}
	return s.String()
}

// q is a string as an HCL expression.
func q(s string) string { return fmt.Sprintf("%q", s) }

// list is strings as an HCL list expression.
func list(ss ...string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = q(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
