package glossary

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"musesearch/corpus"
)

// A text is matched against the glossary through its view: NFKC and lower case, each
// Latin-script word with British spellings made American, a single space between two
// words, nothing between CJK characters or between a CJK character and a word (脊髄
// 損傷 and Muse 細胞 are written with and without spaces), and a break (which no term
// holds) at any other punctuation. Terms are keyed by the view of their text, so that
// "Bone-marrow", "bone  marrow" and "bone marrow" are one key.

// breakMark stands in the view for punctuation, which no term may span.
const breakMark = '|'

// unit is one matchable piece of a text: a Latin-script word or a CJK character, with
// its byte range in the view and in the text it comes from.
type unit struct {
	viewStart, viewEnd int
	start, end         int
	latin              bool
}

// view is a text prepared for matching.
type view struct {
	text   string // the view of the text (see above)
	folded string // text folded to simplified Chinese characters, with the same offsets
	units  []unit
}

// newView prepares s for matching.
func newView(s string) view {
	var b strings.Builder
	b.Grow(len(s))
	var units []unit
	var word []rune
	wordStart, wordEnd := 0, 0
	gap := rune(0) // what separates the next unit from the last: 0, ' ' or breakMark
	flushWord := func() {
		if len(word) == 0 {
			return
		}
		if len(units) > 0 {
			if gap != 0 && units[len(units)-1].latin {
				b.WriteRune(gap)
			} else if gap == breakMark {
				b.WriteRune(breakMark)
			}
		}
		vs := b.Len()
		b.WriteString(americanSpelling(string(word)))
		units = append(units, unit{viewStart: vs, viewEnd: b.Len(), start: wordStart, end: wordEnd, latin: true})
		word = word[:0]
		gap = 0
	}
	for i, r := range s {
		size := utf8.RuneLen(r)
		for _, c := range foldRune(r) {
			switch {
			case isCJK(c):
				flushWord()
				if gap == breakMark && len(units) > 0 {
					b.WriteRune(breakMark)
				}
				vs := b.Len()
				b.WriteRune(c)
				units = append(units, unit{viewStart: vs, viewEnd: b.Len(), start: i, end: i + size})
				gap = 0
			case unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c) || c == '\'' && len(word) > 0:
				if len(word) == 0 {
					wordStart = i
				}
				word = append(word, c)
				wordEnd = i + size
			case unicode.IsSpace(c) || unicode.Is(unicode.Pd, c) || c == '−':
				flushWord()
				if gap == 0 {
					gap = ' '
				}
			default:
				flushWord()
				gap = breakMark
			}
		}
	}
	flushWord()
	text := b.String()
	return view{text: text, folded: corpus.FoldChinese(text), units: units}
}

// foldRune returns r in NFKC and lower case, with every kind of apostrophe as ASCII's.
func foldRune(r rune) string {
	switch {
	case 'A' <= r && r <= 'Z':
		return string(r + 'a' - 'A')
	case r < 0x80 || r >= 0x3040 && r < 0xA000 && r != 0x30FB:
		return string(r) // ASCII, kana and Han (but the katakana middle dot): NFKC keeps them
	case r == '’' || r == '‘' || r == 'ʼ' || r == '′':
		return "'"
	}
	return strings.ToLower(norm.NFKC.String(string(r)))
}

// isCJK reports whether r is written without spaces between words: Han, kana and the
// prolonged sound mark.
func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー')
}

// britishSpellings are the spellings of medical British English that the view makes
// American, anywhere in a word: haematopoietic, anaemia, oedema, paediatric.
var britishSpellings = strings.NewReplacer(
	"haem", "hem", "aemi", "emi", "oedem", "edem", "oesoph", "esoph", "paed", "ped",
	"foet", "fet", "anaes", "anes", "isation", "ization", "tumour", "tumor", "fibre", "fiber",
	"centre", "center", "randomis", "randomiz", "characteris", "characteriz",
)

// americanSpelling rewrites the British spellings of a lower-case word.
func americanSpelling(w string) string {
	if len(w) < 5 {
		return w
	}
	return britishSpellings.Replace(w)
}

// Key returns the form under which the glossary matches term, written in lang ("en",
// "ja" or "zh"): terms with the same key are one term to it. It is lower case, NFKC,
// with American spellings and one space between words; CJK characters are joined, and
// Chinese ones folded to simplified characters.
func Key(term, lang string) string { return key(term, lang == "zh") }

// key is the view of a term: what the glossary looks it up by. Chinese terms are also
// folded to simplified characters.
func key(term string, chinese bool) string {
	v := newView(term)
	if chinese {
		return v.folded
	}
	return v.text
}
