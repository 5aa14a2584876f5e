package gateway

import "testing"

// TestSourceProviderAddresses: a source provider is recognised by namespace and type on any host, in the
// NAMESPACE/TYPE form, and as the bare type older OpenTofu sends; nothing else is.
func TestSourceProviderAddresses(t *testing.T) {
	for _, tc := range []struct {
		address string
		want    bool
	}{
		{"registry.terraform.io/huaweicloud/huaweicloud", true},
		{"registry.opentofu.org/huaweicloud/huaweicloud", true},
		{"mirror.example.com:8443/huaweicloud/huaweicloud", true},
		{"Registry.Terraform.io/HuaweiCloud/HuaweiCloud", true},
		{"huaweicloud/huaweicloud", true},
		{"huaweicloud", true},

		{"", false},
		{"/huaweicloud/huaweicloud", false},
		{"registry.terraform.io/hashicorp/huaweicloud", false},
		{"registry.terraform.io/huaweicloud/huaweicloudstack", false},
		{"registry.terraform.io/huaweicloud/huaweicloud/extra", false},
		{"hashicorp/huaweicloud", false},
		{"huaweicloud/g42cloud", false},
		{"g42cloud", false},
		{"registry.terraform.io/opentelekomcloud/opentelekomcloud", false},
		{"opentelekomcloud", false},
	} {
		if got := huaweiCloud.is(tc.address); got != tc.want {
			t.Errorf("huaweicloud/huaweicloud recognises %q: %v, want %v", tc.address, got, tc.want)
		}
	}
	for _, address := range []string{"registry.terraform.io/opentelekomcloud/opentelekomcloud", "opentelekomcloud/opentelekomcloud", "opentelekomcloud"} {
		if !openTelekomCloud.is(address) {
			t.Errorf("opentelekomcloud/opentelekomcloud does not recognise %q", address)
		}
	}
}
