package provider_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
)

// TestAccProject_anotherProjectKeepsState: every project-scoped resource records the project it was created
// in. A provider pointed at another project the same access key reaches (a typo in project_id, another
// region) answers the services' not-found codes for objects that live elsewhere; refresh and destroy must not
// read them as gone. Both fail for every resource, naming the two projects, without a call to a service; the
// state and the cloud stay as they were, and back in the right project the plan is empty. A state written
// before projects were recorded gets its project at the next refresh that finds the resource.
func TestAccProject_anotherProjectKeepsState(t *testing.T) {
	w := newWorld(t)
	keys := slices.DeleteFunc(slices.Sorted(maps.Keys(w.blocks())), func(k string) bool {
		return strings.HasPrefix(k, "data.") || isAccountLevel(k)
	})
	good := w.config(withAccessKey, keys, nil)
	elsewhere := w.config(withAccessKey, keys, map[string]map[string]string{"provider": {"project_id": q(w.f.Creds.OtherProjectID)}})
	tf := acctest.NewTerraform(t, good)
	tf.MustRun("apply", "-auto-approve")
	resources := len(tf.State().Resources)

	// A state from before: no project recorded. A refresh in the right project records it.
	statePath := filepath.Join(tf.Dir(), "terraform.tfstate")
	if n := rewriteInstances(t, statePath, func(instance map[string]any) { delete(instance, "private") }); n != resources {
		t.Fatalf("%d instances in the state, want %d", n, resources)
	}
	tf.MustRun("apply", "-refresh-only", "-auto-approve")
	rewriteInstances(t, statePath, func(instance map[string]any) {
		if p, _ := instance["private"].(string); p == "" {
			t.Errorf("a refresh recorded no project for %v", instance["attributes"])
		}
	})

	tf.SetConfig(elsewhere)
	refused := regexp.MustCompile(`Resource in another project: (authz_\w+)`)
	for _, command := range [][]string{{"plan"}, {"destroy", "-auto-approve"}, {"apply", "-refresh-only", "-auto-approve"}} {
		w.f.ResetRequests()
		r := tf.Run(command...)
		if r.ExitCode == 0 {
			t.Fatalf("%s in another project succeeded:\n%s", command[0], r)
		}
		if got := len(refused.FindAllString(r.Output(), -1)); got != resources {
			t.Errorf("%s in another project: %d resources refused, want %d:\n%s", command[0], got, resources, r)
		}
		if !acctest.ExpectError(`created \(or imported\) in project ` + w.f.Creds.ProjectID + `, but the provider now works in project ` + w.f.Creds.OtherProjectID).MatchString(r.Output()) {
			t.Errorf("%s in another project does not name both projects:\n%s", command[0], r)
		}
		for _, req := range w.f.Requests() {
			t.Errorf("%s in another project called %s %s", command[0], req.Method, req.Path)
		}
	}
	if got := len(tf.State().Resources); got != resources {
		t.Fatalf("%d resources in the state after the refused commands, want %d", got, resources)
	}

	tf.SetConfig(good)
	if r := tf.Run("plan", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Errorf("back in the right project, the plan is not empty:\n%s", r)
	}
	tf.MustRun("destroy", "-auto-approve")
}

// rewriteInstances applies edit to every resource instance of the state file at path, writes it back and
// returns how many there were.
func rewriteInstances(t *testing.T, path string, edit func(instance map[string]any)) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	n := 0
	resources, _ := state["resources"].([]any)
	for _, r := range resources {
		instances, _ := r.(map[string]any)["instances"].([]any)
		for _, i := range instances {
			edit(i.(map[string]any))
			n++
		}
	}
	if data, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return n
}
