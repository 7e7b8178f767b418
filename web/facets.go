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

// languageFacetLabels are the catalogue keys of the lang facet's values, used when the
// vocabulary has no concept for them.
var languageFacetLabels = map[string]string{"en": "English", "ja": "Japanese", "zh": "Chinese"}

// facetValues returns the ids of facet f in the vocabulary's order.
func facetValues(f corpus.Facet) []string {
	if f == corpus.Lang {
		return corpus.Languages
	}
	concepts := corpus.Concepts(f)
	ids := make([]string, len(concepts))
	for i, c := range concepts {
		ids[i] = c.ID
	}
	return ids
}

// facetLabel returns the label of one facet value in language lang: the vocabulary's,
// then its English one, and the id itself for a value the vocabulary does not know.
func facetLabel(f corpus.Facet, id, lang string) string {
	if c, ok := corpus.LookupConcept(f, id); ok {
		if l := c.Labels[lang]; l != "" {
			return l
		}
		if l := c.Labels["en"]; l != "" {
			return l
		}
	}
	if key, ok := languageFacetLabels[id]; ok && f == corpus.Lang {
		if loc, ok := locales[lang]; ok {
			return loc.T(key)
		}
		return key
	}
	return id
}
