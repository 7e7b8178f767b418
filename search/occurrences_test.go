package search

import (
	"context"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/indexer"
)

// TestFetchGivesTokensInOrder checks that the tokens Engine.fetch gives the highlighter
// of a text, read from the term vectors, are those of analysing it whose terms the
// patterns hold, in the order of their positions (then offsets and term), so that
// marking needs no sort: for queries of several terms, over every section of the
// bundled corpus (the Japanese fields where they hold the text).
func TestFetchGivesTokensInOrder(t *testing.T) {
	e := bundleEngine(t)
	ctx := context.Background()
	res, err := e.ix.Search(ctx, bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 100_000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	var texts, tokens int
	for _, q := range []string{"Muse cells ALS stroke", "間葉系幹細胞", "干细胞 临床", `"spinal cord injury"`, "脊髄損傷 Muse細胞"} {
		_, c, err := e.compileQuery(q, compileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		hl := &highlighter{rules: c.hl.rules, analyze: e.analyze}
		if _, err := e.fetch(ctx, ids, hl); err != nil {
			t.Fatal(err)
		}
		terms := hl.vectorTerms()
		for key, got := range hl.tokens {
			analyzer, text := key[0], key[1]
			if analyzer == indexer.AnalyzerJa && len(got) == 0 {
				continue // a part without Han or kana is not in its Japanese field
			}
			var want []indexer.Token
			for _, tok := range e.analyze(analyzer, text) {
				if slices.Contains(terms[analyzer], tok.Term) {
					want = append(want, tok)
				}
			}
			slices.SortStableFunc(want, compareTokens)
			if !slices.Equal(got, want) {
				t.Errorf("%q, %s tokens of %.60q:\n got %v\nwant %v", q, analyzer, text, got, want)
			}
			texts++
			tokens += len(got)
		}
	}
	t.Logf("%d texts, %d tokens", texts, tokens)
	if tokens < 500 {
		t.Errorf("only %d tokens compared", tokens)
	}
}
