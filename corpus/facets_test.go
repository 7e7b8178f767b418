package corpus

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// facetCase is one case of testdata/facets/cases.json: either a passage (headings and
// text) with the facets it must give, or a query with the concepts it must name, as
// "facet:id" in order of first mention.
type facetCase struct {
	Name     string   `json:"name"`
	Headings []string `json:"headings"`
	Text     string   `json:"text"`
	Want     Facets   `json:"want"`
	Query    string   `json:"query"`
	Concepts []string `json:"concepts"`
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "facets", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestExtractFacetsCases(t *testing.T) {
	var cases []facetCase
	readJSON(t, "cases.json", &cases)
	passages := 0
	for _, c := range cases {
		if c.Query != "" {
			continue
		}
		passages++
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel() // ExtractFacets is called concurrently by the indexer
			got := ExtractFacets(c.Headings, c.Text)
			if diff := cmp.Diff(c.Want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ExtractFacets(%q, %q) mismatch (-want +got):\n%s", c.Headings, c.Text, diff)
			}
		})
	}
	if passages < 100 {
		t.Errorf("cases.json has %d passage cases, want at least 100", passages)
	}
}

func TestConceptsInCases(t *testing.T) {
	var cases []facetCase
	readJSON(t, "cases.json", &cases)
	for _, c := range cases {
		if c.Query == "" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			var got []string
			for _, concept := range ConceptsIn(c.Query) {
				got = append(got, string(concept.Facet)+":"+concept.ID)
			}
			if diff := cmp.Diff(c.Concepts, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ConceptsIn(%q) mismatch (-want +got):\n%s", c.Query, diff)
			}
		})
	}
}

// promisedIDs are facet ids that URLs, the JSON API and saved searches use: they
// must stay in the vocabulary.
var promisedIDs = map[Facet][]string{
	Indication: {"als", "stroke", "spinal-cord-injury", "myocardial-infarction", "heart-failure",
		"epidermolysis-bullosa", "hypoxic-ischemic-encephalopathy", "ards", "multiple-sclerosis",
		"parkinsons-disease", "osteoarthritis", "rheumatoid-arthritis", "lupus", "systemic-sclerosis",
		"ankylosing-spondylitis", "osteoporosis", "inflammatory-myopathy", "radiation-injury",
		"liver-disease", "kidney-disease", "diabetes", "skin-wound"},
	CellType: {"muse", "msc", "ipsc", "esc", "hsc", "exosome"},
	Design: {"rct", "non-randomized", "observational", "systematic-review", "review", "preclinical",
		"in-vitro", "case-report"},
	Phase: {"early-phase-1", "phase-1", "phase-2", "phase-3", "phase-4"},
	Lang:  {"en", "ja", "zh"},
}

func TestVocabulary(t *testing.T) {
	v, err := parseVocabulary(vocabularyJSON)
	if err != nil {
		t.Fatalf("embedded vocabulary.json: %v", err)
	}
	for f, ids := range promisedIDs {
		for _, id := range ids {
			if _, ok := LookupConcept(f, id); !ok {
				t.Errorf("promised id %s %q is missing from the vocabulary", f, id)
			}
		}
	}
	owner := make(map[string]string)
	for _, c := range v.concepts {
		for _, lang := range Languages {
			if c.Labels[lang] == "" {
				t.Errorf("%s %q has no %s label", c.Facet, c.ID, lang)
			}
		}
		if c.Facet != Lang && c.Facet != Phase && len(c.Terms) == 0 {
			t.Errorf("%s %q has no terms: nothing can name it", c.Facet, c.ID)
		}
		for _, term := range c.Terms {
			key := string(c.Facet) + "\x00" + Fold(term)
			if other, ok := owner[key]; ok && other != c.ID {
				t.Errorf("term %q names both %s %q and %q", term, c.Facet, other, c.ID)
			}
			owner[key] = c.ID
		}
	}
	if got := Concepts(Lang); len(got) != 3 || got[0].Labels["ja"] != "英語" {
		t.Errorf("Concepts(Lang) = %v, want en, ja, zh with labels", got)
	}
	// Every concept must be found by the labels-free vocabulary it carries: each term
	// on its own names its concept (no term is shadowed or unmatchable).
	for _, c := range v.concepts {
		for _, term := range c.Terms {
			if !slices.ContainsFunc(ConceptsIn(term), func(got Concept) bool {
				return got.Facet == c.Facet && got.ID == c.ID
			}) {
				t.Errorf("term %q does not name %s %q on its own", term, c.Facet, c.ID)
			}
		}
	}
}

func TestParseVocabularyRejects(t *testing.T) {
	concept := func(facet, id, extra string) string {
		return `{"facet": "` + facet + `", "id": "` + id + `", "labels": {"en": "A", "ja": "A", "zh": "A"}` + extra + `}`
	}
	phases := concept("phase", "early-phase-1", "") + "," + concept("phase", "phase-1", "") + "," +
		concept("phase", "phase-2", "") + "," + concept("phase", "phase-3", "") + "," + concept("phase", "phase-4", "")
	file := func(concepts ...string) string {
		return `{"concepts": [` + strings.Join(append(concepts, phases), ",") + `]}`
	}
	tests := []struct {
		name, data, want string
	}{
		{"not json", `{"concepts": [`, "not a valid vocabulary file"},
		{"unknown field", `{"concept": []}`, "unknown field"},
		{"unknown facet", file(concept("disease", "als", "")), "unknown facet"},
		{"bad id", file(concept("indication", "ALS", "")), "not lower-case"},
		{"duplicate id", file(concept("indication", "als", ""), concept("indication", "als", "")), "defined twice"},
		{"missing label", file(`{"facet": "indication", "id": "als", "labels": {"en": "ALS", "ja": "ALS"}}`), "no zh label"},
		{"term of two concepts", file(concept("indication", "a", `, "terms": ["sclerosis"]`), concept("indication", "b", `, "terms": ["Sclerosis"]`)), "also names"},
		{"abbreviation in kana", file(concept("indication", "a", `, "abbreviations": ["エー"]`)), "does not begin with a letter"},
		{"empty term", file(concept("indication", "a", `, "terms": [" - "]`)), "empty term"},
		{"language with terms", file(concept("lang", "en", `, "terms": ["English"]`)), "languages are detected"},
		{"exclusion without term", file(concept("indication", "a", `, "terms": ["stroke"], "exclude": ["heat wave"]`)), "holds none"},
		{"cue that is a term", `{"design_cues": {"negation": ["placebo"]}, "concepts": [` + concept("design", "rct", `, "terms": ["placebo"]`) + "," + phases + `]}`, "also a term"},
		{"missing phase", `{"concepts": []}`, "phase \"early-phase-1\" is missing"},
		{"missing language", `{"concepts": [` + phases + "," + concept("lang", "en", "") + "," + concept("lang", "ja", "") + `]}`, "language \"zh\" is missing"},
		{"subsumes unknown", file(concept("design", "rct", `, "terms": ["randomized"], "subsumes": ["cohort"]`)), "not another design"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseVocabulary([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseVocabulary() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// labelledSection is one hand-labelled passage of testdata/facets/labelled.json.
type labelledSection struct {
	Name     string   `json:"name"`
	Lang     string   `json:"lang"`
	Headings []string `json:"headings"`
	Text     string   `json:"text"`
	Facets   Facets   `json:"facets"`
}

// minPrecisionRecall is the least precision and recall every facet must reach on the
// hand-labelled sections.
const minPrecisionRecall = 0.9

// TestFacetPrecisionRecall measures extraction against hand-labelled sections,
// micro-averaged over the values of each facet. It prints its table to stdout, which
// `go test` shows when run in the package directory (cd corpus && go test) or with -v.
func TestFacetPrecisionRecall(t *testing.T) {
	var sections []labelledSection
	readJSON(t, "labelled.json", &sections)
	perLang := make(map[string]int)
	score := facetScore{}
	for _, s := range sections {
		perLang[s.Lang]++
		score.add(t, s.Name, ExtractFacets(s.Headings, s.Text), s.Facets)
	}
	for _, lang := range Languages {
		if perLang[lang] < 15 {
			t.Errorf("labelled.json has %d %s sections, want at least 15", perLang[lang], lang)
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "facet precision/recall on %d hand-labelled sections (testdata/facets/labelled.json):\n", len(sections))
	score.report(t, &table, minPrecisionRecall)
	fmt.Print(table.String())
}

// facetScore counts, for each content facet, the values found that the labels give
// (tp), found that they do not (fp) and missed (fn).
type facetScore map[Facet]*struct{ tp, fp, fn int }

// add counts the values found, got, of the text named name against its labels, want.
func (s facetScore) add(t *testing.T, name string, got, want Facets) {
	t.Helper()
	for _, f := range ContentFacets {
		c := s[f]
		if c == nil {
			c = &struct{ tp, fp, fn int }{}
			s[f] = c
		}
		for _, id := range got[f] {
			if slices.Contains(want[f], id) {
				c.tp++
			} else {
				c.fp++
				t.Logf("%s: extra %s %q", name, f, id)
			}
		}
		for _, id := range want[f] {
			if _, ok := LookupConcept(f, id); !ok {
				t.Errorf("%s: label %s %q is not in the vocabulary", name, f, id)
			}
			if !slices.Contains(got[f], id) {
				c.fn++
				t.Logf("%s: missed %s %q", name, f, id)
			}
		}
	}
}

// report writes the precision and recall of each facet to w, and fails the test for a
// facet below least in either.
func (s facetScore) report(t *testing.T, w io.Writer, least float64) {
	t.Helper()
	fmt.Fprintf(w, "  %-11s %9s %9s %5s %5s %5s\n", "facet", "precision", "recall", "tp", "fp", "fn")
	for _, f := range ContentFacets {
		c := s[f]
		if c == nil {
			c = &struct{ tp, fp, fn int }{}
		}
		p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
		fmt.Fprintf(w, "  %-11s %9.3f %9.3f %5d %5d %5d\n", f, p, r, c.tp, c.fp, c.fn)
		if p < least || r < least {
			t.Errorf("facet %s: precision %.3f, recall %.3f; want both at least %.2f", f, p, r, least)
		}
	}
}

// ratio is n/d, or 1 when there is nothing to count.
func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// benchmarkPassage is about 2 KB of mixed running text (English, Japanese, Chinese), the
// size of a typical section.
const benchmarkPassage = `Amyotrophic lateral sclerosis (ALS) is characterised by progressive loss of motor neurons. ` +
	`Mesenchymal stem cells (MSCs) and Muse cells were compared in a randomised, double-blind, placebo-controlled ` +
	`phase II trial at three centres. Twenty-four patients received 1.5 x 10^7 cells intravenously every month; ` +
	`the primary endpoint was the ALSFRS-R slope at 12 months, and secondary endpoints included forced vital ` +
	`capacity and serum neurofilament light chain. In the acute phase after each infusion, transient fever occurred ` +
	`in two patients. Earlier, in a mouse model of ALS, intravenous cells homed to the spinal cord and reduced ` +
	`motor neuron loss. A larger phase 3 study is planned. ` +
	`筋萎縮性側索硬化症（ALS）モデルマウスにヒト骨髄由来Muse細胞を経静脈的に投与すると、運動機能の低下が抑制された。` +
	`今後、プラセボ対照の第II相試験を行う予定である。` +
	`我们进行了一项单中心开放的 II 期临床试验，以评估重复静脉注射同种异体 Muse 细胞产品在 ALS 患者中的安全性。` +
	`间充质干细胞来源的外泌体在大鼠脊髓损伤模型中也显示出神经保护作用。` +
	`Safety was the primary outcome: no infusion reactions, tumours or clinically relevant anti-HLA antibodies ` +
	`were seen over 52 weeks, and liver and kidney function stayed within normal limits. Exploratory analyses ` +
	`compared responders with non-responders by baseline disease duration, riluzole use and bulbar onset; none ` +
	`predicted response. The cell product was manufactured under GMP from a single healthy donor, expanded for ` +
	`five passages, cryopreserved and thawed at the bedside, with viability above 90% before every infusion. ` +
	`Two earlier open-label studies, one in stroke and one in epidermolysis bullosa, had used the same lot release ` +
	`criteria, which allowed the investigators to pool their safety data with the present cohort. ` +
	`本試験では重篤な有害事象は認められず、腫瘍形成も観察されなかった。`

func BenchmarkExtractFacets(b *testing.B) {
	headings := []string{"Neurology", "Phase 1 open-label multicenter"}
	ExtractFacets(headings, benchmarkPassage) // load the vocabulary outside the timing
	b.SetBytes(int64(len(benchmarkPassage)))
	for b.Loop() {
		ExtractFacets(headings, benchmarkPassage)
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		f        Facet
		id, lang string
		want     string
	}{
		{Lang, "ja", "en", "Japanese"},
		{Lang, "ja", "ja", "日本語"},
		{Lang, "zh", "zh", "中文"},
		{Indication, "als", "ja", "筋萎縮性側索硬化症（ALS）"},
		{Indication, "als", "fr", "ALS"}, // no French label: the English one
		{Indication, "no-such-disease", "en", "no-such-disease"},
		{Phase, "als", "en", "als"}, // an id of another facet
	}
	for _, tt := range tests {
		if got := Label(tt.f, tt.id, tt.lang); got != tt.want {
			t.Errorf("Label(%s, %q, %q) = %q, want %q", tt.f, tt.id, tt.lang, got, tt.want)
		}
	}
}

// TestConceptOrder sorts every facet's ids, shuffled, with an unknown one, back into
// the display order of Concepts.
func TestConceptOrder(t *testing.T) {
	for _, f := range append(slices.Clone(ContentFacets), Lang) {
		var want []string
		for _, c := range Concepts(f) {
			want = append(want, c.ID)
		}
		want = append(want, "unknown")
		got := slices.Clone(want)
		slices.Reverse(got)
		slices.SortStableFunc(got, func(a, b string) int { return ConceptOrder(f, a) - ConceptOrder(f, b) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s sorted by ConceptOrder (-want +got):\n%s", f, diff)
		}
	}
}
