package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
)

// abstractMeta is what the bundle's abstract (004: affiliations, then a citation
// line, then the text, no title) says of itself.
var abstractMeta = corpus.Meta{
	Affiliations: []string{
		"Department of Neurology, Okayama University Graduate School of Medicine, Dentistry and Pharmaceutical Sciences, Okayama, Japan",
		"Department of Neurology, National Center of Neurology and Psychiatry, Tokyo, Japan",
	},
	Journal: "Cell Transplant", Year: 2023, Date: "2023", DOI: "10.1177/09636897231214370", TitleDerived: true,
}

// TestAPIMeta checks that hits and documents carry the document's metadata.
func TestAPIMeta(t *testing.T) {
	ts, _ := newTestServer(t)
	_, body := get(t, ts, "/api/search?q=CL2020&lang=zh&size=1")
	var resp struct {
		Hits []struct {
			DocID string      `json:"doc_id"`
			Meta  corpus.Meta `json:"meta"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || len(resp.Hits) != 1 {
		t.Fatalf("search: %v, %s", err, body)
	}
	if diff := cmp.Diff(abstractMeta, resp.Hits[0].Meta); diff != "" {
		t.Errorf("hit meta (-want +got):\n%s", diff)
	}
	res, body := get(t, ts, "/api/documents/"+resp.Hits[0].DocID)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("document: status %d", res.StatusCode)
	}
	var doc struct {
		Meta corpus.Meta `json:"meta"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(abstractMeta, doc.Meta); diff != "" {
		t.Errorf("document meta (-want +got):\n%s", diff)
	}
	// Field names exactly as the contract gives them.
	for _, k := range []string{`"affiliations":`, `"journal":"Cell Transplant"`, `"year":2023`, `"doi":"10.1177/09636897231214370"`, `"title_derived":true`} {
		if !strings.Contains(body, k) {
			t.Errorf("document JSON lacks %s", k)
		}
	}
}

// TestAPIYears checks the year filters end to end: every hit of the years asked for,
// facet counts still disjunctive within a facet.
func TestAPIYears(t *testing.T) {
	ts, _ := newTestServer(t)
	type answer struct {
		Total int `json:"total"`
		Hits  []struct {
			Date string      `json:"date"`
			Meta corpus.Meta `json:"meta"`
		} `json:"hits"`
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	ask := func(q string) answer {
		t.Helper()
		res, body := get(t, ts, "/api/search?"+q)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", q, res.StatusCode, body)
		}
		var a answer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	all := ask("q=ALS&size=100")
	within := ask("q=ALS&size=100&year_from=2021&year_to=2024")
	if within.Total == 0 || within.Total >= all.Total {
		t.Fatalf("ALS in 2021–2024: %d hits of %d, want some but not all", within.Total, all.Total)
	}
	for _, h := range within.Hits {
		if h.Meta.Year < 2021 || h.Meta.Year > 2024 {
			t.Errorf("hit of %q (meta year %d) outside 2021–2024", h.Date, h.Meta.Year)
		}
	}
	// Selecting a language leaves the other languages' counts as they were within the
	// years: the counts are disjunctive within a facet, conjunctive with the years.
	selected := ask("q=ALS&size=0&year_from=2021&year_to=2024&lang=zh")
	if diff := cmp.Diff(within.Facets["lang"], selected.Facets["lang"]); diff != "" {
		t.Errorf("lang counts with lang=zh selected (-without +with):\n%s", diff)
	}
	if got := ask("q=ALS&size=0&year_from=2099").Total; got != 0 {
		t.Errorf("ALS from 2099: %d hits, want none", got)
	}
}

// TestPageMeta checks the metadata on a result and on the document page: the
// citation with its DOI link, and a note on a title made from the text.
func TestPageMeta(t *testing.T) {
	ts, _ := newTestServer(t)
	page := getHTML(t, ts, "/search?q=CL2020&lang=zh&year_from=2023&year_to=2023")
	cite := findOne(t, page, sel("p", ".hit-cite"), "the hit's citation")
	if got := textOf(cite); got != "Cell Transplant 2023 doi:10.1177/09636897231214370" {
		t.Errorf("citation %q", got)
	}
	doi := findOne(t, cite, sel("a", ".cite-doi"), "DOI link")
	if attr(doi, "href") != "https://doi.org/10.1177/09636897231214370" {
		t.Errorf("DOI link %q", attr(doi, "href"))
	}
	for name, want := range map[string]string{"year-from": "2023", "year-to": "2023"} {
		if got := attr(findOne(t, page, sel("input", "id="+name), name), "value"); got != want {
			t.Errorf("%s box holds %q, want %q", name, got, want)
		}
	}
	link := attr(findOne(t, page, sel("a", ".hit-link"), "the hit's link"), "href")
	if !strings.Contains(link, "year_from=2023") {
		t.Errorf("the document link %q forgets the years", link)
	}
	doc := getHTML(t, ts, strings.SplitN(link, "#", 2)[0])
	findOne(t, doc, sel("p", ".title-derived"), "note on the derived title")
	if got := attr(findOne(t, doc, sel("a", ".cite-doi"), "DOI link"), "href"); got != "https://doi.org/10.1177/09636897231214370" {
		t.Errorf("document DOI link %q", got)
	}
	// The year boxes reject a bad year with the reason, on the page too.
	res, body := get(t, ts, "/search?q=ALS&year_from=2024&year_to=2020")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "give the earlier year first") {
		t.Errorf("bad years on the page: status %d, body lacks the reason", res.StatusCode)
	}
}

func TestCiteAuthors(t *testing.T) {
	tests := []struct {
		lang    string
		authors []string
		want    string
	}{
		{"en", nil, ""},
		{"en", []string{"Dezawa M"}, "Dezawa M"},
		{"en", []string{"Dezawa M", "Abe K", "Yamashita T"}, "Dezawa M, et al."},
		{"ja", []string{"出澤真理", "阿部康二"}, "出澤真理 ほか"},
		{"zh", []string{"Dezawa M", "Abe K"}, "Dezawa M 等"},
	}
	for _, tt := range tests {
		p := page{locale: locales[tt.lang]}
		c := p.byline(corpus.Meta{Authors: tt.authors})
		if c.Authors != tt.want {
			t.Errorf("%s %q: %q, want %q", tt.lang, tt.authors, c.Authors, tt.want)
		}
		if c.AllAuthors != strings.Join(tt.authors, ", ") {
			t.Errorf("all authors %q", c.AllAuthors)
		}
	}
	c := page{locale: locales["en"]}.byline(corpus.Meta{PMID: "37987206"})
	if c.PMIDURL != "https://pubmed.ncbi.nlm.nih.gov/37987206/" || !c.Any() {
		t.Errorf("PMID link %q", c.PMIDURL)
	}
}

// TestContentsOnce checks that a heading the corpus split into two sections (the
// press release's long ＜研究成果の内容＞) shows once in the contents, linking to
// its first half, while both halves stay on the page.
func TestContentsOnce(t *testing.T) {
	ts, _ := newTestServer(t)
	hit := firstHit(t, "ナノランタン")
	doc := getHTML(t, ts, "/doc/"+hit.DocID)
	var shownAt, hiddenAt []string
	for _, li := range findAll(findOne(t, doc, sel("nav", ".toc"), "contents"), sel("li")) {
		if textOf(li) != "＜研究成果の内容＞" {
			continue
		}
		href := attr(findOne(t, li, sel("a"), "entry link"), "href")
		if _, hidden := attrOf(li, "hidden"); hidden {
			hiddenAt = append(hiddenAt, href)
		} else {
			shownAt = append(shownAt, href)
		}
	}
	// The second half keeps a hidden entry: the script finds a section's part there.
	if len(shownAt) != 1 || len(hiddenAt) != 1 {
		t.Errorf("the contents show ＜研究成果の内容＞ at %q and hide it at %q, want one of each", shownAt, hiddenAt)
	}
	shown := 0
	for _, h := range findAll(doc, sel("h2")) {
		if strings.HasPrefix(textOf(h), "＜研究成果の内容＞") {
			shown++
		}
	}
	if shown != 2 {
		t.Errorf("the page shows ＜研究成果の内容＞ over %d sections, want 2", shown)
	}
}

// TestCiteYearAlone checks that a result whose metadata gives only a year (the
// press release's, from its date line) shows no citation line: its date says it.
func TestCiteYearAlone(t *testing.T) {
	ts, _ := newTestServer(t)
	page := getHTML(t, ts, "/search?q=ナノランタン")
	if n := len(findAll(page, sel("p", ".hit-cite"))); n != 0 {
		t.Errorf("%d citation lines for hits that have only a date", n)
	}
}
