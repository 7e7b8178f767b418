package pubmed

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus/article"
	"musesearch/corpus/article/articletest"
)

// TestParseXML reads a PubMed XML export of three records: a structured abstract,
// an unstructured one, and an article in Japanese with its vernacular title and
// Japanese abstract.
func TestParseXML(t *testing.T) {
	arts, err := ParseXML(articletest.Fixture(t, "trials.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 3 {
		t.Fatalf("%d articles, want 3", len(arts))
	}
	rct := arts[0]
	if rct.Title != "Intravenous Muse cells for subacute ischemic stroke: a randomized, double-blind, placebo-controlled phase 2 trial" {
		t.Errorf("title %q", rct.Title)
	}
	wantMeta := article.Meta{
		Authors: []string{"Tanaka H", "Suzuki A", "Muse Stroke Trial Group"},
		Affiliations: []string{
			"Department of Neurosurgery, Example University Graduate School of Medicine, Sendai, Japan.",
			"Department of Stem Cell Biology, Example University, Sendai, Japan.",
		},
		Journal: "Cell transplantation", Year: 2024, Date: "2024-01-15",
		DOI: "10.5555/ms.2024.0001", PMID: "39000001",
	}
	if diff := cmp.Diff(wantMeta, rct.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if got, want := articletest.Headings(rct), []string{"Background", "Methods", "Results", "Conclusions", "Clinical trial registration", "Keywords"}; !slices.Equal(got, want) {
		t.Errorf("headings %q, want %q", got, want)
	}
	if !strings.Contains(rct.Blocks[3].Text, "1.5 × 10^7 Muse cells") {
		t.Errorf("methods %q: the exponent is lost", rct.Blocks[3].Text)
	}
	wantStated := article.Stated{
		Phases: []string{"phase-2"}, Designs: []string{"rct"},
		// Major topics only: "Diabetes Mellitus" is indexed but not a major topic.
		Conditions:    []string{"Ischemic Stroke", "Stem Cell Transplantation"},
		Interventions: []string{"Ischemic Stroke", "Stem Cell Transplantation"},
	}
	if diff := cmp.Diff(wantStated, rct.Stated); diff != "" {
		t.Errorf("stated (-want +got):\n%s", diff)
	}
	review := arts[1]
	if review.Meta.Date != "2023-07" || !slices.Equal(review.Stated.Designs, []string{"review"}) || review.Stated.Phases != nil {
		t.Errorf("review: date %q, stated %+v", review.Meta.Date, review.Stated)
	}
	ja := arts[2]
	if ja.Title != "Regenerative therapy for spinal cord injury with Muse cells" || ja.Blocks[0].Text != "Muse細胞による脊髄損傷の再生医療" {
		t.Errorf("translated title %q, vernacular %q", ja.Title, ja.Blocks[0].Text)
	}
	if got := articletest.Headings(ja); !slices.Contains(got, "抄録") {
		t.Errorf("headings %q: the Japanese abstract is missing", got)
	}
}

// TestParseMEDLINE reads the same kind of records in the MEDLINE format: wrapped
// fields, a structured abstract on one line, major topics starred.
func TestParseMEDLINE(t *testing.T) {
	arts, err := ParseMEDLINE(string(articletest.Fixture(t, "msc.nbib")))
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 {
		t.Fatalf("%d articles, want 2", len(arts))
	}
	a := arts[0]
	if a.Title != "Umbilical cord mesenchymal stromal cells for knee osteoarthritis: a phase I/II open-label dose-escalation study" {
		t.Errorf("title %q", a.Title)
	}
	wantMeta := article.Meta{
		Authors:      []string{"Chen W", "Li N"},
		Affiliations: []string{"Department of Orthopaedics, Example Medical University, Shanghai, China."},
		Journal:      "Stem cell research & therapy", Year: 2024, Date: "2024-03-12",
		DOI: "10.5555/sctr.2024.088", PMID: "39000011",
	}
	if diff := cmp.Diff(wantMeta, a.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if got, want := articletest.Headings(a), []string{"Background", "Methods", "Results", "Conclusions", "Trial registration", "Keywords"}; !slices.Equal(got, want) {
		t.Errorf("headings %q, want %q", got, want)
	}
	wantStated := article.Stated{
		Phases:        []string{"phase-1", "phase-2"},
		Conditions:    []string{"Osteoarthritis, Knee", "Mesenchymal Stem Cell Transplantation"},
		Interventions: []string{"Osteoarthritis, Knee", "Mesenchymal Stem Cell Transplantation"},
	}
	if diff := cmp.Diff(wantStated, a.Stated); diff != "" {
		t.Errorf("stated (-want +got):\n%s", diff)
	}
	// A systematic review is typed Review too: the systematic review wins.
	if got := arts[1].Stated.Designs; !slices.Equal(got, []string{"systematic-review"}) {
		t.Errorf("designs %q", got)
	}
	if !IsMEDLINE("\uFEFF\nPMID- 1\n") || IsMEDLINE("PMIDs are numbers") {
		t.Error("IsMEDLINE")
	}
}

// TestEntities checks that XML entities a document declares are never expanded:
// neither an entity bomb nor an external file.
func TestEntities(t *testing.T) {
	for _, doc := range []string{
		`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><PubmedArticleSet><PubmedArticle><MedlineCitation><Article><ArticleTitle>&b;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>`,
		`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]><PubmedArticleSet><PubmedArticle><MedlineCitation><Article><ArticleTitle>&e;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>`,
	} {
		arts, err := ParseXML([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "does not define") {
			t.Errorf("ParseXML = %+v, %v; want the entity refused", arts, err)
		}
	}
}

func FuzzParseXML(f *testing.F) {
	f.Add(articletest.Fixture(f, "trials.xml"))
	f.Add([]byte(`<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>T<i>x</i></ArticleTitle><Abstract><AbstractText Label="A">b</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		arts, err := ParseXML(data)
		if err == nil && len(arts) == 0 {
			t.Fatal("no article and no error")
		}
	})
}

func FuzzParseMEDLINE(f *testing.F) {
	f.Add(string(articletest.Fixture(f, "msc.nbib")))
	f.Add("PMID- 1\nTI  - T\nAB  - BACKGROUND: a. METHODS: b.\nMH  - *X/y\nDP  - 2020 Jan 5\n\nPMID- 2\n")
	f.Fuzz(func(t *testing.T, text string) {
		arts, err := ParseMEDLINE(text)
		if err == nil && len(arts) == 0 {
			t.Fatal("no article and no error")
		}
		for _, a := range arts {
			if a.Meta.PMID == "" {
				t.Fatalf("an article without PMID: %+v", a)
			}
		}
	})
}
