package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/search"
)

// getSearch asks GET /api/search with params and decodes the answer.
func getSearch(t *testing.T, ts *httptest.Server, params url.Values) SearchJSON {
	t.Helper()
	res, body := get(t, ts, "/api/search?"+params.Encode())
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/search?%s: status %d: %s", params.Encode(), res.StatusCode, body)
	}
	var out SearchJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAPIGroupedByDocument checks, on the bundled corpus, that group=doc answers in
// documents: each listed once, with its best passages, and a total and facet counts
// equal to the distinct documents of the section answer, counted here from the
// sections' own facets (each facet with every filter but its own).
func TestAPIGroupedByDocument(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, tc := range []struct {
		name    string
		params  url.Values
		minDocs int
	}{
		{"Muse cells", url.Values{"q": {"Muse cells"}}, 4},
		{"every section", url.Values{}, 10},
		{"ALS in Japanese or Chinese", url.Values{"q": {"ALS"}, "lang": {"ja", "zh"}}, 2},
		{"cells, phase 2 in English", url.Values{"q": {"cells"}, "phase": {"phase-2"}, "lang": {"en"}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Every section the query matches, whatever the filters, with its facets.
			var sections []HitJSON
			all := url.Values{"q": tc.params["q"], "size": {"100"}, "group": {"section"}}
			for page := 1; ; page++ {
				all.Set("page", strconv.Itoa(page))
				resp := getSearch(t, ts, all)
				sections = append(sections, resp.Hits...)
				if len(resp.Hits) < 100 {
					break
				}
			}
			valuesOf := func(h HitJSON, f corpus.Facet) []string {
				if f == corpus.Lang {
					return []string{h.Lang}
				}
				return h.Facets[f]
			}
			selects := func(h HitJSON, except corpus.Facet) bool {
				for _, f := range search.FacetOrder {
					want := tc.params[string(f)]
					if f != except && len(want) > 0 && !slices.ContainsFunc(valuesOf(h, f), func(v string) bool { return slices.Contains(want, v) }) {
						return false
					}
				}
				return true
			}
			docs := map[string]bool{}
			counts := map[corpus.Facet]map[string]map[string]bool{}
			for _, h := range sections {
				if selects(h, "") {
					docs[h.DocID] = true
				}
				for _, f := range search.FacetOrder {
					if !selects(h, f) {
						continue
					}
					for _, v := range valuesOf(h, f) {
						if counts[f] == nil {
							counts[f] = map[string]map[string]bool{}
						}
						if counts[f][v] == nil {
							counts[f][v] = map[string]bool{}
						}
						counts[f][v][h.DocID] = true
					}
				}
			}
			if len(docs) < tc.minDocs {
				t.Fatalf("the query matches %d documents; the test wants at least %d", len(docs), tc.minDocs)
			}
			want := map[corpus.Facet]map[string]int{}
			for f, values := range counts {
				want[f] = map[string]int{}
				for v, ds := range values {
					want[f][v] = len(ds)
				}
			}

			grouped := url.Values{"group": {"doc"}, "size": {"100"}}
			for k, v := range tc.params {
				grouped[k] = v
			}
			resp := getSearch(t, ts, grouped)
			if resp.Total != len(docs) {
				t.Errorf("total %d, want %d documents", resp.Total, len(docs))
			}
			got := map[corpus.Facet]map[string]int{}
			for f, values := range resp.Facets {
				for _, c := range values {
					if c.Count > 0 {
						if got[f] == nil {
							got[f] = map[string]int{}
						}
						got[f][c.Value] = c.Count
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("facet counts (-documents of the sections +group=doc):\n%s", diff)
			}
			seen := map[string]bool{}
			for i, h := range resp.Hits {
				if seen[h.DocID] {
					t.Errorf("hit %d: document %s again", i+1, h.DocID)
				}
				seen[h.DocID] = true
				if len(h.Passages) == 0 || len(h.Passages) > search.MaxPassages || h.Passages[0].ID != h.ID || h.MorePassages == nil ||
					*h.MorePassages != h.Matches-len(h.Passages) {
					t.Errorf("hit %d (%s): %d passages, more %v, matches %d", i+1, h.DocID, len(h.Passages), h.MorePassages, h.Matches)
				}
				for _, p := range h.Passages {
					if d, n, ok := corpus.SplitSectionID(p.ID); !ok || d != h.DocID || p.URL != "/doc/"+url.PathEscape(d)+"#s"+strconv.Itoa(n) {
						t.Errorf("hit %d: passage %s with url %s", i+1, p.ID, p.URL)
					}
				}
			}
			if len(resp.Hits) != len(docs) {
				t.Errorf("%d hits on a page of 100, want every one of %d documents", len(resp.Hits), len(docs))
			}
		})
	}
}
