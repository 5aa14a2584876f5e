package acctest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// CLI is the Terraform binary the acceptance tests run: its name (terraform or tofu, which numbers its
// releases its own way) and version.
type CLI struct {
	Name    string
	Version *version.Version
}

// OpenTofu reports whether the binary is OpenTofu.
func (c CLI) OpenTofu() bool { return c.Name == "tofu" }

func (c CLI) String() string { return c.Name + " " + c.Version.String() }

var cli = sync.OnceValues(func() (CLI, error) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		return CLI{}, err
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return CLI{}, err
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		return CLI{}, err
	}
	name := "terraform"
	if strings.Contains(filepath.Base(bin), "tofu") {
		name = "tofu"
	}
	return CLI{Name: name, Version: parsed}, nil
})

// TerraformCLI is the binary the acceptance tests run; it skips the test unless TF_ACC is set.
func TerraformCLI(t *testing.T) CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1")
	}
	PreCheck(t)
	c, err := cli()
	if err != nil {
		t.Fatalf("reading the version of the Terraform binary: %v", err)
	}
	return c
}

// SkipBelow skips the test when the binary, Terraform or OpenTofu, is older than min, the first release of
// both with the feature the test needs.
func SkipBelow(t *testing.T, min, feature string) CLI {
	t.Helper()
	c := TerraformCLI(t)
	if c.Version.LessThan(version.Must(version.NewVersion(min))) {
		t.Skipf("%s needs Terraform or OpenTofu %s or later; this is %s", feature, min, c)
	}
	return c
}
