package corpus

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

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

// The vocabulary is embedded and parsed once, on first use; TestVocabulary validates
// the embedded file so that the panic below cannot happen in a tested build.
//
//go:embed vocabulary.json
var vocabularyJSON []byte

var theVocabulary = sync.OnceValue(func() *vocabulary {
	v, err := parseVocabulary(vocabularyJSON)
	if err != nil {
		panic(fmt.Sprintf("corpus: embedded vocabulary.json: %v", err))
	}
	return v
})

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
	i, ok := v.byID[conceptKey{f, id}]
	if !ok {
		return Concept{}, false
	}
	return v.concepts[i], true
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

// ExtractFacets returns the facets of a passage: those named in its text and in the
// headings above it (outermost first, its own heading last). A study design named only
// as future or negated ("a larger placebo-controlled trial is planned") does not count:
// design records the study the passage reports, while a planned trial's phase does.
func ExtractFacets(headings []string, text string) Facets {
	v := theVocabulary()
	values := make(map[int]bool) // concept index -> named by a strong term
	for _, s := range append(slices.Clip(headings), text) {
		for _, m := range v.scan(s, false) {
			values[m.concept] = values[m.concept] || !m.weak
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
	facets := Facets{}
	for i := range values {
		c := v.concepts[i]
		facets[c.Facet] = append(facets[c.Facet], c.ID)
	}
	for f := range facets {
		slices.Sort(facets[f])
	}
	return facets
}

// conceptMention is one concept named at [start, end) of a scanned text, in runes of
// the text as prepareScan normalised it (not bytes of the text scanned).
type conceptMention struct {
	concept    int
	start, end int
	weak       bool
	// abbreviation says the concept is named by one of its abbreviations.
	abbreviation bool
}

// conceptKey identifies a concept: ids are unique within a facet.
type conceptKey struct {
	facet Facet
	id    string
}

// vocabulary is the parsed vocabulary with its compiled matcher.
type vocabulary struct {
	concepts []Concept
	byFacet  map[Facet][]int
	byID     map[conceptKey]int
	phases   map[string]int // phase id -> concept index
	subsumes map[int][]int  // concept index -> the concepts it absorbs
	terms    []vocabTerm
	folded   *trie // terms matched in any case, and cues
	cased    *trie // abbreviations matched in their exact case
	// queryAbbrev holds the abbreviations lower-cased, matched in a query as whole words.
	queryAbbrev *trie
	// phaseNotBefore are words that, following "phase N", show a phase that is not a
	// trial phase ("phase II metabolism").
	phaseNotBefore []string
}

// cueKind says how a cue term bears on a study design named near it; terms that name
// a concept have none.
type cueKind uint8

const (
	cueFutureBefore cueKind = 1 << iota // a design named after it is future or hypothetical
	cueFutureAfter                      // a design named before it is future or hypothetical
	cueNegation                         // a design named right after it is negated
)

// vocabTerm is one compiled vocabulary term.
type vocabTerm struct {
	cue     cueKind // zero for a term that names a concept
	concept int     // the concept named, when cue is zero
	// abbreviation terms match in their exact case in running text ("ALS", "MSC");
	// commonWord ones spell a common English word ("AS"): exact case even in a query,
	// and never in all-caps text.
	abbreviation, commonWord bool
	weak                     bool
	// latinEnd says whether the term ends with a letter or digit of an alphabetic
	// script, which must then sit on a word boundary (a term beginning with one starts
	// only where a word starts).
	latinEnd  bool
	letterEnd bool // ends with a letter: a plural "s" may follow
	exclude   []termExclusion
}

// termExclusion is a longer phrase that holds a term at offset runes from its start and
// does not name the term's concept.
type termExclusion struct {
	phrase []rune
	offset int
}

// trieNode is a node of a rune trie of terms. A ' ' edge matches any run of separators
// (spaces and dashes) in the text.
type trieNode struct {
	next  map[rune]*trieNode
	terms []int
}

// trie is a rune trie of terms with the set of runes a term can begin with, so that
// most places of a text are passed over without a map lookup.
type trie struct {
	root trieNode
	// starts has a bit for every rune of the Basic Multilingual Plane a term begins
	// with; wideStarts says whether some term begins beyond it.
	starts     [1 << 16 / 64]uint64
	wideStarts bool
}

func (tr *trie) insert(runes []rune, id int) {
	if r := runes[0]; r < 1<<16 {
		tr.starts[r/64] |= 1 << (r % 64)
	} else {
		tr.wideStarts = true
	}
	n := &tr.root
	for _, r := range runes {
		if n.next == nil {
			n.next = make(map[rune]*trieNode)
		}
		child := n.next[r]
		if child == nil {
			child = &trieNode{}
			n.next[r] = child
		}
		n = child
	}
	if !slices.Contains(n.terms, id) {
		n.terms = append(n.terms, id)
	}
}

// Design cue windows, in runes within one sentence: wide enough for "In the near future,
// a double-blind study", narrow enough not to reach into the next clause.
const (
	futureBeforeWindow = 50
	futureAfterWindow  = 30
	negationWindow     = 3
)

// scanText is a text prepared for matching: NFKC, separators unified, as runes.
type scanText struct {
	cased  []rune // NFKC with separators unified
	folded []rune // cased, lower-cased rune by rune (same length)
}

// prepareScan normalises s the way terms are normalised: NFKC as in Fold, then lower
// case rune by rune rather than Fold's full case folding, so that the case-sensitive
// and the folded view share rune offsets.
func prepareScan(s string) scanText {
	s = norm.NFKC.String(s)
	n := utf8.RuneCountInString(s)
	t := scanText{cased: make([]rune, 0, n), folded: make([]rune, 0, n)}
	for _, r := range s {
		r = unifySeparator(r)
		t.cased = append(t.cased, r)
		t.folded = append(t.folded, lowerRune(r))
	}
	return t
}

// lowerRune is unicode.ToLower with a fast path for ASCII and for kana and Han, which
// have no case.
func lowerRune(r rune) rune {
	switch {
	case 'A' <= r && r <= 'Z':
		return r + 'a' - 'A'
	case r < 0x80 || r >= 0x3040 && r < 0xA000:
		return r
	}
	return unicode.ToLower(r)
}

// unifySeparator maps every dash to '-', every space but a line break to ' ' and every
// apostrophe to the ASCII one, so that "double‑blind", "double blind" and "Wharton’s" match.
func unifySeparator(r rune) rune {
	if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r >= 0x3040 && r < 0xA000 {
		return r // letters, digits, kana and Han: the bulk of any text
	}
	switch {
	case r == '\n':
		return r
	case unicode.IsSpace(r):
		return ' '
	case unicode.Is(unicode.Pd, r) || r == '−':
		return '-'
	case r == '’' || r == '‘' || r == 'ʼ' || r == '′':
		return '\''
	}
	return r
}

func isTermSeparator(r rune) bool { return r == ' ' || r == '-' || r == '\n' }

// isLatinWordRune reports whether r belongs to a word of an alphabetic script: Latin terms
// must not start or end next to one. CJK characters never count, so "Muse細胞" is a
// boundary between "Muse" and "細胞".
func isLatinWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r >= 0x2E80 {
		return false // CJK and everything after it: no alphabetic script to bound
	}
	return unicode.IsDigit(r) || unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
}

func (t *scanText) wordAt(i int) bool {
	return i >= 0 && i < len(t.folded) && isLatinWordRune(t.folded[i])
}

// endsSentence reports whether rune i closes a sentence (or a line).
func (t *scanText) endsSentence(i int) bool {
	switch t.folded[i] {
	case '\n', '。', '!', '?', ';', '；', '！', '？':
		return true
	case '.':
		return i+1 == len(t.folded) || t.folded[i+1] == ' ' || t.folded[i+1] == '\n'
	}
	return false
}

// sameSentence reports whether no sentence ends between runes a and b (a <= b).
func (t *scanText) sameSentence(a, b int) bool {
	for i := a; i < b; i++ {
		if t.endsSentence(i) {
			return false
		}
	}
	return true
}

// shouting reports whether the sentence around rune i is mostly capitals, as in an
// all-caps heading where "AS" is the word "as".
func (t *scanText) shouting(i int) bool {
	upper, lower := 0, 0
	for j := i; j >= 0 && (j == i || !t.endsSentence(j)); j-- {
		upper, lower = countLetterCase(t.cased[j], upper, lower)
	}
	for j := i + 1; j < len(t.cased) && !t.endsSentence(j-1); j++ {
		upper, lower = countLetterCase(t.cased[j], upper, lower)
	}
	return upper > lower
}

func countLetterCase(r rune, upper, lower int) (int, int) {
	switch {
	case unicode.IsUpper(r):
		upper++
	case unicode.IsLower(r):
		lower++
	}
	return upper, lower
}

// termMatch is a term that matches at some start, ending at end.
type termMatch struct {
	term, end int
	// cased says the term is an abbreviation matched in its case; queryWord that it
	// is one matched in lower case, which must then be a whole word of a query.
	cased, queryWord bool
}

// matchTrie appends to out every term of the trie matching text from start.
func matchTrie(tr *trie, text []rune, start int, out []termMatch) []termMatch {
	if r := text[start]; r < 1<<16 && tr.starts[r/64]&(1<<(r%64)) == 0 || r >= 1<<16 && !tr.wideStarts {
		return out
	}
	n := &tr.root
	for j := start; j < len(text) && n.next != nil; {
		r := text[j]
		if isTermSeparator(r) {
			child := n.next[' ']
			if child == nil {
				child = n.next[r]
				if child == nil {
					break
				}
				j++
			} else {
				for j < len(text) && isTermSeparator(text[j]) {
					j++
				}
			}
			n = child
		} else {
			child := n.next[r]
			if child == nil {
				break
			}
			n = child
			j++
		}
		for _, id := range n.terms {
			out = append(out, termMatch{term: id, end: j})
		}
	}
	return out
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

// wholeWord reports whether [start, end) is a whole space-delimited word.
func (t *scanText) wholeWord(start, end int) bool {
	before := start == 0 || t.folded[start-1] == ' ' || t.folded[start-1] == '\n'
	after := end == len(t.folded) || t.folded[end] == ' ' || t.folded[end] == '\n'
	return before && after
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

// inAuthorList reports whether the capitals at [start, end) are an author's initials
// in a reference list: "Surname XX," next to another author written the same way.
func (t *scanText) inAuthorList(start, end int) bool {
	if end-start > 3 || end >= len(t.cased) || t.cased[end] != ',' || !t.capitals(start, end) {
		return false
	}
	surname := t.surnameBefore(start)
	if surname < 0 {
		return false
	}
	// The previous author ends at surname with "XX, "; or the next one follows.
	if surname >= 3 && t.cased[surname-1] == ' ' && t.cased[surname-2] == ',' {
		i := surname - 3
		for i >= 0 && unicode.IsUpper(t.cased[i]) {
			i--
		}
		if n := surname - 3 - i; n >= 1 && n <= 3 && i >= 0 && t.cased[i] == ' ' {
			return true
		}
	}
	next := end + 1
	for next < len(t.cased) && t.cased[next] == ' ' {
		next++
	}
	j := next
	for j < len(t.cased) && unicode.IsLetter(t.cased[j]) {
		j++
	}
	if j == next || j >= len(t.cased) || t.cased[j] != ' ' || t.surnameBefore(j+1) != next {
		return false
	}
	k := j + 1
	for k < len(t.cased) && unicode.IsUpper(t.cased[k]) {
		k++
	}
	return k-(j+1) >= 1 && k-(j+1) <= 3 && (k == len(t.cased) || t.cased[k] == ',' || t.cased[k] == '.')
}

// surnameBefore returns where the capitalised word ending one space before i starts
// ("Zeleke" in "Zeleke MS"), or -1.
func (t *scanText) surnameBefore(i int) int {
	if i < 3 || t.cased[i-1] != ' ' {
		return -1
	}
	j := i - 2
	for j >= 0 && unicode.IsLower(t.cased[j]) {
		j--
	}
	if j < 0 || j == i-2 || !unicode.IsUpper(t.cased[j]) || t.wordAt(j-1) {
		return -1
	}
	return j
}

func (t *scanText) capitals(start, end int) bool {
	for _, r := range t.cased[start:end] {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// followedByFree reports whether the text at i reads "-free": the absence of what was
// just named ("mouse-free assay"). A space is not enough: mice "free of disease" are
// still mice.
func (t *scanText) followedByFree(i int) bool {
	return i < len(t.folded) && t.folded[i] == '-' && hasRunesAt(t.folded, i+1, "free") && !t.wordAt(i+5)
}

// matchesAt reports whether the folded text holds phrase at rune offset at; a space in
// phrase matches one separator.
func (t *scanText) matchesAt(phrase []rune, at int) bool {
	if at < 0 || at+len(phrase) > len(t.folded) {
		return false
	}
	for k, p := range phrase {
		r := t.folded[at+k]
		if p == ' ' && isTermSeparator(r) {
			continue
		}
		if p != r {
			return false
		}
	}
	return true
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

// Trial phases are a small grammar rather than vocabulary terms: a phase needs a
// number ("acute phase" is not one). Numbers are Arabic, Roman (NFKC turns Ⅱ into II)
// or, before 相 and 期, Chinese. Each pattern is tried only where its keyword occurs
// ("phase", "フェーズ", "第", "期"), which keeps the scan of a section cheap.
const (
	phaseNumber    = `(0|iv|i{1,3}|[1-4])[ab]?`
	phaseNumberCJK = `(0|iv|i{1,3}|[1-4]|[一二三四])[ab]?`
)

var (
	// After "phase" or "フェーズ": "1", "IIa", "I/II", "1-2", "2 and 3", "2a/IIa".
	phaseAfterKeyword = regexp.MustCompile(`^(?:phase|フェーズ)[ -]*` + phaseNumber +
		`\b(?:[ -]*(?:/|-|~|to|and|or|&)[ -]*(?:phase[ -]*)?` + phaseNumber + `\b)?`)
	// "第II相", "第1/2相", "第I-II相".
	phaseJapanese = regexp.MustCompile(`^第[ ]*` + phaseNumberCJK + `(?:[ ]*[/\-~・、][ ]*` + phaseNumberCJK + `)?[ ]*相`)
	// Before 期 or 相: "II ", "I/II", "一", not inside a word or a longer number.
	phaseBeforeQi = regexp.MustCompile(`(?:^|[^a-z0-9一二三四五六七八九十百千同])` + phaseNumberCJK +
		`(?:[ ]*[/\-~、至到][ ]*` + phaseNumberCJK + `)?[ ]*$`)
	// After 期 or 相, within its clause: a trial word ("II期临床试验", "III期随机双盲试验"),
	// without which 期 is a disease stage ("III期乳腺癌") or an issue number.
	// Or, before the number, a field label of a trial registry ("研究所处阶段：II期").
	phaseLabelBeforeQi = regexp.MustCompile(`(?:阶段|階段|段階|phase)[ ]*[:：]?[ ]*[^ ]{1,9}$`)
	phaseTrialAfterQi  = regexp.MustCompile(`^[^。.，,；;：:\n]{0,8}?(?:临床|臨床|试验|試驗|試験|治験|研究|trial|clinical)`)
)

// Phase keywords are found in the folded runes, and the patterns then run on a short
// window around each, so that a passage without a keyword costs one pass over it.
const (
	phaseWindowAfter  = 48 // runes after a keyword: its numbers and the word after them
	phaseWindowBefore = 13 // runes before 期 or 相: its number ("iii/iv ") and one more
)

// phaseMentions finds the trial phases named in t.
func (v *vocabulary) phaseMentions(t scanText) []conceptMention {
	text := t.folded
	var out []conceptMention
	add := func(start int, ids ...string) {
		for _, id := range ids {
			out = append(out, conceptMention{concept: v.phases[id], start: start, end: start + 1})
		}
	}
	window := func(from, to int) string { return string(text[max(0, from):min(len(text), to)]) }
	for i, r := range text {
		switch r {
		case 'p', 'フ':
			if r == 'p' && (t.wordAt(i-1) || !hasRunesAt(text, i, "phase")) || r == 'フ' && !hasRunesAt(text, i, "フェーズ") {
				continue
			}
			after := window(i, i+phaseWindowAfter)
			loc := phaseAfterKeyword.FindStringSubmatchIndex(after)
			if loc == nil || v.phaseNotTrial(after[loc[1]:]) {
				continue
			}
			if r == 'p' && t.earlyBefore(i) {
				add(i, "early-phase-1")
				continue
			}
			add(i, phaseRange(submatch(after, loc, 1), submatch(after, loc, 2))...)
		case '第':
			after := window(i, i+phaseWindowAfter)
			if loc := phaseJapanese.FindStringSubmatchIndex(after); loc != nil {
				add(i, phaseRange(submatch(after, loc, 1), submatch(after, loc, 2))...)
			}
		case '期', '相': // "II期临床试验", "II相試験" (第…相 is read above)
			if !phaseTrialAfterQi.MatchString(window(i+1, i+1+phaseWindowAfter)) &&
				!phaseLabelBeforeQi.MatchString(window(i-phaseWindowBefore-6, i)) {
				continue
			}
			before := window(i-phaseWindowBefore, i)
			if loc := phaseBeforeQi.FindStringSubmatchIndex(before); loc != nil {
				add(i-utf8.RuneCountInString(before[loc[0]:]), phaseRange(submatch(before, loc, 1), submatch(before, loc, 2))...)
			}
		}
	}
	return out
}

// hasRunesAt reports whether text holds word at rune offset i.
func hasRunesAt(text []rune, i int, word string) bool {
	for _, r := range word {
		if i >= len(text) || text[i] != r {
			return false
		}
		i++
	}
	return true
}

// earlyBefore reports whether the word "early" comes right before rune i, as in
// "early phase 1".
func (t *scanText) earlyBefore(i int) bool {
	j := i - 1
	for j >= 0 && isTermSeparator(t.folded[j]) {
		j--
	}
	start := j - len("early") + 1
	return j < i-1 && start >= 0 && hasRunesAt(t.folded, start, "early") && !t.wordAt(start-1)
}

// phaseNotTrial reports whether the words after "phase N" show a non-trial phase.
func (v *vocabulary) phaseNotTrial(rest string) bool {
	rest = strings.TrimLeft(rest, " -")
	for _, w := range v.phaseNotBefore {
		if strings.HasPrefix(rest, w) && (len(rest) == len(w) || !isLatinWordRune(rune(rest[len(w)]))) {
			return true
		}
	}
	return false
}

func submatch(s string, loc []int, n int) string {
	if loc[2*n] < 0 {
		return ""
	}
	return s[loc[2*n]:loc[2*n+1]]
}

// phaseRange returns the phase ids from the phase numbered first to the one numbered
// last (which may be empty): "1","2" gives phase-1 and phase-2; "0" is early phase 1.
func phaseRange(first, last string) []string {
	lo := phaseNumberValue(first)
	hi := phaseNumberValue(last)
	if hi < lo {
		hi = lo
	}
	var ids []string
	for n := lo; n <= hi; n++ {
		if n == 0 {
			ids = append(ids, "early-phase-1")
		} else {
			ids = append(ids, fmt.Sprintf("phase-%d", n))
		}
	}
	return ids
}

// phaseNumberValue reads an Arabic, Roman or Chinese phase number; -1 if there is none.
func phaseNumberValue(s string) int {
	switch s {
	case "0":
		return 0
	case "1", "i", "一":
		return 1
	case "2", "ii", "二":
		return 2
	case "3", "iii", "三":
		return 3
	case "4", "iv", "四":
		return 4
	}
	return -1
}
