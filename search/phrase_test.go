package search

import (
	"context"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"musesearch/indexer"
)

// TestPhraseMatchesBleve checks phraseQuery against bleve's multi-phrase query, which
// it replaces: the same sections with the same scores, alone and inside the kind of
// query the compiler builds, for English phrases, CJK bigrams, kagome's words, a
// phrase that repeats a term and patterns with gaps and alternatives.
func TestPhraseMatchesBleve(t *testing.T) {
	e := bundleEngine(t)
	ctx := context.Background()
	type pattern struct {
		field string
		p     termPattern
	}
	var patterns []pattern
	for _, text := range []string{
		"spinal cord injury", "mesenchymal stem cells", "Muse cells", "stem cell", "cell to cell",
		"脊髄損傷", "間葉系幹細胞", "Muse細胞", "间充质干细胞", "急性心筋梗塞",
	} {
		for _, tf := range indexer.TextFields {
			if p := patternOf(e.analyze(tf.QueryAnalyzer, text)); len(p) > 1 {
				patterns = append(patterns, pattern{tf.Name, p})
			}
		}
	}
	// Patterns no analyser makes, each of which matches some section.
	patterns = append(patterns,
		pattern{"body_std", termPattern{{"mesenchym"}, nil, {"cell"}}},          // a gap
		pattern{"body_std", termPattern{{"muse"}, {"cell", "cells"}}},           // alternatives
		pattern{"body_std", termPattern{{"stem"}, {"cell", "cells"}, {"muse"}}}, // alternatives inside
		pattern{"heading_std", termPattern{{"clinic"}, {"trial"}}},              // another field
	)
	mustMatch := patterns[len(patterns)-4:]
	patterns = append(patterns,
		pattern{"body_std", termPattern{{"cell"}, {"cell"}}},         // a repeated term
		pattern{"body_std", termPattern{{"no-such-term"}, {"cell"}}}, // no match
	)
	type hit struct {
		ID    string
		Score float64
	}
	run := func(q query.Query) []hit {
		req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
		res, err := e.ix.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var hits []hit
		for _, h := range res.Hits {
			hits = append(hits, hit{h.ID, h.Score})
		}
		return hits
	}
	byID := cmpopts.SortSlices(func(a, b hit) bool { return a.ID < b.ID })
	scores := cmpopts.EquateApprox(0, 1e-9)
	matches := map[string]int{}
	for _, pt := range patterns {
		ours := newPhraseQuery(pt.field, pt.p)
		ours.SetBoost(2)
		theirs := query.NewMultiPhraseQuery(pt.p, pt.field)
		theirs.SetBoost(2)
		got, want := run(ours), run(theirs)
		matches[fmt.Sprint(pt)] = len(want)
		if diff := cmp.Diff(want, got, byID, scores); diff != "" {
			t.Errorf("%s %q: hits differ from bleve's (-bleve +ours):\n%s", pt.field, pt.p, diff)
		}
		// Inside a disjunction with a term, as the compiler builds it: the query norm
		// the enclosing query sets must reach the phrase's terms as bleve's does.
		term := query.NewTermQuery("cell")
		term.SetField("body_std")
		got = run(query.NewDisjunctionQuery([]query.Query{ours, term}))
		want = run(query.NewDisjunctionQuery([]query.Query{theirs, term}))
		if diff := cmp.Diff(want, got, byID, scores); diff != "" {
			t.Errorf("%s %q or cells: hits differ from bleve's (-bleve +ours):\n%s", pt.field, pt.p, diff)
		}
	}
	// The comparison means something only if the patterns match sections.
	for _, pt := range mustMatch {
		if matches[fmt.Sprint(pt)] == 0 {
			t.Errorf("%s %q matches no section of the bundled corpus", pt.field, pt.p)
		}
	}
}
