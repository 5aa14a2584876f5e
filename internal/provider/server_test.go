//lint:file-ignore SA1019 terraform-plugin-go v0.31 serves list resources, actions and state stores only through these optional interfaces, deprecated for the day their methods join ProviderServer; the wrapper must pass them on until then.

package provider_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// passedThrough are the RPCs NewServer passes on with the request's own context, and why.
var passedThrough = map[string]string{
	"GetMetadata":                "once per process",
	"GetProviderSchema":          "once per process",
	"GetResourceIdentitySchemas": "once per process",
	"GetFunctions":               "once per process",
	"ValidateProviderConfig":     "once per process",
	"ConfigureProvider":          "once per process",
	"StopProvider":               "cancels the requests the framework holds; wrapping it would hide none",
}

// call sends one request of an RPC kind to a server and reads the whole answer, streams included.
type call func(context.Context, tfprotov6.ProviderServer) error

// releasedCalls holds, for each RPC NewServer wraps, one request of its kind: TestServerLetsGoOfAnsweredRequests
// proves with them that each lets go of its context once answered. The requests name resource types the
// provider has where the framework then only reads, and none where it would write.
var releasedCalls = map[string]call{
	"ValidateResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "authz_apig_app_acl"})
		return err
	},
	"UpgradeResourceState": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "authz_apig_app_acl"})
		return err
	},
	"ReadResource": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "authz_apig_app_acl"})
		return err
	},
	"PlanResourceChange": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "authz_apig_app_acl"})
		return err
	},
	"ApplyResourceChange": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: "authz_nothing"})
		return err
	},
	"ImportResourceState": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "authz_nothing", ID: "x"})
		return err
	},
	"MoveResourceState": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{TargetTypeName: "authz_nothing"})
		return err
	},
	"UpgradeResourceIdentity": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: "authz_apig_app_acl"})
		return err
	},
	"GenerateResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{TypeName: "authz_apig_app_acl"})
		return err
	},
	"ValidateDataResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "authz_nothing"})
		return err
	},
	"ReadDataSource": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "authz_nothing"})
		return err
	},
	"ValidateEphemeralResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: "authz_nothing"})
		return err
	},
	"OpenEphemeralResource": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "authz_nothing"})
		return err
	},
	"RenewEphemeralResource": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.RenewEphemeralResource(ctx, &tfprotov6.RenewEphemeralResourceRequest{TypeName: "authz_nothing"})
		return err
	},
	"CloseEphemeralResource": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.CloseEphemeralResource(ctx, &tfprotov6.CloseEphemeralResourceRequest{TypeName: "authz_nothing"})
		return err
	},
	"CallFunction": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		_, err := s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "nothing"})
		return err
	},
	"ValidateListResourceConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithListResource) error {
			_, err := s.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: "authz_apig_app_acl"})
			return err
		})
	},
	"ListResource": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithListResource) error {
			resp, err := s.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: "authz_apig_app_acl"})
			if err == nil {
				readAll(resp.Results)
			}
			return err
		})
	},
	"ValidateActionConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithActions) error {
			_, err := s.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: "authz_nothing"})
			return err
		})
	},
	"PlanAction": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithActions) error {
			_, err := s.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: "authz_nothing"})
			return err
		})
	},
	"InvokeAction": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithActions) error {
			resp, err := s.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: "authz_nothing"})
			if err == nil {
				readAll(resp.Events)
			}
			return err
		})
	},
	"ValidateStateStoreConfig": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.ValidateStateStoreConfig(ctx, &tfprotov6.ValidateStateStoreConfigRequest{TypeName: "authz_nothing"})
			return err
		})
	},
	"ConfigureStateStore": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.ConfigureStateStore(ctx, &tfprotov6.ConfigureStateStoreRequest{TypeName: "authz_nothing"})
			return err
		})
	},
	"ReadStateBytes": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			resp, err := s.ReadStateBytes(ctx, &tfprotov6.ReadStateBytesRequest{TypeName: "authz_nothing", StateID: "default"})
			if err == nil {
				readAll(resp.Chunks)
			}
			return err
		})
	},
	"WriteStateBytes": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.WriteStateBytes(ctx, &tfprotov6.WriteStateBytesStream{
				Chunks: func(func(*tfprotov6.WriteStateBytesChunk, []*tfprotov6.Diagnostic) bool) {},
			})
			return err
		})
	},
	"GetStates": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.GetStates(ctx, &tfprotov6.GetStatesRequest{TypeName: "authz_nothing"})
			return err
		})
	},
	"DeleteState": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.DeleteState(ctx, &tfprotov6.DeleteStateRequest{TypeName: "authz_nothing", StateID: "default"})
			return err
		})
	},
	"LockState": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.LockState(ctx, &tfprotov6.LockStateRequest{TypeName: "authz_nothing", StateID: "default"})
			return err
		})
	},
	"UnlockState": func(ctx context.Context, s tfprotov6.ProviderServer) error {
		return as(s, func(s tfprotov6.ProviderServerWithStateStores) error {
			_, err := s.UnlockState(ctx, &tfprotov6.UnlockStateRequest{TypeName: "authz_nothing", StateID: "default"})
			return err
		})
	},
}

// as calls rpc with s as the optional server interface I.
func as[I any](s tfprotov6.ProviderServer, rpc func(I) error) error {
	i, ok := s.(I)
	if !ok {
		return errors.New("the server is no " + reflect.TypeFor[I]().String())
	}
	return rpc(i)
}

func readAll[E any](seq func(func(E) bool)) {
	for range seq {
	}
}

// optionalServers are the optional server interfaces of terraform-plugin-go v0.31, which it serves only from a
// server that implements them.
var optionalServers = []reflect.Type{
	reflect.TypeFor[tfprotov6.ProviderServerWithListResource](),
	reflect.TypeFor[tfprotov6.ProviderServerWithActions](),
	reflect.TypeFor[tfprotov6.ProviderServerWithStateStores](),
}

// TestServerPassesOnEveryRPC requires NewServer's server to pass on every RPC the framework's server serves,
// each either wrapped (and then in releasedCalls, so that it is proven to let go of its context) or on the
// list of those passed through.
func TestServerPassesOnEveryRPC(t *testing.T) {
	framework := reflect.TypeOf(providerserver.NewProtocol6(provider.New("test")())())
	ours := reflect.TypeOf(provider.NewServer("test")())

	rpcs := map[string]bool{}
	for _, i := range append([]reflect.Type{reflect.TypeFor[tfprotov6.ProviderServer]()}, optionalServers...) {
		if !framework.Implements(i) {
			continue
		}
		if !ours.Implements(i) {
			t.Errorf("the framework's server is a %v, NewServer's is not: terraform-plugin-go would not serve its RPCs", i)
		}
		for m := range i.NumMethod() {
			rpcs[i.Method(m).Name] = true
		}
	}
	// Any method of the framework's server, also of an optional interface this test does not know yet.
	for m := range framework.NumMethod() {
		rpcs[framework.Method(m).Name] = true
	}

	for _, name := range slices.Sorted(maps.Keys(rpcs)) {
		_, wrapped := releasedCalls[name]
		_, passed := passedThrough[name]
		switch _, ok := ours.MethodByName(name); {
		case !ok:
			t.Errorf("%s: the framework's server serves it, NewServer's does not pass it on", name)
		case wrapped && passed:
			t.Errorf("%s is both wrapped and passed through", name)
		case !wrapped && !passed:
			t.Errorf("%s is neither wrapped nor passed through: wrap it with serve (and add a request of its kind to "+
				"releasedCalls) or add it to passedThrough with the reason", name)
		}
	}
	for name := range releasedCalls {
		if !rpcs[name] {
			t.Errorf("releasedCalls has %s, which the framework's server does not serve", name)
		}
	}
	for name := range passedThrough {
		if !rpcs[name] {
			t.Errorf("passedThrough has %s, which the framework's server does not serve", name)
		}
	}
}

// payloadKey carries a payload in a request's context, standing for what terraform-plugin-go puts there (its
// loggers) and the gRPC stream behind the context.
type payloadKey struct{}

type payload struct {
	_ [16 << 10]byte
	_ *payload // a pointer, so the payload is a scanned object like the ones it stands for
}

// servedContexts sends n requests with c to server, each with a payload in its context, cancels each context
// once its request is answered (as gRPC does) and returns weak pointers to the payloads.
func servedContexts(t *testing.T, server tfprotov6.ProviderServer, c call, n int) []weak.Pointer[payload] {
	t.Helper()
	var weaks []weak.Pointer[payload]
	for range n {
		p := &payload{}
		weaks = append(weaks, weak.Make(p))
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
		if err := c(ctx, server); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	return weaks
}

func reachable(weaks []weak.Pointer[payload]) int {
	runtime.GC()
	n := 0
	for _, w := range weaks {
		if w.Value() != nil {
			n++
		}
	}
	return n
}

func TestServerLetsGoOfAnsweredRequests(t *testing.T) {
	framework := providerserver.NewProtocol6(provider.New("test")())()
	server := provider.NewServer("test")()
	for _, name := range slices.Sorted(maps.Keys(releasedCalls)) {
		c := releasedCalls[name]
		// The framework's own server keeps every request's context: the reason NewServer exists. If this
		// fails, the framework has stopped doing so for this RPC, and NewServer can pass it through.
		if kept := reachable(servedContexts(t, framework, c, 3)); kept == 0 {
			t.Errorf("%s: the framework's own server no longer keeps answered requests' contexts: NewServer need not wrap it", name)
		}
		weaks := servedContexts(t, server, c, 3)
		if kept := reachable(weaks); kept != 0 {
			t.Errorf("%s: %d of %d answered requests' contexts are still reachable", name, kept, len(weaks))
		}
	}
	runtime.KeepAlive(framework) // a plugin's server lives as long as its process
	runtime.KeepAlive(server)
}
