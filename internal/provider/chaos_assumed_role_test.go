package provider_test

import (
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
)

// TestAccChaos_assumedRole: the chaos run once with the provider acting as an agency (assume_role): the key
// exchange meets the same random failures and throttling as every other call.
func TestAccChaos_assumedRole(t *testing.T) {
	t.Parallel()
	runChaos(t, chaosSeeds(t)[0], acctest.WithAssumedRole, false)
}
