package corpus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCountMentions(t *testing.T) {
	tests := []struct {
		text string
		want map[ConceptKey]int
	}{
		{"", nil},
		{"No concept is named here.", nil},
		{
			// "MSCs" and "MSC" are abbreviations: not counted.
			"Mesenchymal stem cells (MSCs) were compared with Muse cells; MSC engraftment was low.",
			map[ConceptKey]int{{CellType, "msc"}: 1, {CellType, "muse"}: 1},
		},
		{
			"脳梗塞モデルに間葉系幹細胞を投与した。脳梗塞の体積は減少した。",
			map[ConceptKey]int{{Indication, "stroke"}: 2, {CellType, "msc"}: 1},
		},
		{
			// Abbreviations do not count wherever they stand: after non-ASCII text, in
			// full-width letters, in the plural.
			"Müse ALS", nil,
		},
		{
			"筋萎縮性側索硬化症（ALS）の患者。ＡＬＳ。",
			map[ConceptKey]int{{Indication, "als"}: 1},
		},
		{
			"MSCs were injected; Müse MSCs were not.", nil,
		},
		{
			// A design named as planned is not counted; the one reported is.
			"In this open-label study, a randomized controlled trial is planned.",
			map[ConceptKey]int{{Design, "non-randomized"}: 1},
		},
	}
	for _, tt := range tests {
		got := CountMentions(tt.text)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("CountMentions(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}
