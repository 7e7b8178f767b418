package indexer

import (
	"unicode"
	"unicode/utf8"

	"musesearch/corpus"
)

// span is a byte range of the analysed text.
type span struct{ start, end int }

type segmentKind int

const (
	segWord segmentKind = iota // letters and digits, possibly a compound
	segCJK                     // a run of Han, kana or Hangul
)

// segment is one run of the text the analysers handle as a whole: a word, a compound
// of words joined by hyphens, dots, slashes and the like (IL-6, 1.5×10^7, CD105^+),
// or a CJK run.
type segment struct {
	kind       segmentKind
	start, end int
	// atoms are the words of a compound (one for a plain word); nil for CJK runs.
	atoms []span
	// technical is set for a compound that is a term of its own (one with digits, a
	// one-letter part, or symbols other than hyphens and slashes: IL-6, HLA-G,
	// 1.5×10^7, CD34+), as opposed to plain words joined by hyphens (open-label).
	technical bool
}

// scan splits text into segments and calls fn for each, in order. Everything between
// segments (spaces, punctuation) separates words.
func scan(text string, fn func(segment)) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case corpus.IsCJK(r):
			j := i + size
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !corpus.IsCJK(r) && !isSoundMark(r) {
					break
				}
				j += n
			}
			fn(segment{kind: segCJK, start: i, end: j})
			i = j
		case isWordRune(r):
			s := compound(text, i)
			fn(s)
			i = s.end
		default:
			i += size
		}
	}
}

// compound reads the word or compound starting at text[i].
func compound(text string, i int) segment {
	s := segment{kind: segWord, start: i}
	plain := true // only hyphens and slashes between letter-only words of 2+ letters
	for {
		end := atomEnd(text, i)
		s.atoms = append(s.atoms, span{i, end})
		if !lettersOnly(text[i:end]) || utf8.RuneCountInString(text[i:end]) < 2 {
			plain = false
		}
		j, ok := afterJoiner(text, end)
		if !ok {
			s.end = end
			// A trailing plus marks a cell marker (CD34+, CD105^+).
			for _, mark := range []string{"^+", "+", "⁺", "＋"} {
				if hasPrefixAt(text, end, mark) && !wordRuneAt(text, end+len(mark)) {
					s.end = end + len(mark)
					plain = false
					break
				}
			}
			break
		}
		if r, _ := utf8.DecodeRuneInString(text[end:]); !isHyphen(r) && r != '/' && r != '／' {
			plain = false
		}
		i = j
	}
	s.technical = len(s.atoms) > 1 && !plain || s.end > s.atoms[len(s.atoms)-1].end
	return s
}

// atomEnd returns the end of the word starting at text[i]: letters, digits and marks,
// with apostrophes between letters (patient's) and decimal points and separators
// between digits (1.5, 10,000) kept inside.
func atomEnd(text string, i int) int {
	prev := rune(0)
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWordRune(r):
		case isApostrophe(r) && unicode.IsLetter(prev) && letterAt(text, i+size):
		case (r == '.' || r == ',') && unicode.IsDigit(prev) && digitAt(text, i+size):
		default:
			return i
		}
		prev = r
		i += size
	}
	return i
}

// afterJoiner reports whether text[i] is a joiner followed by a word, and where that
// word starts.
func afterJoiner(text string, i int) (int, bool) {
	r, size := utf8.DecodeRuneInString(text[i:])
	if i >= len(text) || !isJoiner(r) || !wordRuneAt(text, i+size) {
		return 0, false
	}
	return i + size, true
}

func isJoiner(r rune) bool {
	switch r {
	case '.', '．', '/', '／', '×', '^', '+', '＋', '_':
		return true
	}
	return isHyphen(r)
}

func isHyphen(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2212', '\uFE63', '\uFF0D':
		return true
	}
	return false
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '＇' }

// isSoundMark reports whether r modifies the character before it (ﾞ, ﾟ, combining
// voiced marks).
func isSoundMark(r rune) bool {
	return r == 'ﾞ' || r == 'ﾟ' || r == '\u3099' || r == '\u309A'
}

func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)) && !corpus.IsCJK(r) && !isSoundMark(r)
}

func wordRuneAt(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return i < len(text) && isWordRune(r)
}

func letterAt(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return i < len(text) && unicode.IsLetter(r) && !corpus.IsCJK(r)
}

func digitAt(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return i < len(text) && unicode.IsDigit(r)
}

func hasPrefixAt(text string, i int, prefix string) bool {
	return len(text)-i >= len(prefix) && text[i:i+len(prefix)] == prefix
}

func lettersOnly(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !isApostrophe(r) {
			return false
		}
	}
	return true
}
