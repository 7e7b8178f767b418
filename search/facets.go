package search

import (
	"slices"
	"strings"

	"musesearch/corpus"
)

// facetCounts turns the counts of facet f into the response's: labelled, most
// frequent first, then in vocabulary order; a selected value that no hit carries is
// listed with count 0, so that it can still be unselected.
func facetCounts(f corpus.Facet, counts map[string]int, selected []string) []FacetCount {
	out := []FacetCount{}
	seen := map[string]bool{}
	for v, n := range counts {
		out = append(out, FacetCount{Value: v, Label: corpus.Label(f, v, "en"), Count: n})
		seen[v] = true
	}
	for _, v := range selected {
		if !seen[v] {
			out = append(out, FacetCount{Value: v, Label: corpus.Label(f, v, "en")})
			seen[v] = true
		}
	}
	slices.SortStableFunc(out, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		ra, rb := corpus.ConceptOrder(f, a.Value), corpus.ConceptOrder(f, b.Value)
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}
