package ipacl

import (
	"fmt"
	"testing"
)

// BenchmarkValidate measures plan-time validation of a full ACL (300 entries of every form).
func BenchmarkValidate(b *testing.B) {
	values := make([]string, 0, 300)
	for i := range 100 {
		values = append(values, fmt.Sprintf("10.%d.0.1", i), fmt.Sprintf("172.16.%d.0/24", i), fmt.Sprintf("2001:db8:%x::1-2001:db8:%x::ff", i, i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(values); err != nil {
			b.Fatal(err)
		}
	}
}
