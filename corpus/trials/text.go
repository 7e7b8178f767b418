package trials

import (
	"strings"
	"unicode/utf8"
)

// span is the bytes [start, end) of a text.
type span struct{ start, end int }

func (s span) contains(i int) bool { return s.start <= i && i < s.end }

// abbreviationBefore lists words whose full stop does not end a sentence.
var abbreviationBefore = []string{"e.g", "i.e", "et al", "vs", "Dr", "No", "Fig", "approx", "ca", "cf"}

// lines returns the non-empty lines of text, each a paragraph or a list item.
func lines(text string) []span {
	var out []span
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if strings.TrimSpace(text[start:end]) != "" {
			out = append(out, span{start, end})
		}
		start = end + 1
	}
	return out
}

// sentences returns the sentences of paragraph p of text. A sentence ends after a full
// stop, question or exclamation mark followed by a space (a closing quote or bracket
// may come between), or after a CJK full stop; the end of a line ends one too
// (paragraphs are lines). A semicolon does not: it separates the ids of one trial
// ("NCT01234567; jRCT2031190123"). A full stop after an abbreviation ("et al.") does
// not end a sentence either.
func sentences(text string, p span) []span {
	var out []span
	start := p.start
	for i := p.start; i < p.end; {
		r, size := utf8.DecodeRuneInString(text[i:])
		end := -1
		switch r {
		case '。', '！', '？':
			end = i + size
		case '.', '!', '?':
			j := i + size
			if j < p.end && strings.ContainsRune("\"”’)]", rune(text[j])) {
				j++
			}
			if j < p.end && (text[j] == ' ' || text[j] == '\t') && (r != '.' || !endsWithAbbreviation(text[start:i])) {
				end = j
			}
		}
		i += size
		if end >= 0 {
			for end < p.end && (text[end] == ' ' || text[end] == '\t') {
				end++
			}
			out = append(out, span{start, end})
			start, i = end, end
		}
	}
	if start < p.end {
		out = append(out, span{start, p.end})
	}
	return out
}

// sentenceTail returns the end of s that is in the same sentence as what follows s.
func sentenceTail(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	spans := sentences(s, span{0, len(s)})
	if len(spans) == 0 {
		return ""
	}
	return s[spans[len(spans)-1].start:]
}

// sentenceHead returns the start of s that is in the same sentence as what precedes s.
func sentenceHead(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if spans := sentences(s, span{0, len(s)}); len(spans) > 0 {
		return s[spans[0].start:spans[0].end]
	}
	return ""
}

func endsWithAbbreviation(s string) bool {
	for _, a := range abbreviationBefore {
		if strings.HasSuffix(s, a) && (len(s) == len(a) || !isASCIILetter(s[len(s)-len(a)-1])) {
			return true
		}
	}
	return false
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

func isASCIIWordByte(b byte) bool { return isASCIILetter(b) || '0' <= b && b <= '9' }

// containsWord reports whether text holds one of words: a Latin word at word
// boundaries (a plural or other ending may follow when the word ends in "-"), or a
// CJK word anywhere. Words are in lower case; text is matched in lower case.
func containsWord(text string, words []string) bool {
	lower := strings.ToLower(text)
	for _, w := range words {
		prefix := strings.HasSuffix(w, "-")
		w = strings.TrimSuffix(w, "-")
		latin := isASCIIWordByte(w[0])
		for from := 0; ; {
			i := strings.Index(lower[from:], w)
			if i < 0 {
				break
			}
			i += from
			end := i + len(w)
			if !latin || (i == 0 || !isASCIIWordByte(lower[i-1])) && (prefix || end == len(lower) || !isASCIIWordByte(lower[end])) {
				return true
			}
			from = i + 1
		}
	}
	return false
}
