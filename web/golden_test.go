package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestAPISearchGolden")

// goldenSearches are GET /api/search requests on the bundled corpus whose whole answer
// is kept in testdata/golden/NAME.json: ids, order, snippets and facet counts to the
// byte, scores to 1e-9. go test ./web -run Golden -update rewrites them after a change
// that is meant to alter results; the diff then shows what it altered.
var goldenSearches = []struct{ name, query string }{
	{"als", "q=ALS"},
	{"muse-cells", "q=Muse+cells&size=5"},
	{"spinal-cord-injury-ja-doc", "q=%E8%84%8A%E9%AB%84%E6%90%8D%E5%82%B7&group=doc"},
	{"phrase-exclusion", "q=%22open-label%22+ALS+-mouse"},
	{"stem-cells-zh-phase", "q=%E5%B9%B2%E7%BB%86%E8%83%9E&phase=phase-2&size=3"},
	{"or-parentheses-date", "q=(stroke+OR+infarction)+MSC&sort=date&size=4"},
	{"empty-query-page-2", "page=2&size=5&lang=ja"},
	{"counts-only", "q=MSC&size=0"},
	{"fuzzy", "q=mesenchimal&size=5"},
}

// TestAPISearchGolden checks GET /api/search's answers against the golden files.
func TestAPISearchGolden(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, g := range goldenSearches {
		t.Run(g.name, func(t *testing.T) {
			res, body := get(t, ts, "/api/search?"+g.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			got := normalizeGolden(t, body)
			path := filepath.Join("testdata", "golden", g.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./web -run Golden -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("GET /api/search?%s differs from %s:\n got %s", g.query, path, got)
			}
		})
	}
}

// normalizeGolden indents an answer and zeroes what differs between runs: took_ms, and
// scores beyond 1e-9.
func normalizeGolden(t *testing.T, body string) []byte {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	v["took_ms"] = 0
	hits, _ := v["hits"].([]any)
	for _, h := range hits {
		hit := h.(map[string]any)
		if n, ok := hit["score"].(json.Number); ok {
			f, _ := n.Float64()
			hit["score"] = math.Round(f*1e9) / 1e9
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
