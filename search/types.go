package search

import "musesearch/corpus"

// Request is one parsed and validated search.
type Request struct {
	// Query is the user's query text in the query language; empty matches every section.
	Query string
	// Filters holds the selected values per facet (including corpus.Lang); values of
	// one facet are OR-ed, different facets AND-ed.
	Filters map[corpus.Facet][]string
	// Page is 1-based.
	Page int
	// Size is the number of hits per page.
	Size int
	// Sort is SortRelevance or SortDate.
	Sort string
	// GroupByDoc collapses the hits of one document into its best section.
	GroupByDoc bool
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Response is the answer to a Request, shaped as GET /api/search returns it.
type Response struct {
	Query  string  `json:"query"`
	Total  int     `json:"total"`
	Page   int     `json:"page"`
	Size   int     `json:"size"`
	TookMS float64 `json:"took_ms"`
	// Fuzzy is set when the literal query matched nothing and the hits come from a
	// fuzzy retry; Suggestion then names what was matched instead.
	Fuzzy      bool   `json:"fuzzy,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
	Hits       []Hit  `json:"hits"`
	// Facets has one entry per facet of FacetOrder, each counted disjunctively.
	Facets map[corpus.Facet][]FacetCount `json:"facets"`
}

// Hit is one matching section.
type Hit struct {
	ID      string        `json:"id"`
	DocID   string        `json:"doc_id"`
	Source  string        `json:"source"`
	Title   string        `json:"title"`
	Section string        `json:"section"`
	Lang    string        `json:"lang"`
	Date    string        `json:"date,omitempty"`
	Score   float64       `json:"score"`
	Snippet string        `json:"snippet"`
	URL     string        `json:"url"`
	Facets  corpus.Facets `json:"facets"`
	// Matches is, with GroupByDoc, how many sections of the document matched.
	Matches int `json:"matches,omitempty"`
}

// FacetCount is how many hits carry one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// FacetOrder lists the facets counted in every Response, in display order.
var FacetOrder = []corpus.Facet{corpus.Indication, corpus.CellType, corpus.Design, corpus.Phase, corpus.Lang}
