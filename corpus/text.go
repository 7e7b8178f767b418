package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// rawLine is one physical line of a file after cleaning.
type rawLine struct {
	// text is NFC, without control characters and surrounding whitespace.
	text string
	// indent is set when the line started with whitespace: in wrapped text an indented
	// line starts a paragraph.
	indent bool
	// trailingSpace is set when the line ended with whitespace before the line break.
	trailingSpace bool
}

func (l rawLine) blank() bool { return l.text == "" }

// cleanLines splits text into lines and cleans each: Unicode NFC (display text keeps
// its width forms; Fold is for matching), tabs and odd spaces to spaces, control and
// zero-width characters removed.
func cleanLines(text string) []rawLine {
	parts := strings.Split(text, "\n")
	lines := make([]rawLine, len(parts))
	for i, p := range parts {
		var b strings.Builder
		for _, r := range p {
			switch {
			case r == '\t' || r == '\u00a0' || r == '\u2002' || r == '\u2003' || r == '\u2009' || r == '\u202f':
				b.WriteByte(' ')
			case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			case unicode.IsControl(r) || r == utf8.RuneError:
			default:
				b.WriteRune(r)
			}
		}
		// NFC after removing control characters, which may sit between a letter and
		// its combining mark.
		s := norm.NFC.String(b.String())
		t := strings.TrimSpace(s)
		lines[i] = rawLine{text: collapseSpaces(t)}
		if t != "" {
			lines[i].indent = s[0] == ' ' || strings.HasPrefix(s, "\u3000")
			lines[i].trailingSpace = strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\u3000")
		}
	}
	return lines
}

var spaceRun = regexp.MustCompile(`[ \x{3000}]{4,}`)

// collapseSpaces shortens runs of four or more spaces (layout padding) to two, keeping
// the alignment hint of tabular lines without wasting the reader's screen.
func collapseSpaces(s string) string {
	if !strings.Contains(s, "    ") && !strings.Contains(s, "\u3000\u3000") {
		return s
	}
	return spaceRun.ReplaceAllString(s, "  ")
}

// HasKana reports whether s holds hiragana or katakana, which only Japanese is written
// in: the test of whether text needs Japanese analysis. It reads the bytes of runes
// below U+3000 without decoding them (their UTF-8 bytes are all below 0xe3, the first
// byte of U+3000 to U+3FFF): a search asks this of every text it marks.
func HasKana(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < 0xe3 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isKana(r) {
			return true
		}
		i += size
	}
	return false
}

// Script classes of runes, for language detection and for joining wrapped lines.
func isKana(r rune) bool {
	if r < 0x3040 || r == '・' { // the katakana middle dot is punctuation in Chinese text too
		return false
	}
	if inCommonHan(r) { // most of a CJK text: no kana
		return false
	}
	if r >= 0x3041 && r <= 0x3096 || r >= 0x30a1 && r <= 0x30fa { // kana all: the bulk
		return true
	}
	return unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー'
}

func isHan(r rune) bool { return inCommonHan(r) || r >= 0x2e80 && unicode.Is(unicode.Han, r) }

// inCommonHan reports whether r is in the block of common Han characters, all of
// them Han: most of a Chinese or Japanese text, which the script tables would look up.
func inCommonHan(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }

// IsCJK reports whether r is a character of a word written without spaces: Han, kana,
// Hangul and the marks used inside such words (ー, ｰ, 〆, 〇). It is the one test of
// "CJK" for matching and analysis: text splits into words where it starts or stops.
func IsCJK(r rune) bool {
	return r >= 0x1100 && (inCommonHan(r) || isRareCJK(r))
}

// isRareCJK is IsCJK for the runes from U+1100 but those of inCommonHan: IsCJK, small
// enough to be inlined, costs nothing on the Latin text most runes of a corpus are.
func isRareCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' || r == 'ｰ' || r == '〆' || r == '〇'
}

// isCJKText reports whether r belongs to text laid out without spaces and in double
// width: a CJK character, CJK punctuation or a full-width form. Wrapped lines of such
// text join without a space.
func isCJKText(r rune) bool {
	if r < 0x1100 {
		return false
	}
	if IsCJK(r) || r >= 0x3000 && r <= 0x303f { // CJK symbols and punctuation
		return true
	}
	k := width.LookupRune(r).Kind()
	return k == width.EastAsianFullwidth || k == width.EastAsianWide
}

// displayWidth is the width of s in columns: East Asian wide characters count two.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if isCJKText(r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// weight measures how much a reader reads: a CJK character carries about as much as
// three Latin characters (a short word).
func weight(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r > ' ' && r < 0x80: // most of a text: neither CJK nor a space
			w++
		case IsCJK(r):
			w += 3
		case unicode.IsSpace(r):
			if w > 0 {
				w++
			}
		default:
			w++
		}
	}
	return w
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// terminal reports whether s ends a sentence or introduces what follows (a colon):
// such a line is never a wrapped half-sentence.
func terminal(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return strings.ContainsRune(`"'”’」』）)]】`, r)
	})
	return strings.ContainsRune(".!?。！？:：;；…", lastRune(s))
}
