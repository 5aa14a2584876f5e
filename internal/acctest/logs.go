package acctest

import (
	"os"
	"path/filepath"
	"testing"
)

// CaptureLogs sends the TRACE logs of the test's Terraform commands and of the provider they use into one
// file, whose path it returns; read it once the commands have ended. It works for NewTerraform and for
// terraform-plugin-testing alike: Terraform writes to TF_LOG_PATH at TF_LOG, and the in-process provider's
// log sink (terraform-plugin-log's test sink, set up whenever a provider server is started) appends to
// TF_ACC_LOG_PATH, else TF_LOG_PATH, at TF_LOG. terraform-plugin-testing also logs there, at TRACE under
// sdk.helper_resource, each configuration it writes, secrets included. It sets environment variables, so the
// test cannot be parallel.
func CaptureLogs(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform.log")
	for k, v := range map[string]string{
		"TF_LOG": "TRACE", "TF_LOG_PATH": path, "TF_ACC_LOG_PATH": path,
		// These would override the level or the file of one side only.
		"TF_LOG_CORE": "", "TF_LOG_PROVIDER": "", "TF_LOG_PATH_MASK": "", "TF_ACC_LOG": "",
	} {
		t.Setenv(k, v)
	}
	return path
}

// ReadLogs returns what CaptureLogs' file holds, failing the test when there is nothing.
func ReadLogs(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the captured logs: %v", err)
	}
	if len(b) == 0 {
		t.Fatal("the captured log file is empty: neither Terraform nor the provider logged anything")
	}
	return string(b)
}
