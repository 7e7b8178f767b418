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
	// Literal turns cross-language expansion off: the query matches what it says
	// (Chinese in either script), not the concepts it names nor the glossary's
	// translations of its words.
	Literal bool
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Response is the answer to a Request: data, which the web layer renders as JSON or
// HTML and the command line as text.
type Response struct {
	Query  string
	Total  int
	Page   int
	Size   int
	TookMS float64
	// Fuzzy is set when the literal query matched nothing and the hits come from a
	// fuzzy retry; Suggestion then names what was matched instead. Without Fuzzy,
	// Suggestion is, for a Chinese or Japanese query that found nothing, a glossary
	// term close to it that finds something (did you mean).
	Fuzzy      bool
	Suggestion string
	// Expanded lists the glossary terms the query was also searched as, in the
	// order of the query's words.
	Expanded []Expansion
	Hits     []Hit
	// Facets has one entry per facet of FacetOrder, each counted disjunctively.
	Facets map[corpus.Facet][]FacetCount
}

// Hit is one matching section.
type Hit struct {
	// ID is the section's id, "{doc_id}#{n}" (see corpus.Section).
	ID      string
	DocID   string
	Source  string
	Title   string
	Section string
	Lang    string
	Date    string
	Score   float64
	// Snippet is the passage of the section that best shows why it matched.
	Snippet Passage
	Facets  corpus.Facets
	// Matches is, with GroupByDoc, how many sections of the document matched.
	Matches int
}

// Span is a match of the query in a text: the bytes [Start, End) of it.
type Span struct{ Start, End int }

// Passage is plain text with the stretches of it that match the query: Marks are byte
// offsets into Text, sorted, neither overlapping nor touching. A snippet's Text has its
// runs of white space folded to one space, and starts or ends with "…" where the
// section's text goes on.
type Passage struct {
	Text  string
	Marks []Span
}

// FacetCount is how many hits carry one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// FacetOrder lists the facets counted in every Response, in display order.
var FacetOrder = []corpus.Facet{corpus.Indication, corpus.CellType, corpus.Design, corpus.Phase, corpus.Lang}
