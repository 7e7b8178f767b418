package search

import (
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
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

// TestLiftOfKept checks that the sets of a snapshot keep a lifter (liftOf) for the
// indications and languages asked for, and that a lifter holds the passages that report
// a trial of the indications, those in the query's languages apart.
func TestLiftOfKept(t *testing.T) {
	s := &facetSets{
		values: map[corpus.Facet]map[string]*roaring.Bitmap{
			corpus.Indication: {"sci": roaring.BitmapOf(1, 2, 3, 4), "als": roaring.BitmapOf(5, 6)},
			corpus.Lang:       {"en": roaring.BitmapOf(1, 2, 5), "ja": roaring.BitmapOf(3, 4, 6)},
		},
		reports:   roaring.BitmapOf(2, 3, 4, 6),
		langNames: []string{"en", "ja"},
	}
	l := liftOf(s, []string{"sci"}, []string{"en"})
	for name, got := range map[string][]uint32{"evidence": l.evidence.ToArray(), "in the query's languages": l.inLangs.ToArray(), "others": l.others.ToArray()} {
		want := map[string][]uint32{"evidence": {2, 3, 4}, "in the query's languages": {2}, "others": {3, 4}}[name]
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if again := liftOf(s, []string{"sci"}, []string{"en"}); again.evidence != l.evidence {
		t.Error("the same indications and languages again: a lifter made again, not the one kept")
	}
	if ja := liftOf(s, []string{"sci"}, []string{"ja"}); !slices.Equal(ja.inLangs.ToArray(), []uint32{3, 4}) {
		t.Errorf("in Japanese: %v in the query's languages, want [3 4]", ja.inLangs.ToArray())
	}
}
