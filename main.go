// Command terraform-provider-authz serves the authz Terraform provider over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3" (goreleaser does this).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	stopProfile := startCPUProfile(os.Getenv("AUTHZ_CPUPROFILE"))
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/cloudauthz/authz",
		Debug:   debug,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err)
	}
}

// startCPUProfile profiles the process until the returned func is called, when dir (AUTHZ_CPUPROFILE, for
// benchmarks) names a directory: Terraform starts several provider processes per command, so each writes
// dir/authz-<pid>.cpu.pprof. Serve returns once Terraform has shut the plugin down.
func startCPUProfile(dir string) (stop func()) {
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("authz-%d.cpu.pprof", os.Getpid())))
	if err != nil {
		log.Printf("AUTHZ_CPUPROFILE: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("AUTHZ_CPUPROFILE: %v", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
