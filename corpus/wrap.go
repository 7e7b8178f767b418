package corpus

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// placeholders are the texts page builders put in empty boxes, which exports keep as
// lines ("A title", "Image Box text"). Compared after Fold and space collapsing.
var placeholders = map[string]bool{
	"a title": true, "add a title": true, "add a heading": true, "add a caption": true,
	"image box text": true, "text box": true, "image caption": true, "caption text": true,
	"write a caption": true, "your title here": true, "title goes here": true,
	"click to edit": true, "insert image": true, "image placeholder": true,
	"placeholder text": true, "lorem ipsum": true,
}

var (
	pageNumber = regexp.MustCompile(`(?i)^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$`)
	foldSpaces = regexp.MustCompile(`\s+`)
)

// furnitureRepeats is how often a short line must recur in one file to be taken for
// page furniture (a running header or footer) rather than content.
const furnitureRepeats = 4

// debrisFinder decides which lines of a file are export debris: placeholders, lines
// without any letter or digit, page numbers, and short lines repeated as page
// furniture. It is conservative: a line with words is debris only when it is a known
// placeholder or recurs like a running header.
type debrisFinder struct {
	repeated map[string]bool
}

func newDebrisFinder(lines []rawLine) debrisFinder {
	counts := map[string]int{}
	nonBlank := 0
	for _, l := range lines {
		if l.blank() {
			continue
		}
		nonBlank++
		if k := furnitureKey(l.text); k != "" {
			counts[k]++
		}
	}
	d := debrisFinder{repeated: map[string]bool{}}
	for k, n := range counts {
		// Furniture recurs, but is not what most of the file is made of.
		if n >= furnitureRepeats && n*3 <= nonBlank {
			d.repeated[k] = true
		}
	}
	return d
}

// furnitureKey is the comparison key of a line that could be page furniture: short,
// not a table row or list item, or "" for any other line.
func furnitureKey(s string) string {
	if s == "" || len([]rune(s)) > 60 || len(strings.Fields(s)) > 6 || strings.HasPrefix(s, "|") ||
		bulletLine.MatchString(s) {
		return ""
	}
	return foldSpaces.ReplaceAllString(Fold(s), " ")
}

func (d debrisFinder) isDebris(s string) bool {
	if s == "" {
		return false
	}
	if isPlaceholder(s) || pageNumber.MatchString(s) {
		return true
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		// Rules, separators, lone bullets; but not a table separator row (|---|---|).
		return !strings.HasPrefix(s, "|")
	}
	return d.repeated[furnitureKey(s)]
}

func isPlaceholder(s string) bool {
	if len(s) > 80 {
		return false
	}
	return placeholders[strings.TrimRight(foldSpaces.ReplaceAllString(Fold(s), " "), ".")]
}

// logicalLine is a line of text after hard wraps are undone.
type logicalLine struct {
	text string
	// breakBefore is set when a paragraph break (a blank line) precedes the line.
	breakBefore bool
}

// Widths in columns for undoing hard wraps. Lines wider than wrapLimit were not
// hard-wrapped (editors and exports wrap at 60 to 120 columns); narrower lines than
// wrapMinimum (CJK) or wrapMinimumLatin are headings or list items, not wrapped text.
const (
	wrapLimit        = 160
	wrapMinimum      = 40
	wrapMinimumLatin = 60
)

// unwrap removes debris and joins hard-wrapped lines: a line that does not end a
// sentence is joined with the next when the next starts in lower case (English), with
// a kana or closing punctuation (Japanese), or when the line is as wide as its
// neighbours (the file was wrapped at a fixed width). CJK halves join with no space,
// others with one. Blank lines are paragraph breaks, except in files that put a blank
// line after every line, where only longer gaps are.
func unwrap(lines []rawLine, debris debrisFinder) []logicalLine {
	var kept []rawLine
	var gaps []int // blank lines before each kept line
	gap := 0
	for _, l := range lines {
		switch {
		case l.blank():
			gap++
		case debris.isDebris(l.text):
			// A debris line neither separates nor joins its neighbours.
		default:
			kept = append(kept, l)
			gaps = append(gaps, gap)
			gap = 0
		}
	}
	double := doubleSpaced(kept, gaps)
	cjkWidth := cjkWrapWidth(kept)
	var out []logicalLine
	var b strings.Builder // the logical line being built
	for i, l := range kept {
		soft := gaps[i] == 0 || (double && gaps[i] == 1)
		if i > 0 && soft && joins(kept, i, cjkWidth) {
			b.WriteString(joinSeparator(kept[i-1].text, kept[i-1].trailingSpace, l.text))
			b.WriteString(l.text)
			continue
		}
		if i > 0 {
			out[len(out)-1].text = b.String()
			b.Reset()
		}
		b.WriteString(l.text)
		out = append(out, logicalLine{breakBefore: i > 0 && !soft})
	}
	if len(out) > 0 {
		out[len(out)-1].text = b.String()
	}
	return out
}

// doubleSpaced reports whether the lines were exported with a blank line after every
// line (so that a single blank line is no paragraph break): few lines are adjacent,
// and many single gaps fall in the middle of a sentence.
func doubleSpaced(kept []rawLine, gaps []int) bool {
	if len(kept) < 6 {
		return false
	}
	adjacent, single, wrapLike := 0, 0, 0
	for i := 1; i < len(kept); i++ {
		switch gaps[i] {
		case 0:
			adjacent++
		case 1:
			single++
			w := displayWidth(kept[i-1].text)
			if !terminal(kept[i-1].text) && w >= 30 && w <= wrapLimit && !startsBlock(kept[i].text) {
				wrapLike++
			}
		}
	}
	return adjacent*5 <= len(kept) && wrapLike*4 >= single && single > 0
}

var (
	bulletLine   = regexp.MustCompile(`^(?:[-*+•‣◦▪▫・●○◎☆★✓✔✅➢➤►▶→※]|\d{1,3}[.)．）]\s|[０-９]{1,3}[）．]|\(\d{1,3}\)|（[0-9０-９]{1,3}）|[①-⑳])`)
	headMarkLine = regexp.MustCompile(`^(?:#{1,6}\s|\|)`)
	// romanLine is a part number on its own line, I to XXIX (letters such as "C" or
	// "D" alone are more often labels than part numbers).
	romanLine = regexp.MustCompile(`^X{0,2}(?:IX|IV|V?I{0,3})\.?$`)
)

// startsBlock reports whether a line starts its own block whatever precedes it: a list
// item, a heading marker, a table row, a bracketed heading.
func startsBlock(s string) bool {
	if bulletLine.MatchString(s) || headMarkLine.MatchString(s) || pressMarker.MatchString(s) ||
		bracketHeading.MatchString(s) || isRoman(s) || cjkNumbered.MatchString(s) || cjkParenNumber.MatchString(s) ||
		chapterHeading.MatchString(s) {
		return true
	}
	return strings.HasPrefix(s, "図") && len(s) > 3 && strings.ContainsAny(s[:min(len(s), 8)], "0123456789ABCDEFGH")
}

func isRoman(s string) bool { return s != "" && s != "." && romanLine.MatchString(s) }

// cjkWrapWidth estimates the width at which the CJK text of a file was hard-wrapped:
// the median width of its CJK lines that stop in the middle of a sentence, or 0 when
// there are too few to tell.
func cjkWrapWidth(kept []rawLine) int {
	var widths []int
	for _, l := range kept {
		w := displayWidth(l.text)
		if w >= wrapMinimum && w <= wrapLimit && !terminal(l.text) && cjkLine(l.text) && !startsBlock(l.text) {
			widths = append(widths, w)
		}
	}
	if len(widths) < 3 {
		return 0
	}
	slices.Sort(widths)
	return widths[len(widths)/2]
}

// cjkLine reports whether a line is CJK text or ends in it: its wrap is CJK.
func cjkLine(s string) bool { return isCJKText(lastRune(s)) || countScripts(s).cjk() }

// joins reports whether kept[i] continues the sentence of kept[i-1]; cjkWidth is the
// file's CJK wrap width (0 if unknown).
func joins(kept []rawLine, i, cjkWidth int) bool {
	a, b := kept[i-1], kept[i]
	if terminal(a.text) || startsBlock(b.text) || strings.HasPrefix(a.text, "|") || (b.indent && !a.indent) {
		return false
	}
	if headingMarker(a.text) && isHeadingLike(a.text) {
		return false
	}
	if lowerWord(b.text) {
		return true
	}
	last := lastRune(a.text)
	if continuesCJK(firstRune(b.text)) && (isCJKText(last) || unicode.IsLetter(last) || unicode.IsDigit(last)) {
		return true
	}
	if w := displayWidth(a.text); cjkWidth > 0 && w*10 >= cjkWidth*9 && w <= wrapLimit && cjkLine(a.text) {
		return true
	}
	return sameWidthAsNeighbours(kept, i-1)
}

// lowerWord reports whether s starts with an all-lower-case word ("evidence", not
// "iPSCs" or "mRNA"), as a wrapped English sentence continues.
func lowerWord(s string) bool {
	word, _, _ := strings.Cut(s, " ")
	word = strings.TrimRight(word, ",.;:)!?”’\"'")
	if word == "" {
		return false
	}
	for _, r := range word {
		if !unicode.IsLower(r) && r != '-' && r != '\'' && r != '’' {
			return false
		}
	}
	return unicode.IsLetter(firstRune(word))
}

// continuesCJK reports whether a line starting with r cannot start a sentence: hiragana
// (Japanese sentences and headings start with kanji, katakana or Latin), the long vowel
// mark, closing punctuation.
func continuesCJK(r rune) bool {
	return unicode.Is(unicode.Hiragana, r) || r == 'ー' || strings.ContainsRune("、。，．）」』】〉》ぁぃぅぇぉっゃゅょ", r)
}

// sameWidthAsNeighbours reports whether line i looks cut at a fixed width: it is at
// least wrapMinimum columns, no wider than wrapLimit, close to the widest line of its
// paragraph nearby, and another of those lines has about its width. The nearby lines
// are up to two lines before it that do not end a sentence and up to two after it
// (not past a sentence end or an indented line).
func sameWidthAsNeighbours(kept []rawLine, i int) bool {
	w := displayWidth(kept[i].text)
	if w < wrapMinimum || w > wrapLimit {
		return false
	}
	if !cjkLine(kept[i].text) && (w < wrapMinimumLatin || len(strings.Fields(kept[i].text)) < 8) {
		// Short Latin lines of similar width are headings and list items far more
		// often than wrapped text; a wrapped English sentence continues in lower case.
		return false
	}
	var near []int
	for j := i - 1; j >= max(0, i-2) && !terminal(kept[j].text); j-- {
		near = append(near, j)
	}
	for j := i + 1; j <= min(len(kept)-1, i+2); j++ {
		if kept[j].indent && !kept[i].indent {
			break
		}
		near = append(near, j)
		if terminal(kept[j].text) {
			break
		}
	}
	widest, similar := 0, false
	for _, j := range near {
		wj := displayWidth(kept[j].text)
		if wj > wrapLimit {
			continue
		}
		widest = max(widest, wj)
		if d := wj - w; d*5 <= w && -d*5 <= w {
			similar = true
		}
	}
	return similar && w*4 >= widest*3
}

// joinSeparator is what goes between two halves a and b of a wrapped line: nothing
// between CJK characters and after a hyphen ("multi-" + "center"), else a space.
func joinSeparator(a string, aTrailingSpace bool, b string) string {
	la, fb := lastRune(a), firstRune(b)
	switch {
	case la == '-' && unicode.IsLower(fb) && len(a) > 1 && unicode.IsLetter(lastRune(a[:len(a)-1])):
		return ""
	case isCJKText(la) && isCJKText(fb):
		return ""
	case (isCJKText(la) || isCJKText(fb)) && !aTrailingSpace:
		return ""
	}
	return " "
}
