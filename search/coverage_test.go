package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
)

// coverageCorpus holds an English section with every word of "muse safety patients"
// and a Japanese one that holds only "Muse" as typed, safety and patients as the
// glossary's translations (安全性, 患者). "Muse" is rare in the Japanese text fields,
// so that its idf there is high; safety and patients are common in English.
var coverageCorpus = func() map[string][]corpus.Document {
	en := corpus.Document{ID: "en", Source: "en.txt", Title: "Report", Lang: "en", Sections: []corpus.Section{
		{ID: "en#1", Lang: "en", Text: "Muse cells were infused in patients; safety was monitored for a year."},
	}}
	for i := 2; i <= 12; i++ {
		en.Sections = append(en.Sections, corpus.Section{ID: fmt.Sprintf("en#%d", i), Lang: "en",
			Text: "The safety of the treatment was reviewed for all patients of the cohort."})
	}
	ja := corpus.Document{ID: "ja", Source: "ja.txt", Title: "報告", Lang: "ja", Sections: []corpus.Section{
		{ID: "ja#1", Lang: "ja", Text: "Muse細胞を投与した患者で安全性を確認した。"},
	}}
	return map[string][]corpus.Document{"en.txt": {en}, "ja.txt": {ja}}
}()

// coverage is an engine over an in-memory index of coverageCorpus.
var coverage fixture

func coverageEngine(t testing.TB) *Engine {
	t.Helper()
	return coverage.engine(t, "the coverage corpus", func() (*Engine, error) { return memEngine(coverageCorpus) })
}

// TestLiteralCoverageRanksFirst checks that a section holding more of the query's
// words as typed ranks above one holding fewer and the others only in translation,
// however rare the word it holds is in its language's fields: en#1 has all three
// words, ja#1 only "Muse" (its idf in the Japanese fields is high).
func TestLiteralCoverageRanksFirst(t *testing.T) {
	e := coverageEngine(t)
	for _, group := range []bool{false, true} {
		resp := mustSearch(t, e, Request{Query: "muse safety patients", GroupByDoc: group})
		var got []string
		scores := map[string]float64{}
		for _, h := range resp.Hits {
			for _, p := range append([]SectionHit{{ID: h.ID, Score: h.Score}}, h.Passages...) {
				if !slices.Contains(got, p.ID) {
					got = append(got, p.ID)
				}
				scores[p.ID] = p.Score
			}
		}
		want := []string{"en#1", "ja#1"}
		if i, j := slices.Index(got, want[0]), slices.Index(got, want[1]); i < 0 || j < 0 || i > j {
			t.Errorf("group %v: hits %v (scores %v), want %s before %s", group, got, scores, want[0], want[1])
		}
		if scores["en#1"] <= scores["ja#1"] {
			t.Errorf("group %v: en#1 scores %g, ja#1 %g: want the section with every word higher", group, scores["en#1"], scores["ja#1"])
		}
	}
}

// TestCoverageCounts checks that a section's score holds one literalFloor for each
// unit of the query it holds as typed, in an OR too (a group of alternatives scales
// the rest of the score, not the floors), and a rest below the floor.
func TestCoverageCounts(t *testing.T) {
	e := coverageEngine(t)
	tests := []struct {
		query string
		held  map[string]int // by section: the units it holds as typed
	}{
		{"muse safety patients", map[string]int{"en#1": 3, "ja#1": 1}},
		// en#2 holds safety and patients; ja#1 Muse, and 安全性 (safety) only as a translation.
		{"(muse OR safety) patients", map[string]int{"en#1": 3, "en#2": 2, "ja#1": 1}},
		// Context (the title "Report") is not the section's own words.
		{"report muse", map[string]int{"en#1": 1}},
	}
	for _, tt := range tests {
		resp := mustSearch(t, e, Request{Query: tt.query, Size: 100})
		got := map[string]int{}
		for _, h := range resp.Hits {
			if _, ok := tt.held[h.ID]; ok {
				got[h.ID] = int(h.Score / literalFloor)
				if rest := math.Mod(h.Score, literalFloor); rest <= 0 || rest >= 1 {
					t.Errorf("%s: %s scores %g: the rest %g is not a relevance", tt.query, h.ID, h.Score, rest)
				}
			}
		}
		if diff := cmp.Diff(tt.held, got); diff != "" {
			t.Errorf("%s: units held as typed (-want +got):\n%s", tt.query, diff)
		}
	}
}

// TestUnitOrScoresAsDisjunction checks that a unit's search scores its matches as
// bleve's disjunction of the unit's searches in the fields does, to the last bit, plus
// literalFloor for the sections whose own words match: the floor changes the order
// of the sections, not which match nor how the others compare.
func TestUnitOrScoresAsDisjunction(t *testing.T) {
	e := bundleEngine(t)
	scores := func(q query.Query) map[string]float64 {
		req := bleve.NewSearchRequestOptions(q, 10_000, 0, false)
		res, err := e.ix.Search(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.ID] = h.Score
		}
		return out
	}
	contextOnly := 0
	for _, word := range []string{"Muse", "stroke", "spinal", "脊髄損傷", "干细胞", "jRCT2063200047", "regenerative"} {
		c := &compiler{compileOptions: compileOptions{verbatim: true}, e: e, out: &compiled{hl: &highlighter{analyze: e.analyze}}}
		q := c.literal(word, true)
		u, ok := q.(*unitOr)
		if !ok {
			t.Fatalf("%s: compiles to %T, want a *unitOr", word, q)
		}
		got, want, own := scores(u), scores(query.NewDisjunctionQuery(u.qs)), scores(query.NewDisjunctionQuery(u.qs[:u.own]))
		if len(got) != len(want) || len(got) == 0 {
			t.Errorf("%s: %d matches, %d as a disjunction", word, len(got), len(want))
		}
		for id, w := range want {
			if _, ok := own[id]; ok {
				w += literalFloor
			} else {
				contextOnly++
			}
			if got[id] != w {
				t.Errorf("%s: %s scores %v, want %v", word, id, got[id], w)
			}
		}
	}
	if contextOnly == 0 {
		t.Error("no section matches a word only in its context")
	}
}

// evidenceCorpus holds passages that report a trial of stroke (a phase and a trial
// design) in English and Japanese, naming it only otherwise (cerebral infarction,
// 脳梗塞), and an English one that names stroke as typed, in passing.
var evidenceCorpus = map[string][]corpus.Document{
	"en.txt": {{ID: "en", Source: "en.txt", Title: "Review", Lang: "en", Sections: []corpus.Section{
		{ID: "en#1", Lang: "en", Text: "A randomized phase 2 trial enrolled 35 patients after cerebral infarction.",
			Facets: corpus.Facets{corpus.Indication: {"stroke"}, corpus.Phase: {"phase-2"}, corpus.Design: {"rct"}}},
		{ID: "en#2", Lang: "en", Text: "Other indications, such as stroke, remain to be studied.",
			Facets: corpus.Facets{corpus.Indication: {"stroke"}}},
	}}},
	"ja.txt": {{ID: "ja", Source: "ja.txt", Title: "報告", Lang: "ja", Sections: []corpus.Section{
		{ID: "ja#1", Lang: "ja", Text: "脳梗塞の患者35名を対象とした第2相ランダム化試験。",
			Facets: corpus.Facets{corpus.Indication: {"stroke"}, corpus.Phase: {"phase-2"}, corpus.Design: {"rct"}}},
	}}},
}

// evidenceFixture is an engine over an in-memory index of evidenceCorpus.
var evidenceFixture fixture

// TestEvidenceCoversWords checks that a passage in the query's language that reports a
// trial of the indication the query names, naming it otherwise, counts as holding the
// words that name it as typed, and ranks first among the passages holding as many
// (evidence first); one in another language stays below every literal match.
func TestEvidenceCoversWords(t *testing.T) {
	e := evidenceFixture.engine(t, "the evidence corpus", func() (*Engine, error) { return memEngine(evidenceCorpus) })
	resp := mustSearch(t, e, Request{Query: "stroke"})
	// ja#1, the best Japanese passage, comes second (promote).
	if diff := cmp.Diff([]string{"en#1", "ja#1", "en#2"}, hitIDs(resp)); diff != "" {
		t.Errorf("stroke: hits (-want +got):\n%s", diff)
	}
	for _, h := range resp.Hits {
		if held := h.Score >= literalFloor; held != (h.Lang == "en") {
			t.Errorf("stroke: %s scores %g: counts as holding the word %v, want %v", h.ID, h.Score, held, h.Lang == "en")
		}
	}
}
