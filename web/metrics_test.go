package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/search"
)

// TestMetricsCountEveryDocument indexes more one-section documents than a grouped
// search scans (20,000 sections): the document gauge counts them all.
func TestMetricsCountEveryDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 20,001 sections")
	}
	const n = 20_001
	docs := make([]corpus.Document, n)
	for i := range docs {
		id := fmt.Sprintf("d%05d", i)
		docs[i] = corpus.Document{ID: id, Lang: "en", Sections: []corpus.Section{{ID: id + "#1", Lang: "en", Text: "cell"}}}
	}
	ix, err := indexer.Open(t.Context(), indexer.Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.ReplaceFile(t.Context(), "many.txt", nil, docs); err != nil {
		t.Fatal(err)
	}
	engine, err := search.New(search.Config{Index: ix, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Searcher: engine, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	_, body := get(t, ts, "/metrics")
	for _, want := range []string{
		fmt.Sprintf("musesearch_index_documents %d\n", n),
		fmt.Sprintf("musesearch_index_sections %d\n", n),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
