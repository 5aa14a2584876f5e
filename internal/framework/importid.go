package framework

import (
	"fmt"
	"strings"

	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

// ParseImportID splits an import ID of slash-separated parts named names and checks each is a well-formed
// ID; the error shows the expected form.
func ParseImportID(id string, names ...string) ([]string, error) {
	form := "<" + strings.Join(names, ">/<") + ">"
	parts := strings.Split(id, "/")
	if len(parts) != len(names) {
		return nil, fmt.Errorf("the import ID %q must have the form %s", id, form)
	}
	for i, p := range parts {
		if !validate.IsID(p) {
			return nil, fmt.Errorf("the import ID %q must have the form %s; %s %q must be 1 to 64 letters, digits, hyphens or underscores", id, form, names[i], p)
		}
	}
	return parts, nil
}
