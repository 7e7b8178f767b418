package corpus

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// scanText is a text prepared for matching: NFKC, separators unified, as runes.
type scanText struct {
	cased  []rune // NFKC with separators unified
	folded []rune // cased, lower-cased rune by rune (same length)
	// ends are the runes that close a sentence, ascending, found when sameSentence is
	// first asked: asked for every pair of a text's mentions, walking the runes
	// between them took a twenty-fifth of reading a corpus.
	ends []int32
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

// sameSentence reports whether no sentence ends between runes a and b (a <= b): at
// none of a to b-1.
func (t *scanText) sameSentence(a, b int) bool {
	if t.ends == nil {
		t.ends = []int32{}
		for i := range t.folded {
			if t.endsSentence(i) {
				t.ends = append(t.ends, int32(i))
			}
		}
	}
	next, _ := slices.BinarySearch(t.ends, int32(a)) // the first end from a on
	return next == len(t.ends) || int(t.ends[next]) >= b
}

// quoteCloses reports whether a closing quotation mark lies between runes a and b.
func (t *scanText) quoteCloses(a, b int) bool {
	for i := a; i < b && i < len(t.folded); i++ {
		if strings.ContainsRune(quotationMarksClosed, t.folded[i]) {
			return true
		}
	}
	return false
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

// wholeWord reports whether [start, end) is a whole space-delimited word.
func (t *scanText) wholeWord(start, end int) bool {
	before := start == 0 || t.folded[start-1] == ' ' || t.folded[start-1] == '\n'
	after := end == len(t.folded) || t.folded[end] == ' ' || t.folded[end] == '\n'
	return before && after
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
