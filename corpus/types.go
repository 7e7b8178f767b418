package corpus

import (
	"slices"
	"strconv"
	"strings"
)

// Facet names one facet dimension. Its value is the id used in URLs, JSON and the index.
type Facet string

// The facet dimensions of a section. Lang is a facet for filtering and counting, but a
// section's language lives in Section.Lang, not in its Facets.
const (
	Indication Facet = "indication"
	CellType   Facet = "cell_type"
	Design     Facet = "design"
	Phase      Facet = "phase"
	Lang       Facet = "lang"
)

// ContentFacets are the facets extracted from text, in display order.
var ContentFacets = []Facet{Indication, CellType, Design, Phase}

// Languages are the languages a section can be in, in display order.
var Languages = []string{"en", "ja", "zh"}

// Facets holds a section's (or document's) facet values: for each facet, its value ids,
// sorted and without duplicates. A facet with no value may be absent.
type Facets map[Facet][]string

// Identifier is an identifier found in text and kept as one whole searchable value.
type Identifier struct {
	// Kind is one of the IdentifierKinds ("nct", "jrct", "doi", ...).
	Kind string `json:"kind"`
	// Value is the identifier as written in the text, trimmed of surrounding punctuation.
	Value string `json:"value"`
}

// Document is one article: a whole file, or one article of a file that holds several.
type Document struct {
	// ID is stable across runs and machines: the file name without its extension, plus
	// "-N" (N from 1) for the N-th article when the file holds more than one.
	ID string `json:"id"`
	// Source is the file name the document came from, relative to the corpus directory.
	Source string `json:"source"`
	// Title is the document's real title, never export debris.
	Title string `json:"title"`
	// Date is the document's date as precise as the text gives it: YYYY-MM-DD, YYYY-MM
	// or YYYY (so that dates sort as strings), or empty when the text gives none.
	Date string `json:"date"`
	// Tags are the categories a blog export gives the article, in their order.
	Tags []string `json:"tags,omitempty"`
	// Lang is the language most of the document's text is in.
	Lang string `json:"lang"`
	// Meta is the document's bibliographic metadata, as far as its file gives it.
	Meta Meta `json:"meta,omitzero"`
	// Sections are the document's sections in reading order.
	Sections []Section `json:"sections"`
}

// Section is one passage of a document: the unit a search hit points to.
type Section struct {
	// ID is "{doc_id}#{n}" with n the 1-based position of the section in its document.
	ID string `json:"id"`
	// Heading is the section's own heading; it may be empty for a leading section.
	Heading string `json:"heading"`
	// Path is the chain of parent headings above Heading, outermost first.
	Path []string `json:"path,omitempty"`
	// Text is the clean display text (normalised to NFC, hard wraps undone, debris
	// removed); paragraphs are separated by one blank line.
	Text string `json:"text"`
	// Lang is "en", "ja" or "zh".
	Lang string `json:"lang"`
	// Facets are extracted from the section's text and its heading path.
	Facets Facets `json:"facets"`
	// Identifiers are the registry ids, DOIs, PMIDs and PMCIDs found in the text.
	Identifiers []Identifier `json:"identifiers,omitempty"`
}

// SectionID returns the id of section n (1-based) of document docID: "{docID}#{n}".
func SectionID(docID string, n int) string { return docID + "#" + strconv.Itoa(n) }

// SplitSectionID returns the document id and the number of section id, the inverse of
// SectionID; ok is false when id is not a section id.
func SplitSectionID(id string) (docID string, n int, ok bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 1 || strconv.Itoa(n) != id[i+1:] {
		return "", 0, false
	}
	return id[:i], n, true
}

// Facets returns the union of the facets of the document's sections, each facet's
// values sorted and without duplicates.
func (d Document) Facets() Facets {
	out := Facets{}
	for _, s := range d.Sections {
		for f, values := range s.Facets {
			out[f] = append(out[f], values...)
		}
	}
	for f, values := range out {
		slices.Sort(values)
		out[f] = slices.Compact(values)
	}
	return out
}

// Version identifies what Parse produces from a file: the cleaning, splitting, language
// and facet rules and the vocabulary. Bump it with every change that alters a parsed
// document, so that indexes built by an older parser are rebuilt.
const Version = "2026-11-30.1"
