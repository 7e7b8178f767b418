package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/search"
)

func TestRoutes(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		method, path string
		wantStatus   int
		wantType     string
		wantBody     string
	}{
		{"GET", "/", 200, "text/html", "<form"},
		{"GET", "/search?q=ALS", 200, "text/html", "<mark>"},
		{"GET", "/search?q=%E8%84%8A%E9%AB%84%E6%90%8D%E5%82%B7", 200, "text/html", "<mark>"},
		{"GET", "/api/search?q=ALS", 200, "application/json", `"hits":`},
		{"GET", "/api/search?q=ALS&format=csv", 200, "text/csv", "id,doc_id,source"},
		{"GET", "/search.csv?q=ALS", 200, "text/csv", "id,doc_id,source"},
		{"GET", "/api/facets", 200, "application/json", `"indication":`},
		{"GET", "/healthz", 200, "text/plain", "ok"},
		{"GET", "/readyz", 200, "text/plain", "ready"},
		{"GET", "/metrics", 200, "text/plain", "musesearch_http_requests_total"},
		{"GET", "/opensearch.xml", 200, "application/opensearchdescription+xml", "{searchTerms}"},
		{"GET", "/static/style.css", 200, "text/css", "--accent"},
		{"GET", "/static/app.js", 200, "text/javascript", "search-form"},
		{"GET", "/static/missing.js", 404, "text/html", "There is no page at this address."},
		{"GET", "/no/such/page", 404, "text/html", "There is no page at this address."},
		{"GET", "/doc/no-such-document", 404, "text/html", "No document has the id"},
		{"GET", "/api/no-such-endpoint", 404, "application/json", `{"error":"There is no page at this address."}`},
		{"GET", "/api/documents/no-such-document", 404, "application/json", `{"error":"No document has the id \"no-such-document\"."}`},
		{"POST", "/api/search?q=ALS", 405, "application/json", `{"error":"This address does not accept the POST method."}`},
		{"DELETE", "/api/facets", 405, "application/json", `"error"`},
		{"POST", "/search", 405, "text/html", "POST"},
	}
	for _, tt := range tests {
		res, body := do(t, ts, tt.method, tt.path)
		if res.StatusCode != tt.wantStatus {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, res.StatusCode, tt.wantStatus)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
			t.Errorf("%s %s: Content-Type %q, want %s", tt.method, tt.path, ct, tt.wantType)
		}
		if !strings.Contains(body, tt.wantBody) {
			t.Errorf("%s %s: body does not contain %q:\n%.300s", tt.method, tt.path, tt.wantBody, body)
		}
	}
}

func TestAPIBadInput(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		query string
		want  string
	}{
		{"q=ALS&page=0", "The page must be a whole number from 1 to 1,000."},
		{"q=ALS&page=abc", "The page must be a whole number from 1 to 1,000."},
		{"q=ALS&page=100000", "The page must be a whole number from 1 to 1,000."},
		{"q=ALS&size=-1", "The size must be a whole number from 0 (at most 100 hits are returned)."},
		{"q=ALS&sort=popularity", "The sort must be relevance or date."},
		{"q=ALS&group=sections", "The group must be doc or section."},
		{"q=ALS&indication=unknown-disease", `indication has no value "unknown-disease"; GET /api/facets lists the valid ids.`},
		{"q=ALS&cell_type=neuron", `cell_type has no value "neuron"`},
		{"q=ALS&design=anecdote", `design has no value "anecdote"`},
		{"q=ALS&phase=phase-7", `phase has no value "phase-7"`},
		{"q=ALS&lang=fr", `lang has no value "fr"`},
		{"q=ALS&format=xml", "The format must be json or csv."},
		{"q=ALS&year_from=1500", "The year_from must be a whole year from 1800 to 2100."},
		{"q=ALS&year_to=soon", "The year_to must be a whole year from 1800 to 2100."},
		{"q=ALS&year_from=2023&year_to=2020", "The year range is empty: year_from 2023 is after year_to 2020; give the earlier year first."},
		{"q=" + url.QueryEscape(strings.Repeat("stem cell ", 60)), "The query is too long: use at most 500 characters."},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/search?", "/api/search?format=csv&"} {
			if tt.query == "q=ALS&format=xml" && strings.Contains(path, "format") {
				continue
			}
			res, body := get(t, ts, path+tt.query)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s%.60s: status %d, want 400", path, tt.query, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s%.60s: Content-Type %q, want JSON", path, tt.query, ct)
			}
			var got map[string]string
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Errorf("%s%.60s: body %q is not a JSON object of strings: %v", path, tt.query, body, err)
				continue
			}
			if len(got) != 1 || !strings.Contains(got["error"], tt.want) {
				t.Errorf("%s%.60s: body %q, want {\"error\": ...%q...}", path, tt.query, body, tt.want)
			}
		}
	}
}

// keys returns the sorted keys of a JSON object.
func keys(m map[string]json.RawMessage) []string {
	return slices.Sorted(maps.Keys(m))
}

func TestAPISearchShape(t *testing.T) {
	ts, _ := newTestServer(t)
	res, body := get(t, ts, "/api/search?q=ALS&size=3")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &top); err != nil {
		t.Fatal(err)
	}
	// The contract's example, field names exactly, and what the query was also
	// searched as; fuzzy and suggestion only on a fuzzy retry.
	want := []string{"expanded", "facets", "hits", "page", "query", "size", "took_ms", "total"}
	if got := keys(top); !slices.Equal(got, want) {
		t.Errorf("top-level keys %q, want %q", got, want)
	}
	var resp struct {
		Query string                       `json:"query"`
		Total int                          `json:"total"`
		Page  int                          `json:"page"`
		Size  int                          `json:"size"`
		Hits  []map[string]json.RawMessage `json:"hits"`
		// Facets: facet -> counts, each {"value","label","count"}.
		Facets map[string][]map[string]json.RawMessage `json:"facets"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Query != "ALS" || resp.Page != 1 || resp.Size != 3 || resp.Total < 3 || len(resp.Hits) != 3 {
		t.Errorf("query %q page %d size %d total %d hits %d; want ALS, 1, 3, >= 3, 3", resp.Query, resp.Page, resp.Size, resp.Total, len(resp.Hits))
	}
	hitKeys := []string{"doc_id", "facets", "id", "lang", "score", "section", "snippet", "source", "title", "url"}
	for _, h := range resp.Hits {
		got := keys(h)
		for _, k := range hitKeys {
			if !slices.Contains(got, k) {
				t.Errorf("hit keys %q lack %q", got, k)
			}
		}
		var id, docID, u string
		json.Unmarshal(h["id"], &id)
		json.Unmarshal(h["doc_id"], &docID)
		json.Unmarshal(h["url"], &u)
		if n := id[strings.LastIndexByte(id, '#')+1:]; u != "/doc/"+docID+"#s"+n {
			t.Errorf("hit %s has url %q, want /doc/%s#s%s", id, u, docID, n)
		}
	}
	if got := slices.Sorted(maps.Keys(resp.Facets)); !slices.Equal(got, []string{"cell_type", "design", "indication", "lang", "phase"}) {
		t.Errorf("facets %q, want the five facets", got)
	}
	for f, counts := range resp.Facets {
		for _, c := range counts {
			if got := keys(c); !slices.Equal(got, []string{"count", "label", "value"}) {
				t.Errorf("facet %s count keys %q, want count, label, value", f, got)
			}
		}
	}
}

func TestAPISearchExpanded(t *testing.T) {
	ts, _ := newTestServer(t)
	type expansion struct{ Term, Lang, From string }
	tests := []struct {
		query string
		has   []expansion
		none  bool
	}{
		{"q=" + url.QueryEscape("臨床試驗"), []expansion{{"clinical trial", "en", "臨床試驗"}, {"臨床試験", "ja", "臨床試驗"}}, false},
		{"q=bone+marrow", []expansion{{"骨髄", "ja", "bone marrow"}, {"骨髓", "zh", "bone marrow"}}, false},
		{"q=bone+marrow&expand=false", nil, true},
		{"q=cells", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, body := get(t, ts, "/api/search?"+tt.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			var resp struct {
				Expanded []expansion `json:"expanded"`
			}
			if err := json.Unmarshal([]byte(body), &resp); err != nil {
				t.Fatal(err)
			}
			for _, x := range tt.has {
				if !slices.Contains(resp.Expanded, x) {
					t.Errorf("expanded %v lacks %v", resp.Expanded, x)
				}
			}
			if tt.none && len(resp.Expanded) > 0 {
				t.Errorf("expanded %v, want none", resp.Expanded)
			}
		})
	}
	res, body := get(t, ts, "/api/search?q=ALS&expand=maybe")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expand must be true or false") {
		t.Errorf("expand=maybe: status %d: %s, want 400 saying what expand takes", res.StatusCode, body)
	}
}

func TestAPISuggest(t *testing.T) {
	ts, _ := newTestServer(t)
	type translation struct{ Text, Lang string }
	type suggestion struct {
		Text         string        `json:"text"`
		Lang         string        `json:"lang"`
		Kind         string        `json:"kind"`
		Translations []translation `json:"translations"`
		URL          string        `json:"url"`
	}
	suggest := func(query string) []suggestion {
		t.Helper()
		res, body := get(t, ts, "/api/suggest?"+query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/suggest?%s: status %d: %s", query, res.StatusCode, body)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &top); err != nil {
			t.Fatal(err)
		}
		if got := keys(top); !slices.Equal(got, []string{"suggestions"}) {
			t.Errorf("keys %q, want suggestions", got)
		}
		var out struct{ Suggestions []suggestion }
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Suggestions == nil {
			t.Errorf("suggestions is null, want a list: %s", body)
		}
		return out.Suggestions
	}
	got := suggest("q=bone+mar&lang=en")
	i := slices.IndexFunc(got, func(s suggestion) bool { return s.Text == "bone marrow" })
	if i < 0 || got[i].Kind != "term" || got[i].Lang != "en" || !slices.Contains(got[i].Translations, translation{"骨髄", "ja"}) {
		t.Errorf("bone mar: %+v, want the term bone marrow with 骨髄", got)
	}
	got = suggest("q=" + url.QueryEscape("筋萎縮") + "&lang=ja")
	var concept, title bool
	for _, s := range got {
		switch s.Kind {
		case "concept":
			concept = concept || s.URL == "/search?indication=als"
		case "title":
			title = title || strings.HasPrefix(s.URL, "/doc/")
		}
		if s.Translations == nil {
			t.Errorf("%q has translations null, want a list", s.Text)
		}
	}
	if !concept || !title {
		t.Errorf("筋萎縮: %+v, want the concept ALS (its filter's address) and a title (its document's)", got)
	}
	if got := suggest("q="); len(got) != 0 {
		t.Errorf("an empty prefix: %+v", got)
	}
	for _, bad := range []struct{ query, want string }{
		{"q=ALS&lang=fr", `lang has no value \"fr\"`},
		{"q=ALS&q=MS", "The parameter q may be given only once."},
		{"q=" + url.QueryEscape(strings.Repeat("stem cell ", 60)), "The query is too long"},
	} {
		res, body := get(t, ts, "/api/suggest?"+bad.query)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, bad.want) {
			t.Errorf("/api/suggest?%.40s: status %d: %s, want 400 saying %q", bad.query, res.StatusCode, body, bad.want)
		}
	}
}

func TestAPIDocumentShape(t *testing.T) {
	ts, _ := newTestServer(t)
	id := firstHit(t, "ALS").DocID
	res, body := get(t, ts, "/api/documents/"+id)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "source", "title", "date", "lang", "facets", "sections"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("document lacks %q: keys %q", k, keys(doc))
		}
	}
	var sections []map[string]json.RawMessage
	if err := json.Unmarshal(doc["sections"], &sections); err != nil || len(sections) == 0 {
		t.Fatalf("sections: %v (%d)", err, len(sections))
	}
	for _, s := range sections {
		for _, k := range []string{"id", "heading", "text", "lang", "facets"} {
			if _, ok := s[k]; !ok {
				t.Errorf("section lacks %q: keys %q", k, keys(s))
			}
		}
	}
}

func TestAPIFacets(t *testing.T) {
	ts, _ := newTestServer(t)
	_, body := get(t, ts, "/api/facets")
	var got map[corpus.Facet][]apiFacetValue
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	for _, f := range search.FacetOrder {
		if len(got[f]) == 0 {
			t.Errorf("facet %s has no values", f)
		}
		for _, v := range got[f] {
			for _, l := range corpus.Languages {
				if v.Labels[l] == "" {
					t.Errorf("%s %s has no %s label", f, v.ID, l)
				}
			}
		}
	}
	for _, want := range []string{`"als"`, `"phase-2"`, `"muse"`, `"rct"`, `"zh"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/api/facets lacks %s", want)
		}
	}
}

func TestExportCSV(t *testing.T) {
	ts, _ := newTestServer(t)
	res, body := get(t, ts, "/search.csv?q=ALS&size=5")
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition %q, want an attachment", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || !slices.Equal(rows[0], csvHeader) {
		t.Fatalf("%d rows, header %q; want 6 rows under %q", len(rows), rows[0], csvHeader)
	}
	for _, r := range rows[1:] {
		if strings.Contains(r[len(r)-1], "<mark>") {
			t.Errorf("snippet %q keeps its markup", r[len(r)-1])
		}
	}
	if got := csvSafe("=HYPERLINK(1)"); got != "'=HYPERLINK(1)" {
		t.Errorf("csvSafe kept a formula: %q", got)
	}
}

func TestOpenSearch(t *testing.T) {
	for _, tt := range []struct{ public, want string }{
		{"https://search.example.org", "https://search.example.org/search?q={searchTerms}"},
		{"https://example.org/muse/", "https://example.org/muse/search?q={searchTerms}"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/search?q={searchTerms}"},
		{"", "http://localhost/search?q={searchTerms}"},
	} {
		srv, err := New(Config{Searcher: testEngine(t), Logger: quietLogger(), PublicURL: tt.public})
		if err != nil {
			t.Fatalf("public URL %q: %v", tt.public, err)
		}
		req := httptest.NewRequest(http.MethodGet, "/opensearch.xml", nil)
		req.Host = "attacker.example" // a client chooses the Host header
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var d openSearchDescription
		if err := xml.Unmarshal(rec.Body.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if d.ShortName == "" || len(d.URLs) == 0 || d.URLs[0].Template != tt.want {
			t.Errorf("public URL %q: description %+v, want a search template %s", tt.public, d, tt.want)
		}
		if strings.Contains(rec.Body.String(), "attacker") {
			t.Errorf("public URL %q: the description takes the Host header:\n%s", tt.public, rec.Body)
		}
	}
}

func TestPublicURLValidated(t *testing.T) {
	for _, bad := range []string{"search.example.org", "ftp://search.example.org", "https://", "/search",
		"https://example.org/?q=1", "https://example.org/#top", "https://user:pw@example.org", "http://exa mple.org"} {
		_, err := New(Config{Logger: quietLogger(), PublicURL: bad})
		if err == nil || !strings.Contains(err.Error(), "public URL") {
			t.Errorf("public URL %q: %v, want an error that names the public URL", bad, err)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/", "/search?q=ALS", "/api/search?q=ALS", "/no/such/page", "/api/nope", "/static/app.js"} {
		res, _ := get(t, ts, path)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q must allow scripts from the site only", path, csp)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q must forbid framing", path, csp)
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") && !slices.Contains(h.Values("Vary"), "Accept-Language") {
			t.Errorf("%s: Vary = %q, want Accept-Language among them", path, h.Values("Vary"))
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
	}
}

func TestNotReady(t *testing.T) {
	srv, err := New(Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, tt := range []struct {
		path string
		want int
	}{{"/healthz", 200}, {"/readyz", 503}, {"/api/search?q=ALS", 503}, {"/search?q=ALS", 503}, {"/api/facets", 200}} {
		res, body := get(t, ts, tt.path)
		if res.StatusCode != tt.want {
			t.Errorf("before the index is open, %s: status %d, want %d", tt.path, res.StatusCode, tt.want)
		}
		if tt.want == 503 && strings.HasPrefix(tt.path, "/api/") && !strings.Contains(body, `"error":"The index is still being prepared`) {
			t.Errorf("%s: body %q, want the not-ready error", tt.path, body)
		}
	}
	// The page says so and reloads itself a little later.
	_, body := get(t, ts, "/search?q=ALS")
	if refresh := findAll(parseHTML(t, body), sel("meta", "http-equiv=refresh")); len(refresh) != 1 || !strings.Contains(body, "The index is still being prepared") {
		t.Errorf("the page before the index is open should say so and reload itself:\n%.400s", body)
	}
	srv.SetSearcher(testEngine(t))
	if res, _ := get(t, ts, "/readyz"); res.StatusCode != 200 {
		t.Errorf("once the index is open, /readyz: status %d, want 200", res.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	ts, _ := newTestServer(t)
	get(t, ts, "/api/search?q=ALS")
	get(t, ts, "/api/search?q=ALS&page=0")
	get(t, ts, "/no/such/page")
	_, body := get(t, ts, "/metrics")
	count := func(group bool) int {
		resp, err := testEngine(t).Search(t.Context(), search.Request{Page: 1, Size: 0, Sort: search.SortRelevance, GroupByDoc: group})
		if err != nil || resp.Total == 0 {
			t.Fatalf("count the index: %v, %+v", err, resp)
		}
		return resp.Total
	}
	for _, want := range []string{
		`musesearch_http_requests_total{code="200",method="GET",route="/api/search"} 1`,
		`musesearch_http_requests_total{code="400",method="GET",route="/api/search"} 1`,
		`musesearch_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`musesearch_http_request_duration_seconds_count{route="/api/search"} 2`,
		`musesearch_search_duration_seconds_count 1`,
		fmt.Sprintf("musesearch_index_documents %d\n", count(true)),
		fmt.Sprintf("musesearch_index_sections %d\n", count(false)),
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// firstHit returns the best hit of a search on the test engine.
func firstHit(t *testing.T, q string) search.Hit {
	t.Helper()
	resp, err := testEngine(t).Search(t.Context(), search.Request{Query: q, Page: 1, Size: 1, Sort: search.SortRelevance})
	if err != nil || len(resp.Hits) == 0 {
		t.Fatalf("search %q: %v, %d hits", q, err, len(resp.Hits))
	}
	return resp.Hits[0]
}

func TestBodyLimit(t *testing.T) {
	ts, _ := newTestServer(t)
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/api/search?q=ALS", strings.NewReader(strings.Repeat("x", maxBodyBytes+1)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a body of %d bytes: status %d, want 413", maxBodyBytes+1, res.StatusCode)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	srv, err := New(Config{Searcher: testEngine(t), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/readyz: status %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve after cancel: %v, want nil", err)
		}
	case <-time.After(shutdownTimeout + time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("the server still answers after shutting down")
	}
}

// brokenEngine fails every call, as an engine whose index broke underneath it would.
type brokenEngine struct{}

var errBroken = errors.New("bleve: segment 7 is corrupt at /secret/path")

func (brokenEngine) Count(context.Context) (search.Counts, error) { return search.Counts{}, errBroken }

func (brokenEngine) Search(context.Context, search.Request) (*search.Response, error) {
	return nil, errBroken
}
func (brokenEngine) Document(context.Context, string) (*corpus.Document, error) {
	return nil, errBroken
}
func (brokenEngine) Matches(_, _ string) []search.Span { return nil }
func (brokenEngine) Trials(context.Context, search.TrialRequest) (*search.TrialResponse, error) {
	return nil, errBroken
}
func (brokenEngine) DocumentTrials(context.Context, string) ([]trials.Trial, error) {
	return nil, errBroken
}

func (brokenEngine) Suggest(context.Context, string, string) ([]search.Suggestion, error) {
	return nil, errBroken
}

func TestServerFaultsStayInside(t *testing.T) {
	var logs strings.Builder
	srv, err := New(Config{Searcher: brokenEngine{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, path := range []string{"/api/search?q=ALS", "/search?q=ALS", "/api/documents/x", "/doc/x"} {
		res, body := get(t, ts, path)
		if res.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500", path, res.StatusCode)
		}
		if strings.Contains(body, "secret") || strings.Contains(body, "bleve") {
			t.Errorf("%s: the answer shows the internal error: %.200s", path, body)
		}
		if !strings.Contains(body, "The server failed to answer this request") {
			t.Errorf("%s: the answer does not say the server failed: %.200s", path, body)
		}
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "segment 7 is corrupt") {
		t.Errorf("the fault is not logged as an error:\n%s", logs.String())
	}
	get(t, ts, "/api/search?page=0")
	if !strings.Contains(logs.String(), `level=INFO msg="request failed" method=GET path=/api/search status=400`) {
		t.Errorf("a client's mistake is not logged at info:\n%s", logs.String())
	}
}

func TestMetricsLabelsBounded(t *testing.T) {
	srv, err := New(Config{Searcher: testEngine(t), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	scrape := func() string {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return rec.Body.String()
	}
	before := len(scrape())
	// Methods and paths a client invents, each once: none may become a label.
	for i := range 50 {
		method := fmt.Sprintf("M%d%s", i, strings.Repeat("X", 30<<10))
		for _, path := range []string{"/api/search?q=ALS", "/doc/x", fmt.Sprintf("/invented/%d", i), fmt.Sprintf("/api/%d", i)} {
			srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
		}
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, fmt.Sprintf("/invented/%d/%s", i, strings.Repeat("p", 1000)), nil))
	}
	body := scrape()
	if grown := len(body) - before; grown > 8<<10 {
		t.Errorf("250 requests with invented methods and paths grew /metrics by %d bytes, want a few labels at most", grown)
	}
	for _, want := range []string{
		`musesearch_http_requests_total{code="405",method="other",route="/api/search"} 50`,
		`musesearch_http_requests_total{code="404",method="GET",route="unmatched"} 50`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "musesearch_http_request") && (strings.Contains(line, "XXX") || strings.Contains(line, "invented")) {
			t.Errorf("/metrics has a label a client chose: %.200s", line)
		}
	}
}

func TestMethodLabel(t *testing.T) {
	for method, want := range map[string]string{
		"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "DELETE": "DELETE", "PATCH": "PATCH",
		"OPTIONS": "OPTIONS", "get": "other", "CONNECT": "other", "TRACE": "other", "BREW": "other", "": "other",
	} {
		if got := methodLabel(method); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", method, got, want)
		}
	}
}

func TestAccessLogBounded(t *testing.T) {
	var logs strings.Builder
	srv, err := New(Config{Searcher: testEngine(t), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Z", 30<<10)
	for _, r := range []*http.Request{
		httptest.NewRequest(long, "/api/search?q=ALS", nil),
		httptest.NewRequest(http.MethodGet, "/"+long, nil),
		httptest.NewRequest(http.MethodGet, "/doc/"+long, nil),
		httptest.NewRequest(http.MethodGet, "/api/documents/"+long, nil),
	} {
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		r.Header.Set("X-Real-Ip", "203.0.113.10")
		srv.ServeHTTP(httptest.NewRecorder(), r)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) < 4 {
		t.Fatalf("%d log lines, want at least one per request:\n%s", len(lines), logs.String())
	}
	for _, line := range lines {
		if len(line) > 4*maxLogValue {
			t.Errorf("a log line of %d bytes, want at most %d: %.300s", len(line), 4*maxLogValue, line)
		}
		if strings.Contains(line, "203.0.113.") {
			t.Errorf("the log trusts a forwarded address the client sent: %.300s", line)
		}
	}
	if !strings.Contains(logs.String(), "remote=192.0.2.1") {
		t.Errorf("the log does not give the address the request came from:\n%.2000s", logs.String())
	}
	if !strings.Contains(logs.String(), truncationMark) {
		t.Errorf("the log does not mark what it cut:\n%.2000s", logs.String())
	}
}

func TestHEAD(t *testing.T) {
	ts, srv := newTestServer(t)
	id := url.PathEscape(firstHit(t, "ALS").DocID)
	paths := map[string]string{
		"/": "/", "/search": "/search?q=ALS", "/search.csv": "/search.csv?q=ALS", "/doc/:doc_id": "/doc/" + id,
		"/static/:file": "/static/app.js", "/opensearch.xml": "/opensearch.xml", "/api/search": "/api/search?q=ALS",
		"/api/documents/:doc_id": "/api/documents/" + id, "/api/documents/:doc_id/cite": "/api/documents/" + id + "/cite",
		"/export": "/export?q=ALS", "/api/facets": "/api/facets", "/healthz": "/healthz",
		"/readyz": "/readyz", "/metrics": "/metrics", "/api/suggest": "/api/suggest?q=ALS",
		"/trials": "/trials?q=ALS", "/trials.csv": "/trials.csv?q=ALS", "/api/trials": "/api/trials?q=ALS",
	}
	for _, r := range srv.echo.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		path, ok := paths[r.Path]
		if !ok {
			t.Errorf("GET %s: the test does not know this route", r.Path)
			continue
		}
		getRes, _ := get(t, ts, path)
		res, body := do(t, ts, http.MethodHead, path)
		if res.StatusCode != http.StatusOK || getRes.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s: status %d (GET %d), want 200", path, res.StatusCode, getRes.StatusCode)
		}
		if got, want := res.Header.Get("Content-Type"), getRes.Header.Get("Content-Type"); got != want {
			t.Errorf("HEAD %s: Content-Type %q, GET gives %q", path, got, want)
		}
		if body != "" {
			t.Errorf("HEAD %s: a body of %d bytes", path, len(body))
		}
	}
	// A HEAD to no page is a 404 as a GET is, not a 405.
	if res, _ := do(t, ts, http.MethodHead, "/doc/no-such-document"); res.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of an unknown document: status %d, want 404", res.StatusCode)
	}
}

// TestCompression checks that a page goes gzip-compressed to a client that takes it,
// and as it is to one that does not, and that the metrics are compressed once.
func TestCompression(t *testing.T) {
	ts, _ := newTestServer(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(path, encoding string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}
	for _, path := range []string{"/search?q=ALS", "/api/search?q=ALS", "/metrics"} {
		plainRes, plain := fetch(path, "")
		res, zipped := fetch(path, "gzip")
		if plainRes.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", path, plainRes.Header.Get("Content-Encoding"))
		}
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s with Accept-Encoding gzip: Content-Encoding %q, want gzip", path, res.Header.Get("Content-Encoding"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(zipped) >= len(plain) || !bytes.Contains(unzipped, []byte("ALS")) && path != "/metrics" ||
			path == "/metrics" && !bytes.Contains(unzipped, []byte("musesearch_")) {
			t.Errorf("%s: %d bytes compressed from %d; unzipped %.80q", path, len(zipped), len(plain), unzipped)
		}
	}
	// An error answer, written by the error handler after the handler returned,
	// arrives whole and readable as its Content-Encoding says.
	for _, path := range []string{"/doc/no-such-document", "/api/documents/no-such-document"} {
		res, body := fetch(path, "gzip")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		if !bytes.Contains(body, []byte("no-such-document")) && !bytes.Contains(bytes.ToLower(body), []byte("not found")) {
			t.Errorf("%s: body %.200q", path, body)
		}
	}
}
