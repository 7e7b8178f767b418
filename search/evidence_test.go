package search

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueryLangs(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"spinal cord injury", []string{"en"}},
		{"脊髄損傷", []string{"ja", "zh"}},
		{"Muse 細胞", []string{"en", "ja", "zh"}},
		{"ハンギングワイヤー", []string{"ja"}},
		{"2023", nil},
	} {
		if diff := cmp.Diff(tt.want, queryLangs(tt.text)); diff != "" {
			t.Errorf("queryLangs(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}
