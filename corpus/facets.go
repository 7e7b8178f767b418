package corpus

// Concept is one value of the facet vocabulary: a disease, cell type, study design,
// trial phase or language, with its labels and the terms that name it.
type Concept struct {
	Facet Facet `json:"facet"`
	// ID is the stable lower-case id ("spinal-cord-injury").
	ID string `json:"id"`
	// Labels are display labels keyed by language: "en", "ja" and "zh".
	Labels map[string]string `json:"labels"`
	// Terms are the plain words that name the concept in any language: synonyms,
	// abbreviations, spelling variants (matching rules such as word boundaries are the
	// vocabulary's business, not the caller's).
	Terms []string `json:"terms,omitempty"`
}

// Concepts returns every concept of facet f in display order (TEMPORARY STUB: replaced
// by the embedded vocabulary).
func Concepts(f Facet) []Concept { return nil }

// LookupConcept returns the concept of facet f with the given id.
func LookupConcept(f Facet, id string) (Concept, bool) { return Concept{}, false }

// ConceptsIn returns the concepts that text names, in the order of first mention,
// without duplicates. The search uses it to expand a query across languages.
func ConceptsIn(text string) []Concept { return nil }

// ExtractFacets returns the facets of a passage: those named in its text and in the
// headings above it (outermost first, its own heading last).
func ExtractFacets(headings []string, text string) Facets { return Facets{} }
