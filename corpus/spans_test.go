package corpus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func TestFindConcepts(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // facet/id=the text named
	}{
		{"Muse cells in ALS and stroke", []string{"cell_type/muse=Muse cells", "indication/als=ALS", "indication/stroke=stroke"}},
		{"治験が心筋梗塞、脳梗塞で行われて", []string{"indication/myocardial-infarction=心筋梗塞", "indication/stroke=脳梗塞"}},
		// NFKC: the full-width letters are read, and the offsets are into the NFKC text.
		{"ＡＬＳ患者", []string{"indication/als=ALS"}},
		// A design named as future does not count, as in ExtractFacets.
		{"A larger placebo-controlled trial is planned.", nil},
		{"an open-label phase 2 trial", []string{"design/non-randomized=open-label", "phase/phase-2=p"}},
	} {
		nfkc := norm.NFKC.String(tc.text)
		var got []string
		for _, s := range FindConcepts(tc.text) {
			got = append(got, string(s.Concept.Facet)+"/"+s.Concept.ID+"="+nfkc[s.Start:s.End])
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("FindConcepts(%q) (-want +got):\n%s", tc.text, diff)
		}
	}
}
