package search

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"musesearch/corpus"
	"musesearch/indexer"
)

// termPattern is what one query word or phrase becomes under one field's analyser: a
// run of consecutive positions, each with the terms accepted there. A nil slot is a gap
// (a stop word the analyser dropped) that any token fills.
type termPattern [][]string

// analyzeFunc runs the index analyser named analyzer over text.
type analyzeFunc func(analyzer, text string) []indexer.Token

// patternOf turns the tokens an analyser made of a query word or phrase into its
// pattern, or nil when the analyser kept no token of it.
func patternOf(tokens []indexer.Token) termPattern {
	if len(tokens) == 0 {
		return nil
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first = min(first, t.Position)
		last = max(last, t.Position)
	}
	p := make(termPattern, last-first+1)
	for _, t := range tokens {
		i := t.Position - first
		if !slices.Contains(p[i], t.Term) {
			p[i] = append(p[i], t.Term)
		}
	}
	return p
}

// span is a matched stretch of a text, in byte offsets; unit is the index of the query
// word or phrase that matched it, concept whether it matched a term of a concept the
// unit names rather than the unit itself.
type span struct {
	start, end int
	unit       int
	concept    bool
}

// highlighter finds, in a section's text, the stretches that match the query: it runs
// each field analyser over the text and looks for the query's term patterns in the
// token stream, so that a match is marked whole whatever the analyser split it into.
type highlighter struct {
	analyze analyzeFunc
	rules   []highlightRule
	// tokens memoises the analysis of texts, by analyser and text: a
	// highlighter serves one search, which may mark a text more than once (snippet,
	// suggestion). It also holds the tokens the index gave of a page's texts (know),
	// which are then not analysed. It is not safe for concurrent use.
	tokens map[[2]string][]indexer.Token
	// known holds more tokens of texts, read only: those of the highlighter a share
	// worker serves, so that a worker needs no copy of them.
	known map[[2]string][]indexer.Token
	// tries counts the patterns tried at a token, for tests to bound.
	tries int
	// unmerged is spans' buffer of the matches of one text, before they are merged.
	unmerged []span
	// terms, when not nil, is what vectorTerms returns, made once for the rules.
	terms map[string][]string
}

// tokensOf analyses text with the named analyser, once per highlighter.
func (h *highlighter) tokensOf(analyzer, text string) []indexer.Token {
	key := [2]string{analyzer, text}
	if t, ok := h.tokens[key]; ok {
		return t
	}
	if t, ok := h.known[key]; ok {
		return t
	}
	if h.tokens == nil {
		h.tokens = map[[2]string][]indexer.Token{}
	}
	t := h.analyze(analyzer, text)
	h.tokens[key] = t
	return t
}

// vectorTerms returns, by analyser, every term of the patterns under it: what marking
// needs of a text's tokens. An analyser with fuzzy patterns is left out: they match
// terms not known in advance. The map is read only.
func (h *highlighter) vectorTerms() map[string][]string {
	if h.terms != nil {
		return h.terms
	}
	out := map[string][]string{}
	for _, r := range h.rules {
		if len(r.fuzzy) > 0 {
			continue
		}
		seen := make(map[string]bool, len(r.patterns))
		for _, up := range r.patterns {
			for _, slot := range up.pattern {
				for _, term := range slot {
					if !seen[term] {
						seen[term] = true
						out[r.analyzer] = append(out[r.analyzer], term)
					}
				}
			}
		}
	}
	return out
}

// reserve makes room for the tokens of n texts, about to be given by know: growing the
// map rehashes the texts it holds, whole.
func (h *highlighter) reserve(n int) {
	if h.tokens == nil {
		h.tokens = make(map[[2]string][]indexer.Token, n)
	}
}

// know records the tokens of text under analyzer, as the index holds them, so that
// marking text needs no analysis. tokens may hold only the tokens whose terms are in the
// patterns of that analyser (vectorTerms): no pattern tests any other.
func (h *highlighter) know(analyzer, text string, tokens []indexer.Token) {
	if h.tokens == nil {
		h.tokens = map[[2]string][]indexer.Token{}
	}
	h.tokens[[2]string{analyzer, text}] = tokens
}

// highlightRule is one index analyser with the patterns the query gives under it.
type highlightRule struct {
	analyzer string
	patterns []unitPattern
	// The patterns to try at a token: by the terms their first position accepts,
	// and the fuzzy ones at every token. A query naming concepts has thousands of
	// patterns (every name, in every language), of which a token starts few.
	byFirst map[string][]int
	fuzzy   []int
	// units holds the units of patterns, each once.
	units []int
}

// addPattern adds up to r's patterns, indexed by the terms it starts with.
func (r *highlightRule) addPattern(up unitPattern) {
	i := len(r.patterns)
	r.patterns = append(r.patterns, up)
	if !slices.Contains(r.units, up.unit) {
		r.units = append(r.units, up.unit)
	}
	if up.fuzzy > 0 {
		r.fuzzy = append(r.fuzzy, i)
		return
	}
	if r.byFirst == nil {
		r.byFirst = map[string][]int{}
	}
	for _, term := range up.pattern[0] {
		r.byFirst[term] = append(r.byFirst[term], i)
	}
}

// unitPattern is the pattern of one query unit, or of a term of a concept it names;
// with fuzzy > 0 a term also matches the terms within that edit distance; with exact
// set, a match counts only where the text spells exactly that (up to width), as an
// abbreviation that is a word in another case must be ("MS", not "ms").
type unitPattern struct {
	unit    int
	pattern termPattern
	fuzzy   int
	concept bool
	exact   string
}

// add registers a pattern of a query unit for text analysed by analyzer.
func (h *highlighter) add(analyzer string, up unitPattern) {
	if len(up.pattern) == 0 {
		return
	}
	for i := range h.rules {
		if h.rules[i].analyzer == analyzer {
			h.rules[i].addPattern(up)
			return
		}
	}
	r := highlightRule{analyzer: analyzer}
	r.addPattern(up)
	if analyzer == indexer.AnalyzerJa {
		h.rules = append(h.rules, r) // last: see unitSpans
	} else {
		h.rules = slices.Insert(h.rules, 0, r)
	}
}

// spans returns the matched stretches of text, sorted, with overlapping and touching
// stretches merged (the merged span keeps the lowest unit).
func (h *highlighter) spans(text string) []span {
	if h == nil {
		return nil
	}
	h.unmerged = h.appendUnitSpans(h.unmerged[:0], text)
	return mergeSpans(h.unmerged)
}

// maxShare bounds the goroutines share runs: the page's sections are few, and the
// search itself uses two cores.
const maxShare = 2

// share runs mark(i, hl) for i in [0, n) on up to maxShare goroutines, each with a
// highlighter of h's matches of its own (a highlighter is not safe for concurrent use);
// their analyses are then h's, for later marks of the same texts. A page grouped by
// document has up to MaxPassages snippets a hit, and a text the index gave no tokens of
// (a fuzzy retry's) is analysed, the costliest part of a snippet.
func (h *highlighter) share(n int, mark func(i int, hl *highlighter)) {
	workers := min(n, maxShare, runtime.GOMAXPROCS(0))
	if workers < 2 {
		for i := range n {
			mark(i, h)
		}
		return
	}
	hls := make([]*highlighter, workers)
	var wg sync.WaitGroup
	for w := range workers {
		// h's tokens (what the index gave, know) are read only while the workers run.
		hls[w] = &highlighter{analyze: h.analyze, rules: h.rules, known: h.tokens}
		wg.Go(func() {
			for i := w; i < n; i += workers {
				mark(i, hls[w])
			}
		})
	}
	wg.Wait()
	if h.tokens == nil {
		h.tokens = map[[2]string][]indexer.Token{}
	}
	for _, hl := range hls {
		for k, v := range hl.tokens {
			h.tokens[k] = v
		}
		h.tries += hl.tries
	}
}

// only returns a highlighter of the matches of one unit.
func (h *highlighter) only(unit int) *highlighter {
	if h.tokens == nil {
		h.tokens = map[[2]string][]indexer.Token{}
	}
	out := &highlighter{analyze: h.analyze, tokens: h.tokens}
	for _, r := range h.rules {
		for _, up := range r.patterns {
			if up.unit == unit {
				out.add(r.analyzer, up)
			}
		}
	}
	return out
}

// unitSpans returns every match in text of every unit, unsorted and unmerged. The
// terms of a concept a unit names are matches only where the unit itself is absent:
// they show why a section in another language matched, and are noise beside the
// word the user typed.
func (h *highlighter) unitSpans(text string) []span {
	return h.appendUnitSpans(nil, text)
}

// appendUnitSpans appends unitSpans(text) to found.
func (h *highlighter) appendUnitSpans(found []span, text string) []span {
	if h == nil || len(h.rules) == 0 || text == "" {
		return found
	}
	own := len(found)
	// The index analysers fold what they read (width, case) but report offsets in
	// the text as given, so the stored text is analysed as it was indexed.
	literal := map[int]bool{} // units with a match of their own
	// The standard analyser first (add keeps the Japanese one last): the Japanese one
	// is costly, and differs from it only on Japanese text (and in not stemming, which
	// finds nothing the standard one misses). On Han without kana (Chinese) the
	// standard one's bigrams find the same words, and where they found every unit
	// already it would add nothing new.
	for _, r := range h.rules {
		if r.analyzer == indexer.AnalyzerJa && (!slices.ContainsFunc(r.units, func(u int) bool { return !literal[u] }) || !corpus.HasKana(text)) {
			continue
		}
		tokens := h.tokensOf(r.analyzer, text)
		byPos := byPosition(tokens)
		for _, t := range tokens {
			for _, list := range [2][]int{r.byFirst[t.Term], r.fuzzy} {
				for _, i := range list {
					h.tries++
					up := r.patterns[i]
					if s, ok := matchAt(byPos, t, up); ok && (up.exact == "" || norm.NFKC.String(text[s.start:s.end]) == up.exact) {
						s.unit, s.concept = up.unit, up.concept
						found = append(found, s)
						literal[s.unit] = literal[s.unit] || !s.concept
					}
				}
			}
		}
	}
	return found[:own+len(slices.DeleteFunc(found[own:], func(s span) bool { return s.concept && literal[s.unit] }))]
}

// byPosition returns tokens in the order of their positions, those of one position in
// their order in tokens: tokens itself when it is so already, as the index gives them.
func byPosition(tokens []indexer.Token) []indexer.Token {
	order := func(a, b indexer.Token) int { return a.Position - b.Position }
	if slices.IsSortedFunc(tokens, order) {
		return tokens
	}
	sorted := slices.Clone(tokens)
	slices.SortStableFunc(sorted, order)
	return sorted
}

// atPosition returns the tokens of byPos (in the order of their positions) at
// position pos.
func atPosition(byPos []indexer.Token, pos int) []indexer.Token {
	i, _ := slices.BinarySearchFunc(byPos, pos, func(t indexer.Token, pos int) int { return t.Position - pos })
	j := i
	for j < len(byPos) && byPos[j].Position == pos {
		j++
	}
	return byPos[i:j]
}

// matchAt reports whether the pattern occurs in the token stream starting with token
// t, and the span of the text it covers; byPos is the stream in the order of its
// tokens' positions.
func matchAt(byPos []indexer.Token, t indexer.Token, up unitPattern) (span, bool) {
	p := up.pattern
	if !termMatches(p[0], t.Term, up.fuzzy) {
		return span{}, false
	}
	s := span{start: t.Start, end: t.End}
	for k := 1; k < len(p); k++ {
		if p[k] == nil {
			continue
		}
		var hit *indexer.Token
		at := atPosition(byPos, t.Position+k)
		for j := range at {
			if termMatches(p[k], at[j].Term, up.fuzzy) {
				hit = &at[j]
				break
			}
		}
		if hit == nil {
			return span{}, false
		}
		s.start = min(s.start, hit.Start)
		s.end = max(s.end, hit.End)
	}
	return s, true
}

// termMatches reports whether term is one of the accepted terms, or within edit
// distance fuzzy of one.
func termMatches(accepted []string, term string, fuzzy int) bool {
	if slices.Contains(accepted, term) {
		return true
	}
	for _, a := range accepted {
		if fuzzy > 0 && editDistanceWithin(a, term, fuzzy) {
			return true
		}
	}
	return false
}

func mergeSpans(spans []span) []span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	out := []span{spans[0]}
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			last.unit = min(last.unit, s.unit)
			continue
		}
		out = append(out, s)
	}
	return out
}

// exported returns spans as the engine's callers see them.
func exported(spans []span) []Span {
	if len(spans) == 0 {
		return nil
	}
	out := make([]Span, len(spans))
	for i, s := range spans {
		out[i] = Span{s.start, s.end}
	}
	return out
}

// appendFolded writes text to b with every run of white space (paragraph breaks
// included) folded to one space, and returns the spans moved to their place in it, as
// offsets in what b holds. Spans start and end on matched words, never inside a run of
// white space.
func appendFolded(b *strings.Builder, text string, spans []span) []Span {
	marks := make([]Span, 0, len(spans))
	next := 0 // the next span whose start or end is to be placed
	var open *Span
	// at is where the next start or end is to be placed (past the text when none is).
	at := func() int {
		if open != nil {
			return spans[next-1].end
		}
		if next < len(spans) {
			return spans[next].start
		}
		return len(text) + 1
	}
	boundary := at()
	space := false
	for i := 0; i < len(text); {
		for i == boundary {
			if open != nil {
				open.End = b.Len()
				open = nil
			} else {
				marks = append(marks, Span{Start: b.Len() + boolInt(space)})
				open = &marks[len(marks)-1]
				next++
			}
			boundary = at()
		}
		// Most of a snippet is ASCII: written a run of letters at a time, without the
		// tables.
		if c := text[i]; c < utf8.RuneSelf {
			if asciiSpace(c) {
				space = true
				i++
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			j := i + 1
			for j < len(text) && j != boundary && text[j] < utf8.RuneSelf && !asciiSpace(text[j]) {
				j++
			}
			b.WriteString(text[i:j])
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	if open != nil {
		open.End = b.Len()
	}
	if len(marks) == 0 {
		return nil
	}
	return marks
}

// asciiSpace reports whether the ASCII character c is white space.
func asciiSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// snippetRunes is the length of a snippet, in characters.
const snippetRunes = 200

// snippet returns the passage of text, about snippetRunes characters, that holds the
// most distinct query units (then the most matches), cut at sentence or word
// boundaries where it can, with an ellipsis where the text goes on.
func snippet(text string, spans []span) Passage {
	if strings.TrimSpace(text) == "" {
		return Passage{}
	}
	from := 0
	if len(spans) > 0 {
		from = bestWindow(text, spans)
	}
	start := passageStart(text, from)
	end := passageEnd(text, start)
	// Never cut a match in two: a span that straddles the end extends the passage.
	for _, s := range spans {
		if s.start < end && s.end > end {
			end = s.end
		}
	}
	var inside []span
	for _, s := range spans {
		if s.start >= start && s.end <= end {
			inside = append(inside, span{start: s.start - start, end: s.end - start, unit: s.unit})
		}
	}
	const ellipsis = "…"
	trimmed := strings.TrimSpace(text[start:end])
	var b strings.Builder
	b.Grow(len(ellipsis) + len(trimmed) + len(ellipsis))
	if start > 0 {
		b.WriteString(ellipsis)
	}
	marks := appendFolded(&b, trimmed, shiftForTrim(text[start:end], inside))
	// Where the text goes on, an ellipsis says so, but not after the end of a sentence
	// ("damage.…"): the next sentence is not cut.
	if end < len(text) && !endsSentence(b.String()) {
		b.WriteString(ellipsis)
	}
	return Passage{Text: b.String(), Marks: marks}
}

// endsSentence reports whether s ends with a sentence's final punctuation.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?。！？", r)
}

// shiftForTrim moves spans of s to their place in strings.TrimSpace(s).
func shiftForTrim(s string, spans []span) []span {
	lead := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
	trimmed := len(strings.TrimSpace(s))
	out := spans[:0]
	for _, sp := range spans {
		sp.start -= lead
		sp.end -= lead
		if sp.start >= 0 && sp.end <= trimmed {
			out = append(out, sp)
		}
	}
	return out
}

// bestWindow returns the start of the match from which a snippet-long window covers
// the most distinct units, then the most matches; the earliest wins ties.
func bestWindow(text string, spans []span) int {
	best, bestUnits, bestCount := spans[0].start, -1, -1
	// seen[u] is 1 + the index of the last match whose window holds unit u.
	last := 0
	for _, s := range spans {
		last = max(last, s.unit)
	}
	seen := make([]int, last+1)
	limit := 0
	for i, s := range spans {
		if i > 0 && s.start >= spans[i-1].start && (s.start == len(text) || utf8.RuneStart(text[s.start])) {
			// As far past the last limit as s is past the last match: the characters
			// between two matches are counted once, not again for every match.
			limit = runeOffset(text, limit, utf8.RuneCountInString(text[spans[i-1].start:s.start]))
		} else {
			limit = runeOffset(text, s.start, snippetRunes*3/4)
		}
		units, count := 0, 0
		for _, t := range spans[i:] {
			if t.end > limit {
				break
			}
			if seen[t.unit] != i+1 {
				seen[t.unit] = i + 1
				units++
			}
			count++
		}
		if units > bestUnits || units == bestUnits && count > bestCount {
			best, bestUnits, bestCount = s.start, units, count
		}
	}
	return best
}

// runeOffset returns the byte offset n characters after (n > 0) or before (n < 0) the
// byte offset at, clamped to the text.
func runeOffset(text string, at, n int) int {
	// An ASCII character is its byte: most of the text a snippet is cut from.
	for ; n > 0 && at < len(text); n-- {
		if text[at] < utf8.RuneSelf {
			at++
			continue
		}
		_, size := utf8.DecodeRuneInString(text[at:])
		at += size
	}
	for ; n < 0 && at > 0; n++ {
		if text[at-1] < utf8.RuneSelf {
			at--
			continue
		}
		_, size := utf8.DecodeLastRuneInString(text[:at])
		at -= size
	}
	return at
}

// contextRunes is how much text a snippet shows before its first match, at most.
const contextRunes = 60

// passageStart picks where a snippet whose first match is at byte from begins: the
// start of its sentence when that is near enough, else a word boundary a little before.
func passageStart(text string, from int) int {
	if from == 0 {
		return 0
	}
	earliest := runeOffset(text, from, -contextRunes)
	if s := lastSentenceStart(text[:from], earliest); s >= earliest {
		return s
	}
	// Latin text: start at a word; CJK text may start at any character.
	start := earliest
	if i := strings.IndexFunc(text[earliest:from], unicode.IsSpace); i >= 0 && earliest > 0 {
		start = earliest + i
	}
	return start
}

// lastSentenceStart returns the byte offset where the sentence containing the end of
// s begins when that is at from or later, else 0: it reads s back to from, not to
// its start.
func lastSentenceStart(s string, from int) int {
	for i := len(s); i > 0 && i >= from; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		switch r {
		case '。', '！', '？', '\n', '．':
			return i + size
		case '.', '!', '?', ';':
			if i+size < len(s) && s[i+size] == ' ' {
				return i + size
			}
		}
	}
	return 0
}

// passageEnd picks where a snippet that begins at start ends: about snippetRunes
// characters later, at the end of a sentence or a word when one is near.
func passageEnd(text string, start int) int {
	limit := runeOffset(text, start, snippetRunes)
	if limit >= len(text) {
		return len(text)
	}
	floor := runeOffset(text, limit, -snippetRunes/5)
	if s := lastSentenceStart(text[:limit], floor+1); s > floor {
		return s
	}
	if i := strings.LastIndexFunc(text[floor:limit], unicode.IsSpace); i >= 0 {
		return floor + i
	}
	return limit
}
