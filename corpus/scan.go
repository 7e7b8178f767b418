package corpus

import "slices"

// conceptMention is one concept named at [start, end) of a scanned text, in runes of
// the text as prepareScan normalised it (not bytes of the text scanned).
type conceptMention struct {
	concept    int
	start, end int
	weak       bool
	// abbreviation says the concept is named by one of its abbreviations.
	abbreviation bool
}

// Design cue windows, in runes within one sentence: wide enough for "In the near future,
// a double-blind study", narrow enough not to reach into the next clause.
const (
	futureBeforeWindow = 50
	futureAfterWindow  = 30
	negationWindow     = 3
)

// scan finds every concept named in s, the leftmost-longest term at each point. In a
// query, case-sensitive abbreviations also match in any case as whole words and design
// cues are ignored; in running text, designs named as future or negated are dropped.
func (v *vocabulary) scan(s string, query bool) []conceptMention {
	t := prepareScan(s)
	var found []conceptMention
	var cues []cueMention
	var cands, bests []termMatch
	for i := 0; i < len(t.folded); {
		r := t.folded[i]
		if isTermSeparator(r) || (isLatinWordRune(r) && t.wordAt(i-1)) {
			i++
			continue
		}
		cands = matchTrie(v.folded, t.folded, i, cands[:0])
		if isLatinWordRune(r) { // abbreviations begin with a letter or digit
			n := len(cands)
			cands = matchTrie(v.cased, t.cased, i, cands)
			for k := n; k < len(cands); k++ {
				cands[k].cased = true
			}
			if query {
				n = len(cands)
				cands = matchTrie(v.queryAbbrev, t.folded, i, cands)
				for k := n; k < len(cands); k++ {
					cands[k].cased, cands[k].queryWord = true, true
				}
			}
		}
		// The longest accepted name of each facet counts: within a facet the longest
		// wins ("non-randomized" over "randomized"), while names of different facets may
		// nest ("post-marketing surveillance" is observational, "post-marketing" phase 4).
		bests = bests[:0]
		for _, c := range cands {
			end, ok := v.accept(&t, i, c, query)
			if !ok {
				continue
			}
			g := v.facetOf(c.term)
			k := slices.IndexFunc(bests, func(b termMatch) bool { return v.facetOf(b.term) == g })
			switch {
			case k < 0:
				bests = append(bests, termMatch{term: c.term, end: end})
			case end > bests[k].end:
				bests[k] = termMatch{term: c.term, end: end}
			}
		}
		next := i + 1
		for _, b := range bests {
			if tm := v.terms[b.term]; tm.cue == 0 {
				found = append(found, conceptMention{concept: tm.concept, start: i, end: b.end, weak: tm.weak, abbreviation: tm.abbreviation})
			} else {
				cues = append(cues, cueMention{kind: tm.cue, start: i, end: b.end})
			}
			next = max(next, b.end)
		}
		i = next
	}
	found = append(found, v.phaseMentions(t)...)
	kept := found[:0]
	for _, m := range found {
		if query || v.concepts[m.concept].Facet != Design || !discounted(&t, m, cues) {
			kept = append(kept, m)
		}
	}
	return kept
}

// facetOf returns the facet a term names; a design cue counts as a facet of its own.
func (v *vocabulary) facetOf(term int) Facet {
	if tm := v.terms[term]; tm.cue == 0 {
		return v.concepts[tm.concept].Facet
	}
	return ""
}

// cueMention is a design cue found at [start, end) of a scanned text, in runes.
type cueMention struct {
	kind       cueKind
	start, end int
}

// accept checks a candidate's boundaries and exclusions and returns where its match
// ends (after a plural "s").
func (v *vocabulary) accept(t *scanText, start int, c termMatch, query bool) (int, bool) {
	tm := &v.terms[c.term]
	end := c.end
	fromCased := c.cased && !c.queryWord
	if tm.latinEnd {
		plural := t.folded
		if fromCased {
			plural = t.cased
		}
		if tm.letterEnd && end < len(plural) && plural[end] == 's' && !t.wordAt(end+1) {
			end++ // plural: "MSCs", "exosomes"
		}
		if t.wordAt(end) {
			return 0, false
		}
	}
	if tm.cue != 0 {
		return end, true
	}
	if c.queryWord && !t.wholeWord(start, end) {
		return 0, false // a lower-case abbreviation counts only as a whole query word
	}
	if fromCased && tm.commonWord && !query && t.shouting(start) {
		return 0, false
	}
	if fromCased && !query && t.inAuthorList(start, c.end) {
		return 0, false // "Gad SA, Zeleke MS, Alanazi FE"
	}
	if tm.latinEnd && t.followedByFree(end) {
		return 0, false // "mouse-free assay", "EV-free medium"
	}
	for _, e := range tm.exclude {
		if t.matchesAt(e.phrase, start-e.offset) {
			return 0, false
		}
	}
	return end, true
}

// discounted reports whether design mention m is future, hypothetical or negated by a
// cue of its sentence.
func discounted(t *scanText, m conceptMention, cues []cueMention) bool {
	for _, c := range cues {
		var near bool
		switch {
		case c.end <= m.start:
			gap := m.start - c.end
			near = (c.kind&cueFutureBefore != 0 && gap <= futureBeforeWindow ||
				c.kind&cueNegation != 0 && gap <= negationWindow) && t.sameSentence(c.end, m.start)
		case c.start >= m.end:
			near = c.kind&cueFutureAfter != 0 && c.start-m.end <= futureAfterWindow && t.sameSentence(m.end, c.start)
		}
		if near {
			return true
		}
	}
	return false
}
