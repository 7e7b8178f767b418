package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
)

// TestCitationFormats checks the three formats of a citation with every field known,
// as a document with its bibliographic metadata gives them.
func TestCitationFormats(t *testing.T) {
	c := citation{ID: "004_6bdb0a530be4535a", Title: "Muse cells for ALS: {a} 100% trial",
		Authors: []string{"Yamashita T", "Kushida Y", "Wakao S", "Tadokoro K", "Nomura E", "Omote Y", "Takemoto M"},
		Journal: "Cell Transplant", Date: "2023-11-05", DOI: "10.1177/09636897231214370", PMID: "38014622",
		RegistryIDs: []string{"jRCT2063200047"}, Lang: "en", URL: "https://search.example.org/doc/004_6bdb0a530be4535a"}
	if got, want := c.text(), "Yamashita T, Kushida Y, Wakao S, Tadokoro K, Nomura E, Omote Y, et al. Muse cells for ALS: {a} 100% trial. "+
		"Cell Transplant. 2023. doi:10.1177/09636897231214370. PMID: 38014622. Available from: https://search.example.org/doc/004_6bdb0a530be4535a"; got != want {
		t.Errorf("text:\n got %s\nwant %s", got, want)
	}
	ris := c.ris()
	for _, line := range []string{"TY  - JOUR\r\n", "AU  - Takemoto M\r\n", "JO  - Cell Transplant\r\n", "PY  - 2023\r\n", "DA  - 2023/11/05/\r\n",
		"DO  - 10.1177/09636897231214370\r\n", "AN  - PMID:38014622\r\n", "N1  - Trial registration: jRCT2063200047\r\n", "UR  - https://search.example.org/doc/004_6bdb0a530be4535a\r\n"} {
		if !strings.Contains(ris, line) {
			t.Errorf("RIS lacks %q:\n%s", line, ris)
		}
	}
	if !strings.HasPrefix(ris, "TY  - ") || !strings.HasSuffix(ris, "ER  - \r\n") {
		t.Errorf("RIS is not one record:\n%s", ris)
	}
	bib := c.bibtex()
	for _, want := range []string{"@article{004_6bdb0a530be4535a,\n", `title = {Muse cells for ALS: \{a\} 100\% trial},`,
		"author = {Yamashita T and Kushida Y and", "journal = {Cell Transplant},", "year = {2023},", "doi = {10.1177/09636897231214370},"} {
		if !strings.Contains(bib, want) {
			t.Errorf("BibTeX lacks %q:\n%s", want, bib)
		}
	}
	// What is unknown is left out, not written empty.
	bare := citation{ID: "a b", Title: "Notes", URL: "http://localhost/doc/a%20b"}
	if got := bare.text(); got != "Notes. Available from: http://localhost/doc/a%20b" {
		t.Errorf("text of a bare citation: %q", got)
	}
	if ris := bare.ris(); strings.Contains(ris, "PY  -") || !strings.HasPrefix(ris, "TY  - ELEC") {
		t.Errorf("RIS of a bare citation:\n%s", ris)
	}
	if bib := bare.bibtex(); !strings.HasPrefix(bib, "@misc{a_b,") || strings.Contains(bib, "year") {
		t.Errorf("BibTeX of a bare citation:\n%s", bib)
	}
}

// TestCitationOf checks that a document's citation takes what its metadata gives.
func TestCitationOf(t *testing.T) {
	doc := &corpus.Document{ID: "008_pubmed_cl2020_stroke", Title: "Muse cells in stroke", Date: "2024", Lang: "en",
		Meta: corpus.Meta{Authors: []string{"Niizuma K"}, Journal: "Stroke", Year: 2024, Date: "2024-03", DOI: "10.1161/x", PMID: "123",
			RegistryIDs: []string{"JapicCTI-184103"}}}
	want := citation{ID: doc.ID, Title: doc.Title, Authors: []string{"Niizuma K"}, Journal: "Stroke", Date: "2024-03", DOI: "10.1161/x",
		PMID: "123", RegistryIDs: []string{"JapicCTI-184103"}, Lang: "en", URL: "https://s.example/doc/008_pubmed_cl2020_stroke"}
	if diff := cmp.Diff(want, citationOf(doc, "https://s.example")); diff != "" {
		t.Errorf("citation (-want +got):\n%s", diff)
	}
	if got := citationOf(&corpus.Document{ID: "a", Meta: corpus.Meta{Year: 2019}}, "").Date; got != "2019" {
		t.Errorf("a document with only a year of publication is dated %q", got)
	}
}

// TestAPICite checks GET /api/documents/{doc_id}/cite on a document of the bundle.
func TestAPICite(t *testing.T) {
	ts := newPublicServer(t, "https://search.example.org/")
	const id = "004_6bdb0a530be4535a"
	base := "/api/documents/" + id + "/cite"
	res, body := get(t, ts, base)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") ||
		!strings.HasPrefix(body, "Amyotrophic lateral sclerosis (ALS) is characterized by progressive loss of motor neurons (Cell Transplant, 2023). Cell Transplant. 2023. doi:10.1177/09636897231214370. ") ||
		!strings.HasSuffix(body, "Available from: https://search.example.org/doc/"+id+"\n") {
		t.Errorf("text: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res, body = get(t, ts, base+"?format=ris")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), `filename="`+id+`.ris"`) ||
		!strings.Contains(body, "PY  - 2023\r\n") || !strings.Contains(body, "UR  - https://search.example.org/doc/"+id+"\r\n") {
		t.Errorf("RIS: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), body)
	}
	res, body = get(t, ts, base+"?format=bibtex")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "@article{"+id+",") || !strings.Contains(body, "journal = {Cell Transplant}") {
		t.Errorf("BibTeX: %d %q", res.StatusCode, body)
	}
	if res, body := get(t, ts, base+"?format=endnote"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "text, ris or bibtex") {
		t.Errorf("an unknown format: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, ts, "/api/documents/"+url.PathEscape("no such")+"/cite"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown document: %d", res.StatusCode)
	}
}
