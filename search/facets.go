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
		out = append(out, FacetCount{Value: v, Label: Label(f, v), Count: n})
		seen[v] = true
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
