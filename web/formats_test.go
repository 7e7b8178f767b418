package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestUploadFormats uploads a sample of every format the corpus reads and checks the
// 201, that the documents are searchable at once, and what GET /api/documents/{id}
// shows of them. A PDF that cannot be read is refused with 422 and nothing changes.
func TestUploadFormats(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	tests := []struct {
		fixture string
		docs    []string // the document ids the upload gives
		query   string   // a word of the first document
		title   string   // of the first document
		heading string   // one of its section headings
		facet   string   // "facet=value" on every one of its sections
	}{
		{"../corpus/pdf/testdata/numbered_en.pdf", []string{"numbered_en"}, "chromatography", "Exosomes from mesenchymal stem cells", "2.1 Characterisation", ""},
		{"../corpus/htmldoc/testdata/press_ja_sjis.html", []string{"press_ja_sjis"}, "忍容性", "Muse細胞製品のALS患者を対象とした臨床試験の結果について", "試験の概要", ""},
		{"../corpus/pubmed/testdata/trials.xml", []string{"trials-1", "trials-2", "trials-3"}, "Rankin", "Intravenous Muse cells for subacute ischemic stroke: a randomized, double-blind, placebo-controlled phase 2 trial", "Methods", "phase=phase-2"},
		{"../corpus/pubmed/testdata/msc.nbib", []string{"msc-1", "msc-2"}, "escalation", "Umbilical cord mesenchymal stromal cells for knee osteoarthritis: a phase I/II open-label dose-escalation study", "Background", "indication=osteoarthritis"},
		{"../corpus/ctgov/testdata/studies.json", []string{"studies-1", "studies-2"}, "hypothermia", "Muse Cell-based Product (CL2020) in Newborns With Hypoxic-ischemic Encephalopathy", "Exclusion criteria", "cell_type=muse"},
		{"../corpus/ctgov/testdata/studies.csv", []string{"studies_csv-1", "studies_csv-2"}, "Nagoya", "Muse Cell-based Product (CL2020) in Newborns With Hypoxic-ischemic Encephalopathy", "Brief summary", "phase=phase-1"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.fixture), func(t *testing.T) {
			data, err := os.ReadFile(tt.fixture)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(tt.fixture)
			if name == "studies.csv" { // studies.json is uploaded too
				name = "studies_csv.csv"
			}
			body, ct := multipartBody(t, "file", name, string(data))
			req := request(http.MethodPost, "/api/documents", body, testToken)
			req.Header.Set("Content-Type", ct)
			rec := f.serve(req)
			if rec.Code != http.StatusCreated {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var up uploadJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &up); err != nil || !slices.Equal(up.DocIDs, tt.docs) {
				t.Fatalf("answer %s, want doc ids %q", rec.Body, tt.docs)
			}
			if ids := f.searchIDs(t, tt.query); !slices.Contains(ids, tt.docs[0]) {
				t.Errorf("search %q finds %q, not %s", tt.query, ids, tt.docs[0])
			}
			rec = f.serve(httptest.NewRequest(http.MethodGet, "/api/documents/"+tt.docs[0], nil))
			var doc struct {
				Title    string `json:"title"`
				Sections []struct {
					Heading string              `json:"heading"`
					Facets  map[string][]string `json:"facets"`
				} `json:"sections"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK {
				t.Fatalf("GET the document: %d %s", rec.Code, rec.Body)
			}
			if doc.Title != tt.title {
				t.Errorf("title %q, want %q", doc.Title, tt.title)
			}
			var headings []string
			for _, s := range doc.Sections {
				headings = append(headings, s.Heading)
				if facet, value, ok := strings.Cut(tt.facet, "="); ok && !slices.Contains(s.Facets[facet], value) {
					t.Errorf("section %q: facets %v, want %s", s.Heading, s.Facets, tt.facet)
				}
			}
			if !slices.Contains(headings, tt.heading) {
				t.Errorf("headings %q lack %q", headings, tt.heading)
			}
		})
	}
	t.Run("encrypted PDF", func(t *testing.T) {
		data, err := os.ReadFile("../corpus/pdf/testdata/encrypted.pdf")
		if err != nil {
			t.Fatal(err)
		}
		before := f.state(t)
		rec := f.serve(request(http.MethodPost, "/api/documents?name=secret.pdf", strings.NewReader(string(data)), testToken))
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(errorOf(t, rec), "encrypted") {
			t.Errorf("status %d %s, want 422 saying it is encrypted", rec.Code, rec.Body)
		}
		if after := f.state(t); !slices.Equal(before.Sections, after.Sections) || len(before.Files) != len(after.Files) {
			t.Error("the refused upload changed the corpus or the index")
		}
	})
}
