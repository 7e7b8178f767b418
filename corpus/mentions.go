package corpus

// CountMentions returns how many times text names each concept, read as running text
// the way ExtractFacets reads a passage: the same names and matching rules, and a
// study design named as future or negated does not count. Unlike ExtractFacets it
// counts every name, including one that a more specific or stronger name of the same
// facet would absorb there, so that the counts can rank passages by how much they are
// about a concept. Abbreviations ("ALS", "MSC") do not count: a passage that spells a
// concept out ranks above one that only abbreviates it, which is the better passage to
// show a reader coming from another language.
func CountMentions(text string) map[ConceptKey]int {
	v := theVocabulary()
	counts := make(map[ConceptKey]int)
	for _, m := range v.mentions(text) {
		if m.abbreviation {
			continue
		}
		counts[v.concepts[m.concept].Key()]++
	}
	return counts
}
