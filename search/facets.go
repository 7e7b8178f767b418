package search

import (
	"context"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
)

// filterQuery is the conjunction of the filters of every facet but except: the values
// of one facet are OR-ed, facets AND-ed. It is nil when nothing is filtered.
func filterQuery(filters map[corpus.Facet][]string, except corpus.Facet) query.Query {
	var facets []query.Query
	for _, f := range FacetOrder {
		if f == except || len(filters[f]) == 0 {
			continue
		}
		values := make([]query.Query, len(filters[f]))
		for i, v := range filters[f] {
			t := query.NewTermQuery(v)
			t.SetField(string(f))
			values[i] = t
		}
		facets = append(facets, disjunction(values))
	}
	if len(facets) == 0 {
		return nil
	}
	// A filter selects; it must not score, or the rarer of two selected values would
	// rank its sections higher.
	return query.NewCustomScoreQueryWithScorer(conjunction(facets), func(context.Context, *bsearch.DocumentMatch) (float64, error) {
		return 0, nil
	}, nil, nil)
}

// addFacets asks sreq to count the values of facets.
func addFacets(sreq *bleve.SearchRequest, facets []corpus.Facet) {
	for _, f := range facets {
		sreq.AddFacet(string(f), bleve.NewFacetRequest(string(f), facetSize))
	}
}

// facetCounts turns bleve's counts of facet f into the response's: labelled, most
// frequent first, then in vocabulary order; a selected value that no hit carries is
// listed with count 0, so that it can still be unselected.
func facetCounts(f corpus.Facet, res *bsearch.FacetResult, selected []string) []FacetCount {
	out := []FacetCount{}
	seen := map[string]bool{}
	if res != nil && res.Terms != nil {
		for _, t := range res.Terms.Terms() {
			out = append(out, FacetCount{Value: t.Term, Label: Label(f, t.Term), Count: t.Count})
			seen[t.Term] = true
		}
	}
	for _, v := range selected {
		if !seen[v] {
			out = append(out, FacetCount{Value: v, Label: Label(f, v)})
			seen[v] = true
		}
	}
	rank := vocabularyRank(f)
	slices.SortStableFunc(out, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		ra, rb := rank(a.Value), rank(b.Value)
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// vocabularyRank returns a function giving each value of facet f its place in the
// vocabulary's display order; unknown values come last.
func vocabularyRank(f corpus.Facet) func(string) int {
	concepts := corpus.Concepts(f)
	if f == corpus.Lang && len(concepts) == 0 {
		return func(v string) int {
			if i := slices.Index(corpus.Languages, v); i >= 0 {
				return i
			}
			return len(corpus.Languages)
		}
	}
	return func(v string) int {
		if i := slices.IndexFunc(concepts, func(c corpus.Concept) bool { return c.ID == v }); i >= 0 {
			return i
		}
		return len(concepts)
	}
}

// languageNames label the languages when the vocabulary has no concept for them.
var languageNames = map[string]string{"en": "English", "ja": "Japanese", "zh": "Chinese"}

// Label returns the English label of a facet value, or the value itself when the
// vocabulary does not know it.
func Label(f corpus.Facet, value string) string {
	if c, ok := corpus.LookupConcept(f, value); ok && c.Labels["en"] != "" {
		return c.Labels["en"]
	}
	if f == corpus.Lang && languageNames[value] != "" {
		return languageNames[value]
	}
	return value
}
