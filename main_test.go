package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestQuietWhenTerraformDiscardsLogs: without TF_LOG or TF_LOG_PROVIDER the plugin's loggers are off; with
// either, or with a level set for one logger, nothing is changed.
func TestQuietWhenTerraformDiscardsLogs(t *testing.T) {
	cases := []struct {
		name, env, value string
		wantOff          bool
	}{
		{"no Terraform logging", "", "", true},
		{"TF_LOG", "TF_LOG", "DEBUG", false},
		{"TF_LOG_PROVIDER", "TF_LOG_PROVIDER", "TRACE", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, sdkLogLevels...) {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
			if c.env != "" {
				t.Setenv(c.env, c.value)
			}
			t.Setenv("TF_LOG_SDK_PROTO", "warn") // set explicitly: kept either way
			os.Unsetenv("TF_LOG_SDK")
			quietWhenTerraformDiscardsLogs()
			if got := os.Getenv("TF_LOG_SDK_PROTO"); got != "warn" {
				t.Errorf("TF_LOG_SDK_PROTO = %q, want the explicit warn", got)
			}
			got, set := os.LookupEnv("TF_LOG_SDK")
			if c.wantOff && got != "off" {
				t.Errorf("TF_LOG_SDK = %q, want off", got)
			}
			if !c.wantOff && set {
				t.Errorf("TF_LOG_SDK = %q, want it left unset", got)
			}
		})
	}
}

// The profiles the benchmark harness asks for land in the named directory, one file per process.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	stop := startCPUProfile(dir)
	stop()
	writeHeapProfile(dir)
	for _, kind := range []string{"cpu", "mem"} {
		name := filepath.Join(dir, fmt.Sprintf("authz-%d.%s.pprof", os.Getpid(), kind))
		if fi, err := os.Stat(name); err != nil || fi.Size() == 0 {
			t.Errorf("%s profile: %v", kind, err)
		}
	}
	startCPUProfile("")()
	writeHeapProfile("") // writes nothing, and does not fail
}
