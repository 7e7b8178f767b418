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
// query the compiler builds, for English phrases, CJK bigrams, kagome's words,
// phrases that repeat a term or a set of alternatives (read once, scored once per
// repetition) and patterns with gaps and alternatives.
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
		pattern{"body_std", termPattern{{"mesenchym"}, nil, {"cell"}}},              // a gap
		pattern{"body_std", termPattern{{"muse"}, {"cell", "cells"}}},               // alternatives
		pattern{"body_std", termPattern{{"stem"}, {"cell", "cells"}, {"muse"}}},     // alternatives inside
		pattern{"heading_std", termPattern{{"clinic"}, {"trial"}}},                  // another field
		pattern{"body_std", termPattern{{"the"}, {"root"}, {"of"}, {"the"}}},        // a repeated term
		pattern{"body_std", termPattern{{"the", "a"}, {"view"}, nil, {"the", "a"}}}, // repeated alternatives
	)
	mustMatch := patterns[len(patterns)-6:]
	patterns = append(patterns,
		pattern{"body_std", termPattern{{"cell"}, {"cell"}}},         // a repeated term, adjacent
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

// TestPhraseWorkIsLinear runs long phrases of one repeated term (the patterns "a a a …"
// and an unquoted 細胞細胞… give) over thousands of sections, and checks that the work of
// matching them grows with the phrase's length no faster than linearly: doubling the
// phrase at most doubles the work (a quadratic cost quadruples it).
func TestPhraseWorkIsLinear(t *testing.T) {
	e := copiedEngine(t)
	repeat := func(n int, terms ...string) termPattern {
		p := make(termPattern, n)
		for i := range p {
			p[i] = []string{terms[i%len(terms)]}
		}
		return p
	}
	cases := []struct {
		name, field string
		pattern     func(n int) termPattern
	}{
		{"a a a …", "body_std", func(n int) termPattern { return repeat(n, "a") }},
		{"the-the-the-…", "heading_std", func(n int) termPattern { return repeat(n, "the") }},
		{"細胞細胞… as bigrams", "body_std", func(n int) termPattern { return repeat(n, "細胞", "胞細") }},
		{"細胞細胞… as words", "body_ja", func(n int) termPattern { return repeat(n, "細胞") }},
	}
	ctx := context.Background()
	for _, c := range cases {
		work := func(n int) int64 {
			q := newPhraseQuery(c.field, c.pattern(n))
			res, err := e.ix.Search(ctx, bleve.NewSearchRequestOptions(q, 10, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 0 {
				t.Fatalf("%s ×%d matches %d sections, want none", c.name, n, res.Total)
			}
			return q.steps.Load()
		}
		short, long := work(60), work(240)
		if short == 0 {
			t.Fatalf("%s: no work counted", c.name)
		}
		if long > 4*short+100 {
			t.Errorf("%s: 240 terms cost %d steps, 60 terms %d: more than linear", c.name, long, short)
		}
		t.Logf("%s: %d steps for 60 terms, %d for 240", c.name, short, long)
	}
}
