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
	// Export lifts the bound on Size from MaxSize to MaxExport: one page holding every
	// result of a search, for an export.
	Export bool
	// GroupByDoc makes every hit a document: its best section, with its best
	// matching sections as Passages; Total and the facet counts then count documents.
	GroupByDoc bool
	// YearFrom and YearTo, when not zero, keep the documents published in those years
	// (inclusive): a document's year is its metadata's, else its date's. A document
	// of no known year is left out by either bound.
	YearFrom, YearTo int
	// Literal turns cross-language expansion off: the query matches what it says
	// (Chinese in either script), not the concepts it names nor the glossary's
	// translations of its words.
	Literal bool
	// WithoutTrials keeps the sections that report no clinical trial (one that names
	// a trial only in passing is kept): with the trials themselves (Engine.Trials),
	// the studies of a search, each counted once.
	WithoutTrials bool
}

// The years a year filter may name.
const (
	MinYear = 1800
	MaxYear = 2100
)

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
	// Undated is, in a search sorted by date, how many of the Total results have no
	// date (they come last); 0 in a search sorted by relevance.
	Undated int
}

// Hit is one matching section.
type Hit struct {
	// ID is the section's id, "{doc_id}#{n}" (see corpus.Section).
	ID     string
	DocID  string
	Source string
	Title  string
	// Section is the section's heading (or, without one, the heading above it).
	Section string
	// SectionMarks are the matches of the query in Section, as Snippet's marks: a
	// section found by a word of its heading shows it there.
	SectionMarks []Span
	Lang         string
	// DocLang is the language of the document, the language of its title.
	DocLang string
	Date    string
	Score   float64
	// Snippet is the passage of the section that best shows why it matched.
	Snippet Passage
	Facets  corpus.Facets
	// Meta is the document's bibliographic metadata.
	Meta corpus.Meta
	// Matches is, with GroupByDoc, how many sections of the document matched.
	Matches int
	// Passages are, with GroupByDoc, the document's best matching sections, best
	// first, at most MaxPassages: the first is the hit's own section.
	Passages []SectionHit
}

// MaxPassages bounds the Passages of a document hit: enough to show where in a
// document the evidence is, few enough to keep a page of documents short.
const MaxPassages = 3

// SectionHit is one matching section of a document hit.
type SectionHit struct {
	// ID is the section's id, "{doc_id}#{n}".
	ID           string
	Section      string
	SectionMarks []Span // as Hit's
	Lang         string
	Score        float64
	Snippet      Passage
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
