package corpus

import (
	"slices"
	"strings"
	"sync"
)

// conceptMention is one concept named at [start, end) of a scanned text, in runes of
// the text as prepareScan normalised it (not bytes of the text scanned).
type conceptMention struct {
	concept    int
	start, end int
	weak       bool
	// abbreviation says the concept is named by one of its abbreviations.
	abbreviation bool
	// term is the vocabulary term that named the concept (-1 for a phase).
	term int
	// outcome says a disease is named as an outcome measured ("the outcomes of
	// death and myocardial infarction"), which counts only outside a meta-analysis.
	outcome bool
}

// Cue windows, in runes within one sentence: wide enough for "In the near future, a
// double-blind study", narrow enough not to reach into the next clause.
const (
	futureBeforeWindow   = 50
	futureAfterWindow    = 30
	negationWindow       = 3
	negationAfterWindow  = 40 // "人の胚性幹細胞、人工多能性幹細胞及び…を利用しない"
	afterBeforeWindow    = 30 // "following allogeneic hematopoietic stem cell transplantation"
	transplantGap        = 2  // between a cell type and "移植", or "移植" and "後"
	outcomeBeforeWindow  = 80 // "did not affect the outcomes of cardiovascular death, …, myocardial infarction"
	quotationMarksClosed = `”」』"»`
)

// The mentions of the texts scanned last as running text are kept, up to memoBytes of
// text: parsing a file scans its title and headings again with each section under them
// (the facets of a section are those of its heading path), and the indexer scans each
// section's text and heading again for its mentions (CountMentions). At 10,000 sections
// 42% of the text scanned had been scanned before, nearly all of it within the same
// file; 8 MB holds every text of a file of a few megabytes.
const memoBytes = 8 << 20

// memoOverhead is what an entry costs beside its text, for memoBytes.
const memoOverhead = 128

// scanMemo holds the mentions of recently scanned texts, the oldest dropped first.
type scanMemo struct {
	mu    sync.Mutex
	found map[string][]conceptMention
	order []string // the texts in found, oldest first
	bytes int
}

// mentions returns the concepts named in s, read as running text (scan(s, false)).
// The caller must not modify the slice returned: it may be shared.
func (v *vocabulary) mentions(s string) []conceptMention {
	m := &v.memo
	m.mu.Lock()
	found, ok := m.found[s]
	m.mu.Unlock()
	if ok {
		return found
	}
	found = slices.Clip(v.scan(s, false))
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.found[s]; ok {
		return found // another goroutine scanned it meanwhile
	}
	if m.found == nil {
		m.found = make(map[string][]conceptMention)
	}
	// A copy, so that the memo holds no larger text that s is part of.
	key := strings.Clone(s)
	m.found[key] = found
	m.order = append(m.order, key)
	m.bytes += len(key) + memoOverhead
	for m.bytes > memoBytes {
		old := m.order[0]
		m.order[0] = ""
		m.order = m.order[1:]
		m.bytes -= len(old) + memoOverhead
		delete(m.found, old)
	}
	return found
}

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
				found = append(found, conceptMention{concept: tm.concept, start: i, end: b.end, weak: tm.weak, abbreviation: tm.abbreviation, term: b.term})
			} else {
				cues = append(cues, cueMention{kind: tm.cue, start: i, end: b.end})
			}
			next = max(next, b.end)
		}
		i = next
	}
	found = append(found, v.phaseMentions(t)...)
	if query {
		return found
	}
	counted := make([]bool, len(found))
	for i, m := range found {
		counted[i] = !v.outOfContext(&t, m, cues)
	}
	var kept []conceptMention
	for i, m := range found {
		if counted[i] && !v.displaced(&t, m, found, counted) {
			if v.concepts[m.concept].Facet == Indication {
				m.outcome = follows(&t, m, cues, cueOutcome, outcomeBeforeWindow)
			}
			kept = append(kept, m)
		}
	}
	return kept
}

// outOfContext reports whether mention m, in a text with its cues, does not name what
// the text is about: a design future, negated or done before ("动物实验后"), a disease
// or cell type negated, a transplantation the patients had before ("after HSCT").
func (v *vocabulary) outOfContext(t *scanText, m conceptMention, cues []cueMention) bool {
	switch v.concepts[m.concept].Facet {
	case Design:
		// "在通过实验室和动物实验后": the design of a step before the one the text is
		// about.
		return discounted(t, m, cues) || precedes(t, m, cues, cueAfterAfter, 0)
	case Indication:
		return follows(t, m, cues, cueNegation, negationWindow) || precedes(t, m, cues, cueNegationAfter, negationAfterWindow)
	case CellType:
		return follows(t, m, cues, cueNegation, negationWindow) || precedes(t, m, cues, cueNegationAfter, negationAfterWindow) ||
			v.afterTransplant(t, m, cues)
	}
	return false
}

// displaced reports whether mention m is displaced by another counted mention of its
// sentence: it is that one's setting (the transplantation a graft-versus-host
// disease follows), or its term yields to that one (an open-label randomized trial).
func (v *vocabulary) displaced(t *scanText, m conceptMention, found []conceptMention, counted []bool) bool {
	for i, other := range found {
		if !counted[i] || !t.sameSentence(min(other.start, m.start), max(other.start, m.start)) {
			continue
		}
		if slices.Contains(v.settingFor[other.concept], m.concept) {
			return true
		}
		if m.term >= 0 && slices.Contains(v.terms[m.term].yieldTo, other.concept) {
			return true
		}
	}
	return false
}

// follows reports whether m comes at most window runes after a cue of kind, in its
// sentence.
func follows(t *scanText, m conceptMention, cues []cueMention, kind cueKind, window int) bool {
	for _, c := range cues {
		if c.kind&kind != 0 && c.end <= m.start && m.start-c.end <= window && t.sameSentence(c.end, m.start) {
			return true
		}
	}
	return false
}

// precedes reports whether m comes at most window runes before a cue of kind, in its
// sentence.
func precedes(t *scanText, m conceptMention, cues []cueMention, kind cueKind, window int) bool {
	for _, c := range cues {
		if c.kind&kind != 0 && c.start >= m.end && c.start-m.end <= window && t.sameSentence(m.end, c.start) {
			return true
		}
	}
	return false
}

// afterTransplant reports whether cell type mention m names a transplantation the
// patients had before: "after allogeneic HSCT", "造血幹細胞移植後", "异体造血干细胞移植后".
func (v *vocabulary) afterTransplant(t *scanText, m conceptMention, cues []cueMention) bool {
	end, transplant := m.end, m.term >= 0 && v.terms[m.term].transplant
	for _, c := range cues {
		if c.kind&cueTransplant != 0 && c.start >= m.end && c.start-m.end <= transplantGap {
			end, transplant = c.end, true
		}
	}
	if !transplant {
		return false
	}
	for _, c := range cues {
		if c.kind&cueAfterAfter != 0 && c.start >= end && c.start-end <= transplantGap {
			return true
		}
	}
	return follows(t, m, cues, cueAfterBefore, afterBeforeWindow)
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
// cue of its sentence. A design named in quotation marks is the name of a trial: a
// cue after the quotation does not reach it ("“…随机、双盲…Ⅱ期临床试验”,计划以…").
func discounted(t *scanText, m conceptMention, cues []cueMention) bool {
	for _, c := range cues {
		var near bool
		switch {
		case c.end <= m.start:
			gap := m.start - c.end
			near = (c.kind&cueFutureBefore != 0 && gap <= futureBeforeWindow ||
				c.kind&cueNegation != 0 && gap <= negationWindow) && t.sameSentence(c.end, m.start)
		case c.start >= m.end:
			near = c.kind&cueFutureAfter != 0 && c.start-m.end <= futureAfterWindow && t.sameSentence(m.end, c.start) &&
				!t.quoteCloses(m.end, c.start)
		}
		if near {
			return true
		}
	}
	return false
}
