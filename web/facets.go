package web

import (
	"musesearch/corpus"
)

// facetNames are the catalogue keys of the facets' names, as the sidebar shows them.
var facetNames = map[corpus.Facet]string{
	corpus.Indication: "Indication",
	corpus.CellType:   "Cell type",
	corpus.Design:     "Study design",
	corpus.Phase:      "Trial phase",
	corpus.Lang:       "Language",
}

// facetValues returns the ids of facet f in the vocabulary's order.
func facetValues(f corpus.Facet) []string {
	concepts := corpus.Concepts(f)
	ids := make([]string, len(concepts))
	for i, c := range concepts {
		ids[i] = c.ID
	}
	return ids
}
