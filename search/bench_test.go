package search

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

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

// BenchmarkLongQuery runs the longest queries the web layer lets through (500
// characters) over the bundled corpus copied bundleCopies times: long phrases of one
// repeated term, which cost quadratic time once, and a query of many words. The
// phrase sub-benchmark runs the phrase matcher alone, without the cap on its length.
func BenchmarkLongQuery(b *testing.B) {
	e := copiedEngine(b)
	ctx := context.Background()
	repeat := func(s string, n int, sep string) string {
		return strings.TrimSuffix(strings.Repeat(s+sep, n), sep)
	}
	for _, q := range []struct{ name, q string }{
		{"quoted-a-x249", `"` + repeat("a", 249, " ") + `"`},
		{"saibou-x250", repeat("細胞", 250, "")},
		{"the-x124", repeat("the", 124, "-")},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				e.Search(ctx, Request{Query: q.q, Page: 1, Size: 10})
			}
		})
	}
	b.Run("phrase-a-x249", func(b *testing.B) {
		p := make(termPattern, 249)
		for i := range p {
			p[i] = []string{"a"}
		}
		for b.Loop() {
			req := bleve.NewSearchRequestOptions(newPhraseQuery("body_std", p), 10, 0, false)
			if _, err := e.ix.Search(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
