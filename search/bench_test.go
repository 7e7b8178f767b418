package search

import (
	"context"
	"testing"

	"musesearch/corpus"
)

// BenchmarkSearch runs a mix of queries over the index of the bundled corpus, each
// without filters, with two facet filters, and with a filter on every facet (so that
// every facet's disjunctive count costs its own search).
func BenchmarkSearch(b *testing.B) {
	e := bundleEngine(b)
	queries := []struct{ name, q string }{
		{"common", "Muse"},
		{"rare", "Ocrelizumab"},
		{"and3", "Muse stroke trial"},
		{"phrase", `"randomized controlled trial"`},
		{"ja", "脊髄損傷"},
		{"zh", "运动神经元"},
		{"cross", "心筋梗塞"},
		{"fuzzy", "mesenchymall"},
	}
	modes := []struct {
		name    string
		filters map[corpus.Facet][]string
	}{
		{"plain", nil},
		{"two-filters", map[corpus.Facet][]string{corpus.CellType: {"muse", "msc"}, corpus.Lang: {"en", "ja"}}},
		{"all-disjunctive", map[corpus.Facet][]string{
			corpus.Indication: {"als", "stroke"}, corpus.CellType: {"muse"}, corpus.Design: {"preclinical", "rct"},
			corpus.Phase: {"phase-2"}, corpus.Lang: {"en", "ja", "zh"},
		}},
	}
	ctx := context.Background()
	for _, m := range modes {
		for _, q := range queries {
			b.Run(m.name+"/"+q.name, func(b *testing.B) {
				req := Request{Query: q.q, Filters: m.filters, Page: 1, Size: 10}
				for b.Loop() {
					if _, err := e.Search(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
