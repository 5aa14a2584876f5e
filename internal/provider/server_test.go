package provider_test

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// payloadKey carries a payload in a request's context, standing for what terraform-plugin-go puts there (its
// loggers) and the gRPC stream behind the context.
type payloadKey struct{}

type payload struct {
	_ [16 << 10]byte
	_ *payload // a pointer, so the payload is a scanned object like the ones it stands for
}

// servedContexts sends n requests of every per-resource kind to server, each with a payload in its context,
// cancels each context once its request is answered (as gRPC does) and returns weak pointers to the payloads.
func servedContexts(t *testing.T, server tfprotov6.ProviderServer, n int) []weak.Pointer[payload] {
	t.Helper()
	var weaks []weak.Pointer[payload]
	calls := []func(context.Context) error{
		func(ctx context.Context) error {
			_, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "authz_apig_app_acl"})
			return err
		},
		func(ctx context.Context) error {
			_, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "authz_apig_app_acl"})
			return err
		},
		func(ctx context.Context) error {
			_, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "authz_apig_app_acl"})
			return err
		},
		func(ctx context.Context) error {
			_, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "authz_nothing"})
			return err
		},
	}
	for range n {
		for _, call := range calls {
			p := &payload{}
			weaks = append(weaks, weak.Make(p))
			ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
			if err := call(ctx); err != nil {
				t.Fatal(err)
			}
			cancel()
		}
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
	// The framework's own server keeps every request's context: the reason NewServer exists. If this part
	// fails, the framework has stopped doing so, and NewServer can serve the framework's server as it is.
	framework := providerserver.NewProtocol6(provider.New("test")())()
	if kept := reachable(servedContexts(t, framework, 5)); kept == 0 {
		t.Error("the framework's own server no longer keeps answered requests' contexts: NewServer's wrapper can go")
	}
	runtime.KeepAlive(framework) // a plugin's server lives as long as its process

	server := provider.NewServer("test")()
	weaks := servedContexts(t, server, 5)
	if kept := reachable(weaks); kept != 0 {
		t.Errorf("%d of %d answered requests' contexts are still reachable", kept, len(weaks))
	}
	runtime.KeepAlive(server)
}
