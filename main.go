// Command terraform-provider-authz serves the authz Terraform provider over plugin protocol 6.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/cloudauthz/terraform-provider-authz/internal/gctune"
	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3" (goreleaser does this).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	quietWhenTerraformDiscardsLogs()
	gctune.Configure()
	stopProfile := startCPUProfile(os.Getenv("AUTHZ_CPUPROFILE"))
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/cloudauthz/authz", provider.NewServer(version), opts...)
	stopProfile()
	writeHeapProfile(os.Getenv("AUTHZ_MEMPROFILE"))
	if err != nil {
		log.Fatal(err)
	}
}

// sdkLogLevels are the environment variables setting the log levels of the plugin SDK's loggers and the
// provider's own.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_AUTHZ"}

// quietWhenTerraformDiscardsLogs turns the plugin's loggers off when neither TF_LOG nor TF_LOG_PROVIDER is set:
// Terraform then drops every line a provider writes, and the SDK's default level (trace) only costs time
// (about a fifth of the CPU of a plan of a thousand resources, in JSON encoding). A level set explicitly wins.
func quietWhenTerraformDiscardsLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range sdkLogLevels {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off") // cannot fail for a valid name
		}
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

// writeHeapProfile writes, when dir (AUTHZ_MEMPROFILE, for benchmarks) names a directory, the heap profile of the
// process as it ends to dir/authz-<pid>.mem.pprof: what it allocated over its life and what it still holds.
func writeHeapProfile(dir string) {
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("authz-%d.mem.pprof", os.Getpid())))
	if err != nil {
		log.Printf("AUTHZ_MEMPROFILE: %v", err)
		return
	}
	defer f.Close()
	runtime.GC() // so that in-use figures are what the process still holds
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Printf("AUTHZ_MEMPROFILE: %v", err)
	}
}
