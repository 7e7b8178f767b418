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
	// urlLine is a web address alone on its line, perhaps between decorations
	// ("----//---- http://example.org").
	urlLine = regexp.MustCompile(`^[^\p{L}\p{N}]*(?:https?://|www\.)\S+[^\p{L}\p{N}]*$`)
)

// Page furniture (a running header or footer) recurs on every page: at least
// furnitureRepeats times, furnitureSpacing lines apart on average. A line repeated
// more closely is content (the status of each trial of a list).
const (
	furnitureRepeats = 4
	furnitureSpacing = 12
)

// debrisFinder decides which lines of a file are export debris: placeholders, lines
// without any letter or digit, page numbers, web addresses alone, site navigation,
// and short lines repeated as page furniture. It is conservative: a line with words
// is debris only when it is a known placeholder or navigation or recurs like a
// running header.
type debrisFinder struct {
	repeated map[string]bool
}

func newDebrisFinder(lines []rawLine) debrisFinder {
	type seen struct{ count, first, last int }
	lineOf := map[string]*seen{}
	nonBlank := 0
	for _, l := range lines {
		if l.blank() {
			continue
		}
		nonBlank++
		k := furnitureKey(l.text)
		if k == "" {
			continue
		}
		if s := lineOf[k]; s != nil {
			s.count++
			s.last = nonBlank
		} else {
			lineOf[k] = &seen{1, nonBlank, nonBlank}
		}
	}
	d := debrisFinder{repeated: map[string]bool{}}
	for k, s := range lineOf {
		// Furniture recurs spread over the file, and is not what most of it is
		// made of.
		if s.count >= furnitureRepeats && s.count*3 <= nonBlank && (s.last-s.first)/(s.count-1) >= furnitureSpacing {
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
	_, ok := d.reason(s)
	return ok
}

// reason returns why line s is debris, if it is.
func (d debrisFinder) reason(s string) (DropReason, bool) {
	switch {
	case s == "":
		return "", false
	case isPlaceholder(s):
		return DropPlaceholder, true
	case pageNumber.MatchString(s):
		return DropPageNumber, true
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0:
		// Rules, separators, lone bullets; but not a table separator row (|---|---|).
		return DropSeparator, !strings.HasPrefix(s, "|")
	case urlLine.MatchString(s) && len(FindIdentifiers(s)) == 0:
		return DropURL, true // an address that holds an identifier keeps it searchable
	case isNavigation(s) && !logoLink.MatchString(s): // a journal's logo names it: the head reads it
		return DropNavigation, true
	case d.repeated[furnitureKey(s)]:
		return DropFurniture, true
	}
	return "", false
}

func isPlaceholder(s string) bool {
	if len(s) > 80 {
		return false
	}
	return placeholders[strings.TrimRight(foldSpaces.ReplaceAllString(Fold(s), " "), ".")]
}

// navigation are the words of site navigation that saved and copied pages keep
// ("Skip to main content"), compared after Fold and space collapsing.
var navigation = map[string]bool{
	"skip to main content": true, "skip to content": true, "skip navigation": true,
	"back to results": true, "back to search": true, "back to top": true, "back to search results": true,
	"search": true, "home": true, "top": true, "menu": true, "english": true, "日本語": true, "中文": true,
	"print this page": true, "email this page": true, "share this page": true, "print": true,
	"add like": true, "add dislike": true, "add to saved papers": true, "more on this topic": true,
	"前の記事 次の記事": true, "次の記事": true, "前の記事": true, "ページトップへ": true, "トップへ戻る": true,
	"返回顶部": true, "返回首页": true, "上一篇": true, "下一篇": true, "feedback": true,
}

var (
	// breadcrumb is a trail of links: "TOP > ブログ > 再生医療", "首页 › 新闻".
	breadcrumb = regexp.MustCompile(`^(?:当前位置|現在位置|现在位置|you are here)\s*[:：]|\S\s*[>›»]\s*\S.*\s[>›»]\s|^(?:当前位置|現在位置)`)
	// logoLine is a site's logo as text: "Logo-apb", "jRCT ロゴ", "Journal logoLink to Journal".
	logoLine = regexp.MustCompile(`(?i)^(?:logo[-\s]\S{1,30}|\S.{0,60}\slogo|\S.{0,30}\s?ロゴ|.{1,80} logolink to .{1,80})$`)
)

// isNavigation reports whether s is site navigation: a known navigation phrase, a
// breadcrumb trail or a logo's text.
func isNavigation(s string) bool {
	if len(s) > 300 {
		return false
	}
	if navigation[strings.TrimSpace(foldSpaces.ReplaceAllString(Fold(s), " "))] {
		return true
	}
	return mayBeBreadcrumb(s) && breadcrumb.MatchString(s) || mayBeLogo(s) && logoLine.MatchString(s)
}

// mayBeBreadcrumb reports whether s holds what every match of breadcrumb holds, a
// test far cheaper than the expression: nearly every line of a file is asked about.
func mayBeBreadcrumb(s string) bool {
	return strings.ContainsAny(s, ">›»") || strings.Contains(s, "位置") || strings.Contains(s, "you are here")
}

// mayBeLogo reports whether s holds what every match of logoLine holds: "logo" in any
// case (no other letter folds to l, o or g), or ロゴ.
func mayBeLogo(s string) bool {
	for i := 0; i+len("logo") <= len(s); i++ {
		if s[i]|0x20 == 'l' && s[i+1]|0x20 == 'o' && s[i+2]|0x20 == 'g' && s[i+3]|0x20 == 'o' {
			return true
		}
	}
	return strings.Contains(s, "ロゴ")
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
func unwrap(lines []rawLine, debris debrisFinder) ([]logicalLine, []DroppedLine) {
	var kept []rawLine
	var gaps []int // blank lines before each kept line
	var dropped []DroppedLine
	gap := 0
	for _, l := range lines {
		if l.blank() {
			gap++
			continue
		}
		if why, ok := debris.reason(l.text); ok {
			// A debris line neither separates nor joins its neighbours.
			dropped = append(dropped, DroppedLine{Text: l.text, Reason: why})
			continue
		}
		kept = append(kept, l)
		gaps = append(gaps, gap)
		gap = 0
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
	return out, dropped
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
			if cutMidSentence(kept[i-1].text, kept[i].text) {
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

// cutMidSentence reports whether line a looks cut in the middle of a sentence that
// line b continues: b goes on in lower case or with hiragana, or both are CJK text and
// a is as wide as wrapped text is. A heading over its text is no such cut.
func cutMidSentence(a, b string) bool {
	w := displayWidth(a)
	if terminal(a) || w < 30 || w > wrapLimit || startsBlock(b) {
		return false
	}
	first := firstRune(b)
	return lowerWord(b) || unicode.Is(unicode.Hiragana, first) || continuesCJK(first) ||
		cjkLine(a) && w >= wrapMinimum && isCJKText(first)
}

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
// there are too few to tell or their widths do not cluster.
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
	median := widths[len(widths)/2]
	// A wrap width is one many lines share; a few CJK headings and labels of about
	// the same width are no evidence of it.
	near := 0
	for _, w := range widths {
		if w*10 >= median*9 && w*10 <= median*11 {
			near++
		}
	}
	if near < 3 || near*2 < len(widths) {
		return 0
	}
	return median
}

// cjkLine reports whether a line is CJK text or ends in it: its wrap is CJK.
func cjkLine(s string) bool { return isCJKText(lastRune(s)) || countScripts(s).cjk() }

// joins reports whether kept[i] continues the sentence of kept[i-1]; cjkWidth is the
// file's CJK wrap width (0 if unknown).
func joins(kept []rawLine, i, cjkWidth int) bool {
	a, b := kept[i-1], kept[i]
	if terminal(a.text) || startsBlock(b.text) || strings.HasPrefix(a.text, "|") || (b.indent && !a.indent) || recordLine(a.text) {
		return false
	}
	if headingMarker(a.text) && isHeadingLike(a.text) || footnoted.MatchString(b.text) || parenthesized(a.text) {
		return false // a heading, a line in brackets, or a line opening with a footnote number ("2Department of …")
	}
	if lowerWord(b.text) {
		return true
	}
	last, first := lastRune(a.text), firstRune(b.text)
	w := displayWidth(a.text)
	switch {
	case continuesCJK(first) && (isCJKText(last) || unicode.IsLetter(last) || unicode.IsDigit(last)):
		return true
	case unicode.Is(unicode.Hiragana, first) && (isHan(last) || unicode.Is(unicode.Hiragana, last)) && w >= wrapMinimum:
		// Japanese sentences may start with hiragana (この, さい帯血): a line that
		// does continues a line of text cut in the middle of a word (可能性が出|てきた).
		return true
	case cjkWidth > 0 && w*10 >= cjkWidth*9 && w <= wrapLimit && cjkLine(a.text):
		return true
	case a.text == b.text || cjkLine(a.text) && cjkWidth == 0 && titleLike(a.text) && !strings.ContainsAny(a.text, "、，,"):
		// A page that repeats a line, and a CJK title over a line of about its width
		// in a file not wrapped at a width, are lines of their own.
		return false
	}
	return sameWidthAsNeighbours(kept, i-1) && !nameList(a.text)
}

// nameList reports whether s lists the names of people ("胡泽斌,王立生,崔春萍"): a
// line of its own, whatever its width.
func nameList(s string) bool {
	if len(s) > 300 || strings.Count(s, ",")+strings.Count(s, "，")+strings.Count(s, "、") < 2 {
		return false
	}
	names, _ := authorLine(s)
	return len(names) >= 3
}

// recordLine reports whether s is a record of several labelled fields ("证券代码:831049
// 证券简称:赛莱拉"), which a hard wrap does not continue.
func recordLine(s string) bool { return len(fieldLabels.FindAllStringIndex(s, 3)) >= 2 }

// parenthesized reports whether s is a line in round brackets ("(昆明醫科大學…)").
func parenthesized(s string) bool {
	return (strings.HasPrefix(s, "(") || strings.HasPrefix(s, "（")) && (strings.HasSuffix(s, ")") || strings.HasSuffix(s, "）"))
}

var footnoted = regexp.MustCompile(`^\d{1,2}\p{Lu}\p{Ll}`)

var fieldLabels = regexp.MustCompile(`(?:^|\s)[^\s:：]{1,12}\s?[:：]\s?\S`)

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

// continuesCJK reports whether a line starting with r cannot start a sentence: the long
// vowel mark, small kana, closing punctuation, and the particles that only follow a
// word (を, が).
func continuesCJK(r rune) bool {
	return r == 'ー' || strings.ContainsRune("、。，．）」』】〉》ぁぃぅぇぉっゃゅょをが", r)
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
