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
	var vb viewBuilder
	vb.b.Grow(len(s))
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		switch {
		case 'A' <= r && r <= 'Z':
			vb.add(r+'a'-'A', i, end)
		case r < 0x80 || r >= 0x3040 && r < 0xA000 && r != 0x30FB:
			vb.add(r, i, end) // ASCII, kana and Han (but the katakana middle dot): NFKC keeps them
		case r == '’' || r == '‘' || r == 'ʼ' || r == '′':
			vb.add('\'', i, end)
		default:
			for _, c := range strings.ToLower(norm.NFKC.String(string(r))) {
				vb.add(c, i, end)
			}
		}
	}
	vb.flushWord()
	text := vb.b.String()
	return view{text: text, folded: corpus.FoldChinese(text), units: vb.units}
}

// viewBuilder builds a view from the folded runes of a text.
type viewBuilder struct {
	b                  strings.Builder
	units              []unit
	word               []rune // the Latin-script word being read
	wordStart, wordEnd int
	gap                rune // what separates the next unit from the last: 0, ' ' or breakMark
}

// add adds c, folded from the text's bytes start..end.
func (vb *viewBuilder) add(c rune, start, end int) {
	switch {
	case isCJK(c):
		vb.flushWord()
		if vb.gap == breakMark && len(vb.units) > 0 {
			vb.b.WriteRune(breakMark)
		}
		vs := vb.b.Len()
		vb.b.WriteRune(c)
		vb.units = append(vb.units, unit{viewStart: vs, viewEnd: vb.b.Len(), start: start, end: end})
		vb.gap = 0
	case unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c) || c == '\'' && len(vb.word) > 0:
		if len(vb.word) == 0 {
			vb.wordStart = start
		}
		vb.word = append(vb.word, c)
		vb.wordEnd = end
	case unicode.IsSpace(c) || unicode.Is(unicode.Pd, c) || c == '−':
		vb.flushWord()
		if vb.gap == 0 {
			vb.gap = ' '
		}
	default:
		vb.flushWord()
		vb.gap = breakMark
	}
}

// flushWord ends the Latin-script word being read, without a trailing apostrophe
// (patients').
func (vb *viewBuilder) flushWord() {
	for len(vb.word) > 0 && vb.word[len(vb.word)-1] == '\'' {
		vb.word = vb.word[:len(vb.word)-1]
	}
	if len(vb.word) == 0 {
		return
	}
	if len(vb.units) > 0 {
		if vb.gap != 0 && vb.units[len(vb.units)-1].latin {
			vb.b.WriteRune(vb.gap)
		} else if vb.gap == breakMark {
			vb.b.WriteRune(breakMark)
		}
	}
	vs := vb.b.Len()
	vb.b.WriteString(americanSpelling(string(vb.word)))
	vb.units = append(vb.units, unit{viewStart: vs, viewEnd: vb.b.Len(), start: vb.wordStart, end: vb.wordEnd, latin: true})
	vb.word = vb.word[:0]
	vb.gap = 0
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
