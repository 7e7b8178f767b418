package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"musesearch/corpus"
	"musesearch/indexer"
)

// TestStoredAfterChange checks that a hit shows its section as the index holds it
// now, its text and its marks (from the term vectors), not as a page read it before
// the file changed, and that the engine's memo of stored sections forgets the
// sections of segments the index no longer has.
func TestStoredAfterChange(t *testing.T) {
	ctx := context.Background()
	e := openEngine(t, indexer.Config{})
	for _, v := range []struct{ title, text string }{
		{"Knee study", "Stem cells for the knee."},
		{"Knee study, revised", "Stem cells for the knee, with a year of follow-up."},
		{"Knee study, third version", "Stem cells for the knee: the final report."},
	} {
		doc := corpus.Document{ID: "k", Source: "k.txt", Title: v.title, Lang: "en",
			Sections: []corpus.Section{{ID: "k#1", Lang: "en", Text: v.text, Facets: corpus.Facets{}}}}
		if _, err := e.ix.ReplaceFile(ctx, doc.Source, nil, []corpus.Document{doc}); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second reads the memo
			resp := mustSearch(t, e, Request{Query: "knee"})
			if len(resp.Hits) != 1 {
				t.Fatalf("%s: %d hits, want 1", v.title, len(resp.Hits))
			}
			h := resp.Hits[0]
			if h.Title != v.title || !strings.Contains(h.Snippet.Text, v.text[len("Stem cells for the "):]) {
				t.Errorf("hit %q %q, want the title %q and the text %q", h.Title, h.Snippet.Text, v.title, v.text)
			}
			var marked []string
			for _, m := range h.Snippet.Marks {
				marked = append(marked, h.Snippet.Text[m.Start:m.End])
			}
			if !slices.Equal(marked, []string{"knee"}) {
				t.Errorf("%s: marked %q in %q, want knee", v.title, marked, h.Snippet.Text)
			}
		}
		if n := e.stored.Len(); n != 1 {
			t.Errorf("%s: %d sections memoised, want 1 (the index holds one)", v.title, n)
		}
	}
}
