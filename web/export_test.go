package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// newPublicServer starts the server over the bundled corpus, reached at publicURL.
func newPublicServer(t *testing.T, publicURL string) *httptest.Server {
	t.Helper()
	srv, err := New(Config{Searcher: testEngine(t), Logger: quietLogger(), PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// TestExport checks GET /export: every result of a search, not a page, in each format;
// CSV with a byte order mark and absolute addresses.
func TestExport(t *testing.T) {
	ts := newPublicServer(t, "https://search.example.org")
	sections := getSearch(t, ts, map[string][]string{"q": {"Muse"}, "size": {"0"}}).Total
	documents := getSearch(t, ts, map[string][]string{"q": {"Muse"}, "size": {"0"}, "group": {"doc"}}).Total
	if sections <= 10 || documents < 2 {
		t.Fatalf("Muse matches %d sections and %d documents; the test wants more than a page", sections, documents)
	}

	res, body := get(t, ts, "/export?q=Muse&size=3&page=2")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(body, utf8BOM) {
		t.Error("the CSV has no byte order mark: Excel would read it in a legacy code page")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], csvHeader) || len(rows)-1 != sections {
		t.Errorf("%d rows under %q, want every one of %d sections (page and size ignored)", len(rows)-1, rows[0], sections)
	}
	url := slices.Index(csvHeader, "url")
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[url], "https://search.example.org/doc/") {
			t.Errorf("url %q is not absolute", r[url])
		}
	}

	_, body = get(t, ts, "/export?q=Muse&group=doc&format=csv")
	if rows, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, utf8BOM))).ReadAll(); len(rows)-1 != documents {
		t.Errorf("%d rows grouped by document, want %d", len(rows)-1, documents)
	}

	res, body = get(t, ts, "/export?q=Muse&group=doc&format=json")
	var j SearchJSON
	if err := json.Unmarshal([]byte(body), &j); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("JSON: %d %v", res.StatusCode, err)
	}
	if len(j.Hits) != documents || j.Total != documents || len(j.Hits[0].Passages) == 0 {
		t.Errorf("JSON: %d hits, total %d; want every one of %d documents with passages", len(j.Hits), j.Total, documents)
	}

	res, body = get(t, ts, "/export?q=Muse&format=ris")
	if res.StatusCode != http.StatusOK || strings.Count(body, "TY  - ") != documents || strings.Count(body, "ER  - ") != documents {
		t.Errorf("RIS of the sections' search: %d records, want one per document (%d)", strings.Count(body, "TY  - "), documents)
	}

	if res, body := get(t, ts, "/export?q=Muse&format=xlsx"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "csv, json or ris") {
		t.Errorf("an unknown format: %d %s", res.StatusCode, body)
	}
}
