package search

import (
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"musesearch/corpus"
	"musesearch/internal/glossary"
)

// glossaryCorpus holds the same few words in English, Japanese and Chinese (one
// section in traditional characters), so that every expansion through the glossary
// and every folding of Chinese scripts is seen. The titles name none of the words:
// a section also matches its document's title.
var glossaryCorpus = map[string][]corpus.Document{
	"en.txt": {{
		ID: "en", Source: "en.txt", Title: "Report one", Lang: "en",
		Sections: []corpus.Section{
			{ID: "en#1", Lang: "en", Text: "A clinical trial of bone marrow cells against placebo."},
			{ID: "en#2", Lang: "en", Text: "Stem cells were taken from the marrow of the hip bone."},
			{ID: "en#3", Lang: "en", Text: "The cells were counted twice."},
			{ID: "en#4", Lang: "en", Text: "No teratoma was seen."},
		},
	}},
	"ja.txt": {{
		ID: "ja", Source: "ja.txt", Title: "報告", Lang: "ja",
		Sections: []corpus.Section{
			{ID: "ja#1", Lang: "ja", Text: "骨髄由来の幹細胞を用いた臨床試験を行った。"},
			{ID: "ja#2", Lang: "ja", Text: "骨髄の細胞を数えた。"},
			{ID: "ja#3", Lang: "ja", Text: "プラセボ群と比べた。"},
		},
	}},
	"zh.txt": {{
		ID: "zh", Source: "zh.txt", Title: "报告", Lang: "zh",
		Sections: []corpus.Section{
			{ID: "zh#1", Lang: "zh", Text: "骨髓来源的干细胞临床试验。"},
			{ID: "zh#2", Lang: "zh", Text: "這是一項臨床試驗，使用安慰劑對照。"},
		},
	}},
}

// glossaryFixture is an engine over an in-memory index of glossaryCorpus.
var glossaryFixture fixture

// glossaryEngine returns an engine over an in-memory index of glossaryCorpus.
func glossaryEngine(t testing.TB) *Engine {
	t.Helper()
	return glossaryFixture.engine(t, "the glossary corpus", func() (*Engine, error) { return memEngine(glossaryCorpus) })
}

func TestGlossaryExpansion(t *testing.T) {
	e := glossaryEngine(t)
	tests := []struct {
		query   string
		literal []string // the hits that match the query as typed (or folded)
		also    []string // the hits found only through the glossary, scored below
	}{
		// Japanese to English and Chinese, either Chinese script.
		{"臨床試験", []string{"ja#1"}, []string{"en#1", "zh#1", "zh#2"}},
		// A two-word English term expands as a phrase: en#2 has both words, not the term.
		{"bone marrow", []string{"en#1", "en#2"}, []string{"ja#1", "ja#2", "zh#1"}},
		// A quoted phrase is searched as written while it finds anything.
		{`"bone marrow"`, []string{"en#1"}, nil},
		// Each word or term becomes (itself OR its equivalents); the AND stays: ja#2
		// names bone marrow and ja#3 placebo, but neither both, nor does zh#2.
		{"bone marrow placebo", []string{"en#1"}, nil},
		{"placebo bone marrow", []string{"en#1"}, nil},
		// "cell" is an everyday English word: it does not expand, nor do 細胞 and 细胞
		// expand to it.
		{"cells", []string{"en#1", "en#2", "en#3"}, nil},
		{"細胞", []string{"ja#1", "ja#2", "zh#1"}, nil},
		// Kanji and hanzi forms of one word find each other.
		{"幹細胞", []string{"ja#1", "zh#1"}, []string{"en#2"}},
		{"干细胞", []string{"zh#1"}, []string{"ja#1", "en#2"}},
		{"臨床試驗", []string{"zh#1", "zh#2"}, []string{"ja#1", "en#1"}},
		{"临床试验", []string{"zh#1", "zh#2"}, []string{"ja#1", "en#1"}},
		{"安慰剂", []string{"zh#2"}, []string{"en#1", "ja#3"}},
		// Excluded words are literal.
		{"placebo -骨髄", []string{"en#1"}, []string{"ja#3", "zh#2"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query})
			sorted := cmpopts.SortSlices(func(a, b string) bool { return a < b })
			got := hitIDs(resp)
			if diff := cmp.Diff(append(slices.Clone(tt.literal), tt.also...), got, sorted, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			// The best hit of each language comes first (promote): rank is no
			// measure, the score is.
			for _, h := range resp.Hits {
				if literal := slices.Contains(tt.literal, h.ID); literal != (h.Score >= conceptScore) {
					t.Errorf("%s scores %g: literal match %v, want scores of literal matches from %g, of translations below", h.ID, h.Score, literal, conceptScore)
				}
			}
		})
	}
}

// TestPhraseTranslation checks that a quoted phrase that finds nothing as written
// (here, in the language asked for) is searched in translation.
func TestPhraseTranslation(t *testing.T) {
	e := glossaryEngine(t)
	tests := []struct {
		query, lang string
		want        []string
	}{
		{`"bone marrow"`, "ja", []string{"ja#1", "ja#2"}},
		{`"bone marrow"`, "en", []string{"en#1"}},
		{`"bone marrow" placebo`, "ja", nil},
		{`"marrow of the hip"`, "ja", nil}, // no glossary term
	}
	for _, tt := range tests {
		t.Run(tt.query+" "+tt.lang, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query, Filters: map[corpus.Facet][]string{corpus.Lang: {tt.lang}}})
			if diff := cmp.Diff(tt.want, hitIDs(resp), cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			translated := slices.ContainsFunc(resp.Expanded, func(x Expansion) bool { return x.From == "bone marrow" })
			if want := tt.lang == "ja" && len(tt.want) > 0; translated != want {
				t.Errorf("expanded %v: bone marrow translated %v, want %v", resp.Expanded, translated, want)
			}
		})
	}
	// Not in translation when asked for the literal phrase.
	resp := mustSearch(t, e, Request{Query: `"bone marrow"`, Literal: true, Filters: map[corpus.Facet][]string{corpus.Lang: {"ja"}}})
	if resp.Total != 0 {
		t.Errorf("a literal search found %v", hitIDs(resp))
	}
}

func TestGlossaryExpansionLiteral(t *testing.T) {
	e := glossaryEngine(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"臨床試験", []string{"ja#1"}},
		{"bone marrow", []string{"en#1", "en#2"}},
		// Chinese text is folded to simplified characters, in the index and in the
		// query: either script finds both.
		{"临床试验", []string{"zh#1", "zh#2"}},
		{"臨床試驗", []string{"zh#1", "zh#2"}},
		// Japanese text is not folded: 幹細胞 is not 干细胞 in Japanese sections.
		{"干细胞", []string{"zh#1"}},
		// Nor is a query with kana: it is Japanese.
		{"幹細胞を", []string{"ja#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query, Literal: true})
			if diff := cmp.Diff(tt.want, hitIDs(resp), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if len(resp.Expanded) > 0 {
				t.Errorf("a literal search says it was expanded to %v", resp.Expanded)
			}
		})
	}
}

func TestExpandedTerms(t *testing.T) {
	e := glossaryEngine(t)
	tests := []struct {
		query string
		want  []Expansion
	}{
		{"臨床試験", []Expansion{
			{Term: "clinical study", Lang: "en", From: "臨床試験"},
			{Term: "clinical trial", Lang: "en", From: "臨床試験"},
			{Term: "临床研究", Lang: "zh", From: "臨床試験"},
			{Term: "临床试验", Lang: "zh", From: "臨床試験"},
		}},
		{"bone marrow placebo", []Expansion{
			{Term: "骨髄", Lang: "ja", From: "bone marrow"},
			{Term: "骨髓", Lang: "zh", From: "bone marrow"},
			{Term: "プラセボ", Lang: "ja", From: "placebo"},
			{Term: "偽薬", Lang: "ja", From: "placebo"},
			{Term: "安慰剂", Lang: "zh", From: "placebo"},
		}},
		{"cells", nil},
		{"placebo -骨髄", []Expansion{
			{Term: "プラセボ", Lang: "ja", From: "placebo"},
			{Term: "偽薬", Lang: "ja", From: "placebo"},
			{Term: "安慰剂", Lang: "zh", From: "placebo"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query})
			if diff := cmp.Diff(tt.want, resp.Expanded, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("expanded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExpansionCap checks that a term with many equivalents expands to at most
// maxExpansions of them, taken from every language.
func TestExpansionCap(t *testing.T) {
	e := glossaryEngine(t)
	resp := mustSearch(t, e, Request{Query: "diaphragm"}) // 11 forms in Japanese and Chinese
	if n := len(resp.Expanded); n == 0 || n > maxExpansions {
		t.Errorf("diaphragm expanded to %d terms, want 1 to %d: %v", n, maxExpansions, resp.Expanded)
	}
	langs := map[string]bool{}
	for _, x := range resp.Expanded {
		langs[x.Lang] = true
	}
	if !langs["ja"] || !langs["zh"] {
		t.Errorf("diaphragm expanded to %v, want Japanese and Chinese terms", resp.Expanded)
	}
}

func TestGlossaryHighlight(t *testing.T) {
	e := glossaryEngine(t)
	tests := []struct {
		query, id, want string
	}{
		{"臨床試験", "en#1", "A <mark>clinical trial</mark> of bone marrow cells against placebo."},
		{"bone marrow", "zh#1", "<mark>骨髓</mark>来源的干细胞临床试验。"},
		// Traditional text marked for a simplified query.
		{"临床试验", "zh#2", "這是一項<mark>臨床試驗</mark>，使用安慰劑對照。"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query})
			i := slices.IndexFunc(resp.Hits, func(h Hit) bool { return h.ID == tt.id })
			if i < 0 {
				t.Fatalf("no hit %s: %v", tt.id, hitIDs(resp))
			}
			if got := marked(resp.Hits[i].Snippet); got != tt.want {
				t.Errorf("snippet %s, want %s", got, tt.want)
			}
		})
	}
	// A document page marks traditional text for a simplified query too.
	if got := e.Matches("临床试验", "這是一項臨床試驗。"); len(got) != 1 {
		t.Errorf("Matches marks %v in traditional text, want the one term", got)
	}
}

// TestExpansionKeepsWeights checks that a word's literal matches score the same
// whether the word expands or not, against those of a word that does not: here
// teratoma expands (and names no concept) and hip does not, and the ratio of the
// scores of a section that says teratoma and one that says hip is the same with
// expansion and without.
func TestExpansionKeepsWeights(t *testing.T) {
	e := glossaryEngine(t)
	ratio := func(literal bool) float64 {
		resp := mustSearch(t, e, Request{Query: "teratoma OR hip", Literal: literal})
		scores := map[string]float64{}
		for _, h := range resp.Hits {
			scores[h.ID] = h.Score
		}
		if scores["en#4"] == 0 || scores["en#2"] == 0 {
			t.Fatalf("teratoma OR hip: hits %v, want en#4 and en#2", scores)
		}
		// Each holds one word as typed: the ratio of what they score besides its floor.
		return (scores["en#4"] - literalFloor) / (scores["en#2"] - literalFloor)
	}
	if expanded, literal := ratio(false), ratio(true); math.Abs(expanded/literal-1) > 1e-6 {
		t.Errorf("teratoma against hip: %g with expansion, %g without", expanded, literal)
	}
}

// TestExpansionKeepsLiteralScores checks that a section matched by the words as
// typed scores as it does without expansion, but for what translations and concepts
// add (below conceptScore a word): the expansions take no part in bleve's query norm,
// which would scale literal matches down the more the words expand.
func TestExpansionKeepsLiteralScores(t *testing.T) {
	e := glossaryEngine(t)
	for _, q := range []string{"clinical trial placebo", "bone marrow stem cells"} {
		expanded := mustSearch(t, e, Request{Query: q})
		literal := map[string]float64{}
		for _, h := range mustSearch(t, e, Request{Query: q, Literal: true}).Hits {
			literal[h.ID] = h.Score
		}
		if len(literal) == 0 {
			t.Fatalf("%s: no literal hits", q)
		}
		for _, h := range expanded.Hits {
			if want, ok := literal[h.ID]; ok && math.Abs(h.Score-want) > 4*conceptScore {
				t.Errorf("%s: %s scores %g expanded, %g as typed", q, h.ID, h.Score, want)
			}
		}
	}
}

// TestExpansionCoveredByConcept checks that a word naming a concept is not also
// searched as a translation that names the same concept (the concept's sections hold
// the sections that name it), though the translation is still listed as searched; and
// that the sections naming it in the other language are still found.
func TestExpansionCoveredByConcept(t *testing.T) {
	e := bundleEngine(t)
	_, c, err := e.compileQuery("间充质干细胞", compileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(c.expanded, func(x expansion) bool { return x.Term == "mesenchymal stem cell" }) {
		t.Errorf("间充质干细胞 expanded to %v, want mesenchymal stem cell among them", c.expanded)
	}
	var phrases []termPattern
	walkQuery(c.query, func(q query.Query) {
		if p, ok := q.(*phraseQuery); ok {
			phrases = append(phrases, p.pattern)
		}
	})
	for _, p := range phrases {
		if slices.ContainsFunc(p, func(alts []string) bool { return slices.Contains(alts, "mesenchym") }) {
			t.Errorf("间充质干细胞 searches the phrase %v, which its concept covers", p)
		}
	}
	resp := mustSearch(t, e, Request{Query: "间充质干细胞", Filters: map[corpus.Facet][]string{corpus.Lang: {"en"}}})
	if resp.Total == 0 {
		t.Error("间充质干细胞 finds no English section")
	}
}

// walkQuery calls f with q and every query inside it.
func walkQuery(q query.Query, f func(query.Query)) {
	f(q)
	switch q := q.(type) {
	case *query.ConjunctionQuery:
		for _, x := range q.Conjuncts {
			walkQuery(x, f)
		}
	case *query.DisjunctionQuery:
		for _, x := range q.Disjuncts {
			walkQuery(x, f)
		}
	case *squashQuery:
		walkQuery(q.inner, f)
	case *sumQuery:
		walkQuery(q.a, f)
		walkQuery(q.b, f)
	}
}

// TestFoldQuery checks which query text is also searched folded to simplified
// characters: Chinese, and text the glossary does not know, but not Japanese (kana, or
// a Japanese term of the glossary whose folded form is not one of its Chinese forms).
func TestFoldQuery(t *testing.T) {
	tests := []struct{ text, want string }{
		{"臨床試驗", "临床试验"},     // traditional Chinese
		{"幹細胞", "干细胞"},       // Japanese, and the traditional form of the Chinese
		{"脊髄損傷", "脊髄損傷"},     // Japanese: 脊髄损伤 is no Chinese
		{"間葉系幹細胞", "間葉系幹細胞"}, // Japanese: the Chinese is 间充质干细胞
		{"幹細胞を", "幹細胞を"},     // kana
		{"電腦", "电脑"},         // not in the glossary: either
		{"Muse", "Muse"},
	}
	for _, tt := range tests {
		if got := foldQuery(tt.text); got != tt.want {
			t.Errorf("foldQuery(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestUnsubsumed(t *testing.T) {
	tests := []struct{ eqs, want []glossary.Equivalent }{
		{
			[]glossary.Equivalent{{Text: "mesenchymal stem cell", Lang: "en"}, {Text: "mesenchymal stem cell MSC", Lang: "en"}},
			[]glossary.Equivalent{{Text: "mesenchymal stem cell", Lang: "en"}},
		},
		{ // English terms hold others as words only: "cells" is no "cell"
			[]glossary.Equivalent{{Text: "cells", Lang: "en"}, {Text: "cell", Lang: "en"}},
			[]glossary.Equivalent{{Text: "cells", Lang: "en"}, {Text: "cell", Lang: "en"}},
		},
		{
			[]glossary.Equivalent{{Text: "干细胞", Lang: "zh"}, {Text: "间充质干细胞", Lang: "zh"}, {Text: "细胞", Lang: "zh"}},
			[]glossary.Equivalent{{Text: "细胞", Lang: "zh"}},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, unsubsumed(tt.eqs)); diff != "" {
			t.Errorf("unsubsumed(%v) (-want +got):\n%s", tt.eqs, diff)
		}
	}
}

// TestGlossaryCompound checks a word that holds several glossary terms: it also
// matches the conjunction of their translations, and a word whose terms have none
// (everyday English words) is not loosened into its parts apart.
func TestGlossaryCompound(t *testing.T) {
	e := glossaryEngine(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"骨髄臨床試験", []string{"zh#1", "en#1"}}, // bone marrow and clinical trial, each in translation
		{"cells-counted", []string{}},        // not "cells" and "counted" apart (en#3)
	}
	for _, tt := range tests {
		resp := mustSearch(t, e, Request{Query: tt.query})
		if diff := cmp.Diff(tt.want, hitIDs(resp), cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: hits (-want +got):\n%s", tt.query, diff)
		}
	}
}

// TestJapaneseWrittenAsChinese checks that a Japanese translation written as a
// Chinese one (patients: 患者) is listed in both languages but searched once, in the
// fields that hold every language, and that it still finds the Japanese sections.
func TestJapaneseWrittenAsChinese(t *testing.T) {
	e := bundleEngine(t)
	_, c, err := e.compileQuery("patients", compileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ja", "zh"} {
		if !slices.ContainsFunc(c.expanded, func(x expansion) bool { return x.Term == "患者" && x.Lang == lang }) {
			t.Errorf("patients expanded to %v, want 患者 in %s among them", c.expanded, lang)
		}
	}
	searched := map[string]int{}
	walkQuery(c.query, func(q query.Query) {
		if q, ok := q.(*query.TermQuery); ok && q.Term == "患者" {
			searched[q.FieldVal]++
		}
	})
	if diff := cmp.Diff(map[string]int{"heading_std": 1, "body_std": 1}, searched); diff != "" {
		t.Errorf("fields searched for 患者 (-want +got):\n%s", diff)
	}
	resp := mustSearch(t, e, Request{Query: "patients", Filters: map[corpus.Facet][]string{corpus.Lang: {"ja"}}})
	if resp.Total == 0 {
		t.Error("patients finds no Japanese section")
	}
}
