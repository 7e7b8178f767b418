package trials

import (
	"regexp"
	"strings"
)

// span is the bytes [start, end) of a text.
type span struct{ start, end int }

func (s span) contains(i int) bool { return s.start <= i && i < s.end }

// sentenceEnd finds where a sentence ends: a full stop, question or exclamation mark
// followed by a space (or a closing quote or bracket and a space), or a CJK full stop.
// The end of a line ends a sentence too (paragraphs are lines). A semicolon does not:
// it separates the ids of one trial ("NCT01234567; jRCT2031190123").
var sentenceEnd = regexp.MustCompile(`[.!?]["”’)\]]?\s+|[。！？]\s*`)

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

// sentences returns the sentences of paragraph p of text.
func sentences(text string, p span) []span {
	var out []span
	start := p.start
	for _, loc := range sentenceEnd.FindAllStringIndex(text[p.start:p.end], -1) {
		end := p.start + loc[1]
		if text[p.start+loc[0]] == '.' && endsWithAbbreviation(text[start:p.start+loc[0]]) {
			continue
		}
		out = append(out, span{start, end})
		start = end
	}
	if start < p.end {
		out = append(out, span{start, p.end})
	}
	return out
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
