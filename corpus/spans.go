package corpus

import (
	"slices"

	"golang.org/x/text/unicode/norm"
)

// ConceptSpan is one name of a concept found in a text, and where it is.
type ConceptSpan struct {
	Concept ConceptKey
	// Start and End are byte offsets into the text as NFKC normalises it
	// (norm.NFKC.String), which is the form the vocabulary is matched against.
	Start, End int
}

// FindConcepts returns every name of a concept in text, in the order they appear,
// read as running text the way ExtractFacets reads a passage: the same names and
// matching rules, and a study design named as future or negated does not count.
// Unlike ExtractFacets it keeps each name where it is, including one that a stronger
// or broader name of the same facet would absorb, for callers that need to know what
// is named next to what (the trial a registry id or a product code belongs to). A trial
// phase's span is one character where the phase is named, not the whole phrase.
func FindConcepts(text string) []ConceptSpan {
	v := theVocabulary()
	found := slices.Clone(v.mentions(text)) // sorted below
	if len(found) == 0 {
		return nil
	}
	slices.SortStableFunc(found, func(a, b conceptMention) int { return a.start - b.start })
	// The scan counts runes of the NFKC text; callers slice bytes.
	nfkc := norm.NFKC.String(text)
	byteAt := make([]int, 0, len(nfkc)+1)
	for i := range nfkc {
		byteAt = append(byteAt, i)
	}
	byteAt = append(byteAt, len(nfkc))
	out := make([]ConceptSpan, 0, len(found))
	for _, m := range found {
		start, end := min(m.start, len(byteAt)-1), min(m.end, len(byteAt)-1)
		out = append(out, ConceptSpan{Concept: v.concepts[m.concept].Key(), Start: byteAt[start], End: byteAt[end]})
	}
	return out
}
