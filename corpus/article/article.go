// Package article is the form every structured input format is read into before it
// becomes documents: a title, bibliographic metadata, headings with their paragraphs,
// and the facts a record states in structured fields. The format parsers (packages
// pdf, htmldoc, pubmed and ctgov beside it) produce articles; package corpus turns each
// into a Document through the same cleaning, sectioning, language, facet and
// identifier rules as plain text, so that every format is searched alike.
//
// It is a leaf: it imports nothing of musesearch, so that corpus can import the
// parsers and the parsers this package.
package article

// Meta is the bibliographic metadata of a document. Empty fields are unknown.
type Meta struct {
	// Authors are the authors as the source writes them ("Dezawa M", "Mari Dezawa").
	Authors []string `json:"authors,omitempty"`
	// Affiliations are the authors' institutions, each once, in order of first mention.
	Affiliations []string `json:"affiliations,omitempty"`
	// Journal is the journal or venue of publication.
	Journal string `json:"journal,omitempty"`
	// Year is the year of publication (or, for a trial record, of the study's start).
	Year int `json:"year,omitempty"`
	// Date is the date of publication as precise as known: YYYY-MM-DD, YYYY-MM or YYYY.
	Date string `json:"date,omitempty"`
	// DOI is the document's DOI ("10.1177/09636897231153234"), without a resolver prefix.
	DOI string `json:"doi,omitempty"`
	// PMID is the document's PubMed id.
	PMID string `json:"pmid,omitempty"`
	// RegistryIDs are the trial registry ids of the study the document is the record
	// of (NCT04201665, jRCT2063200018), its own id first.
	RegistryIDs []string `json:"registry_ids,omitempty"`
	// TitleDerived is set when the source gives no title and the document's title was
	// made from its text.
	TitleDerived bool `json:"title_derived,omitempty"`
}

// Kind is what a block is in the structure of an article.
type Kind int

// The kinds of block.
const (
	// Paragraph is running text.
	Paragraph Kind = iota
	// Heading heads the blocks after it, up to the next heading of its level or a
	// higher one (a lower Level).
	Heading
	// Item is one item of a list.
	Item
)

// Block is one heading, paragraph or list item of an article.
type Block struct {
	Kind Kind
	// Level is a heading's level, 1 (outermost) to 6; 0 for other blocks.
	Level int
	// Text is the block's text on one line; the corpus cleans it (Unicode NFC, odd
	// spaces and control characters) like any text.
	Text string
}

// Stated holds the facts a record states in structured fields (a registry's phase
// and conditions, PubMed's publication types and MeSH headings). For each facet they
// speak to, they replace what the text suggests, in every section of the document: a
// trial's eligibility criteria name diseases it does not treat, and its description
// phases it is not in. A nil field states nothing.
type Stated struct {
	// Phases are trial phase ids of the corpus vocabulary ("phase-1", "phase-2");
	// empty but not nil when the record says the study has no phase.
	Phases []string
	// Designs are study design ids of the corpus vocabulary ("rct", "review").
	Designs []string
	// Conditions are the names of the diseases or conditions studied ("Amyotrophic
	// Lateral Sclerosis"), matched with the vocabulary's indication terms.
	Conditions []string
	// Interventions are the names of the treatments given or studied ("Mesenchymal
	// Stem Cells"), matched with the vocabulary's cell type terms.
	Interventions []string
}

// Article is one document of a structured input file.
type Article struct {
	// Title is the article's title; empty when the source gives none (the corpus
	// then makes one from the text and sets Meta.TitleDerived).
	Title string
	// Meta is the bibliographic metadata; Meta.Date is also the document's date.
	Meta Meta
	// FileDate is the date the file was made (a PDF's creation date), YYYY-MM-DD:
	// the metadata's date when the text gives none, but not the document's date, by
	// which searches sort (a page printed to PDF today is not today's news).
	FileDate string
	// Blocks are the article's headings, paragraphs and list items in reading order.
	Blocks []Block
	// Stated are the facts its structured fields state.
	Stated Stated
}
