package corpus

import "slices"

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
	// Abbreviations are the Terms that name the concept only in their exact case in
	// running text ("MS" is multiple sclerosis, "ms" is not): a search that lower-cases
	// its index should not expand a query with them as ordinary words.
	Abbreviations []string `json:"abbreviations,omitempty"`
}

// Key returns the key of the concept.
func (c Concept) Key() ConceptKey { return ConceptKey{Facet: c.Facet, ID: c.ID} }

// ConceptKey identifies a concept of the vocabulary: ids are unique within a facet.
type ConceptKey struct {
	Facet Facet
	ID    string
}

// Concepts returns every concept of facet f in display order. The caller must not
// modify the returned concepts.
func Concepts(f Facet) []Concept {
	v := theVocabulary()
	out := make([]Concept, 0, len(v.byFacet[f]))
	for _, i := range v.byFacet[f] {
		out = append(out, v.concepts[i])
	}
	return out
}

// LookupConcept returns the concept of facet f with the given id.
func LookupConcept(f Facet, id string) (Concept, bool) {
	v := theVocabulary()
	i, ok := v.byID[ConceptKey{f, id}]
	if !ok {
		return Concept{}, false
	}
	return v.concepts[i], true
}

// ConceptOrder returns where value id comes in the display order of facet f, for
// sorting the values of one facet: a value the vocabulary does not know comes after
// every known one.
func ConceptOrder(f Facet, id string) int {
	v := theVocabulary()
	if i, ok := v.byID[ConceptKey{f, id}]; ok {
		return i // concepts are numbered in file order, which is each facet's display order
	}
	return len(v.concepts)
}

// Label returns the label of value id of facet f in language lang: the vocabulary's
// label in lang, else its English one, else id itself for a value the vocabulary does
// not know. Label(Lang, "ja", "en") is "Japanese", Label(Lang, "ja", "ja") "日本語".
func Label(f Facet, id, lang string) string {
	c, ok := LookupConcept(f, id)
	switch {
	case !ok:
		return id
	case c.Labels[lang] != "":
		return c.Labels[lang]
	}
	return c.Labels["en"]
}

// ConceptsIn returns the concepts that text names, in the order of first mention,
// without duplicates. The search uses it to expand a query across languages, so text
// is read as a query: an abbreviation typed in lower case ("als", "sci") counts when it
// is a whole word of the query, and no design is discounted as future or negated.
func ConceptsIn(text string) []Concept {
	v := theVocabulary()
	found := v.scan(text, true)
	slices.SortStableFunc(found, func(a, b conceptMention) int { return a.start - b.start })
	var out []Concept
	seen := make(map[int]bool)
	for _, m := range found {
		if !seen[m.concept] {
			seen[m.concept] = true
			out = append(out, v.concepts[m.concept])
		}
	}
	return out
}

// incidentalDominance is how often a passage must name a disease (or name it in its
// headings) for another disease it names only once to be incidental.
const incidentalDominance = 3

// abbreviationGap is the most runes between a name and the abbreviation after it
// ("acute respiratory distress syndrome (ARDS)").
const abbreviationGap = 3

// ExtractFacets returns the facets of a passage: those named in its text and in the
// headings above it (outermost first, its own heading last), in their context: a
// concept negated ("无 GVHD 报告"), a transplantation patients had before ("GVHD after
// HSCT"), a disease a meta-analysis measures as an outcome, or one named once in a
// passage about another does not count. A study
// design named only as future or negated ("a larger placebo-controlled trial is
// planned") does not count: design records the study the passage reports, while a
// planned trial's phase does.
func ExtractFacets(headings []string, text string) Facets {
	facets, _ := extractFacets(append(slices.Clip(headings), text), 0)
	return facets
}

// extractFacets returns the facets of the parts of a passage (headings, then its
// text), and those of them named only in its first context parts (a document's
// title): the values the passage inherits rather than names.
func extractFacets(parts []string, context int) (facets, inherited Facets) {
	v := theVocabulary()
	values := make(map[int]bool)   // concept index -> named by a strong term
	measured := make(map[int]bool) // concept index -> named only as an outcome measured
	own := make(map[int]bool)      // concept index -> named after the context
	inText := make(map[int]int)    // concept index -> times the text names it
	inHeadings := make(map[int]bool)
	for k, s := range parts {
		lastEnd := map[int]int{} // concept index -> where the text last named it
		for _, m := range v.mentions(s) {
			_, seen := values[m.concept]
			measured[m.concept] = m.outcome && (!seen || measured[m.concept])
			values[m.concept] = values[m.concept] || !m.weak
			own[m.concept] = own[m.concept] || k >= context
			if k == len(parts)-1 {
				// "graft-versus-host disease (GVHD)" names it once.
				if end, ok := lastEnd[m.concept]; !ok || m.start-end > abbreviationGap {
					inText[m.concept]++
				}
				lastEnd[m.concept] = m.end
			} else {
				inHeadings[m.concept] = true
			}
		}
	}
	// A disease named once in passing in a passage about another one ("传统疗法还存在
	// 感染、骨质疏松等副作用" in a text about lupus) is not what the passage is about.
	dominant := 0
	for i, n := range inText {
		if v.concepts[i].Facet == Indication && (n >= incidentalDominance || inHeadings[i]) {
			dominant = max(dominant, n, incidentalDominance)
		}
	}
	if dominant >= incidentalDominance {
		for i, n := range inText {
			if v.concepts[i].Facet == Indication && n == 1 && !inHeadings[i] {
				delete(values, i)
			}
		}
	}
	// A meta-analysis names the outcomes it pools (death, myocardial infarction):
	// they are not the disease it is about.
	if values[v.byID[ConceptKey{Design, "systematic-review"}]] {
		for i, only := range measured {
			if only {
				delete(values, i)
			}
		}
	}
	strongFacet := make(map[Facet]bool)
	for i, strong := range values {
		if strong {
			strongFacet[v.concepts[i].Facet] = true
		}
	}
	for i, strong := range values {
		if !strong && strongFacet[v.concepts[i].Facet] {
			delete(values, i)
		}
	}
	for i := range values {
		for _, j := range v.subsumes[i] {
			delete(values, j)
		}
	}
	facets, inherited = Facets{}, Facets{}
	for i := range values {
		c := v.concepts[i]
		facets[c.Facet] = append(facets[c.Facet], c.ID)
		if !own[i] {
			inherited[c.Facet] = append(inherited[c.Facet], c.ID)
		}
	}
	for f := range facets {
		slices.Sort(facets[f])
		slices.Sort(inherited[f])
	}
	return facets, inherited
}

// absorb removes from facets the values another of its values subsumes.
func absorb(facets Facets) Facets {
	v := theVocabulary()
	for f, ids := range facets {
		for _, id := range ids {
			i, ok := v.byID[ConceptKey{f, id}]
			if !ok {
				continue
			}
			for _, j := range v.subsumes[i] {
				c := v.concepts[j]
				facets[c.Facet] = slices.DeleteFunc(facets[c.Facet], func(x string) bool { return x == c.ID })
			}
		}
	}
	for f, ids := range facets {
		if len(ids) == 0 {
			delete(facets, f)
		}
	}
	return facets
}
